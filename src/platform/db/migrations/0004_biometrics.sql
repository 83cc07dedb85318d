-- Biometrics: encrypted templates (faces, fingerprints per finger), verification records that roll-call marks and
-- custody events cite, and duplicate-identity cases that only a human decides.
-- Runs on PostgreSQL 15 (server) and PGlite 0.5 (PostgreSQL 18): ids are made in TypeScript.

-- One row per enrolled template. The envelope is AES-256-GCM (template-crypto.ts) bound to the person and the row;
-- erasure clears it (erased_at set, envelope null) and keeps the row as the record that a template existed.
create table biometric_templates (
  id uuid primary key,
  person_id uuid not null references persons(id),
  modality text not null check (modality in ('face', 'fingerprint')),
  finger_position smallint check (finger_position between 1 and 10),
  model text not null,
  model_version text not null,
  envelope bytea,
  quality real,
  created_at timestamptz not null,
  created_by uuid,
  created_by_username text,
  erased_at timestamptz,
  erased_by uuid,
  erase_reason text,
  check ((modality = 'face' and finger_position is null) or (modality = 'fingerprint' and finger_position is not null)),
  check ((erased_at is null) = (envelope is not null))
);
-- One live template per person and slot (the face, or one finger); re-enrolment erases the previous one first.
create unique index biometric_templates_live_slot on biometric_templates (person_id, modality, coalesce(finger_position, 0))
  where erased_at is null;
create index biometric_templates_live_modality on biometric_templates (modality, id) where erased_at is null;

-- Every 1:1 verification and 1:N identification: its id is the reference a roll-call mark or a custody event carries.
create table biometric_verifications (
  id uuid primary key,
  kind text not null check (kind in ('verify', 'identify')),
  person_id uuid references persons(id),
  modality text not null check (modality in ('face', 'fingerprint')),
  finger_position smallint check (finger_position between 1 and 10),
  template_id uuid references biometric_templates(id),
  result text not null check (result in ('match', 'no_match', 'candidates', 'no_candidates')),
  score double precision,
  threshold double precision not null,
  target_fmr double precision not null,
  model text not null,
  candidates jsonb,
  purpose text not null,
  at timestamptz not null,
  by_user uuid,
  by_username text not null
);
create index biometric_verifications_person_idx on biometric_verifications (person_id, at desc) where person_id is not null;

-- A new enrolment that resembles someone already enrolled: a case for a registrar, never an automatic merge.
create table duplicate_cases (
  id uuid primary key,
  new_person_id uuid not null references persons(id),
  existing_person_id uuid not null references persons(id),
  modality text not null check (modality in ('face', 'fingerprint')),
  new_template_id uuid not null references biometric_templates(id),
  existing_template_id uuid not null references biometric_templates(id),
  score double precision not null,
  threshold double precision not null,
  target_fmr double precision not null,
  status text not null default 'open' check (status in ('open', 'same_person', 'different_persons')),
  created_at timestamptz not null,
  created_by uuid,
  -- For a same-person decision: the record that stays the reference; the other stays, linked to it.
  surviving_person_id uuid references persons(id),
  decided_at timestamptz,
  decided_by uuid,
  decided_by_username text,
  reason text,
  review_on date,
  check (new_person_id <> existing_person_id),
  check ((status = 'open') = (decided_at is null)),
  check ((status = 'same_person') = (surviving_person_id is not null))
);
-- One case per pair of persons and modality: a pair once adjudicated is not reopened by a later enrolment.
create unique index duplicate_cases_pair on duplicate_cases (least(new_person_id, existing_person_id), greatest(new_person_id, existing_person_id), modality);
create index duplicate_cases_status_idx on duplicate_cases (status, created_at);
create index duplicate_cases_new_idx on duplicate_cases (new_person_id);
create index duplicate_cases_existing_idx on duplicate_cases (existing_person_id);
