-- Record photos and missing-finger codes (issue 16). Runs on PostgreSQL 15 (server) and PGlite 0.5 (PostgreSQL 18).

-- A record photo: the companion of the templates, not a template. Kept in the biometrics module and encrypted like the
-- templates (AES-256-GCM envelopes of template-crypto.ts under the template key, bound to the person, the row and the
-- size), so a dump of the database shows no face. Two envelopes: the portrait (at most 480x640) and a thumbnail for
-- lists (at most 120x160), both JPEG. Erasure clears both envelopes and keeps the row as the record that a photo existed
-- (who erased it, when, why). At most one live photo per person.
create table person_photos (
  id uuid primary key,
  person_id uuid not null references persons(id),
  source text not null check (source in ('face_enrolment', 'upload')),
  template_id uuid references biometric_templates(id),
  full_envelope bytea,
  thumb_envelope bytea,
  width integer not null,
  height integer not null,
  created_at timestamptz not null,
  created_by uuid,
  created_by_username text,
  erased_at timestamptz,
  erased_by uuid,
  erased_by_username text,
  erase_reason text,
  check ((erased_at is null) = (full_envelope is not null)),
  check ((erased_at is null) = (thumb_envelope is not null))
);
create unique index person_photos_live on person_photos (person_id) where erased_at is null;
create index person_photos_person on person_photos (person_id, created_at);

-- A finger that cannot be printed, per position (1 right thumb .. 10 left little), with the ANSI/NIST-ITL amputation
-- code (Type-14 AMP: XX amputated, UP unable to print) and the kind users of fingerprint systems name (amputated,
-- unable to print, bandaged = temporarily unable to print). Ended when the finger is enrolled or the code withdrawn.
create table finger_exceptions (
  id uuid primary key,
  person_id uuid not null references persons(id),
  finger_position smallint not null check (finger_position between 1 and 10),
  kind text not null check (kind in ('amputated', 'unable_to_print', 'bandaged')),
  ansi_code text not null check (ansi_code in ('XX', 'UP')),
  note text,
  created_at timestamptz not null,
  created_by uuid,
  created_by_username text,
  ended_at timestamptz,
  ended_by uuid,
  ended_by_username text,
  end_reason text
);
create unique index finger_exceptions_live on finger_exceptions (person_id, finger_position) where ended_at is null;
create index finger_exceptions_person on finger_exceptions (person_id, created_at);
