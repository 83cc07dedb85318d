-- Sightings (issue 19): the wanted gallery (escaped and unaccounted persons, kept from the ledger by an outbox
-- consumer), every checkpoint check (hit or not), sightings with an investigator's decision, notices to states under a
-- two-person sharing decision, signed with the site's Ed25519 key (public key kept here).
create table sightings_wanted (
  person_id uuid primary key,
  status text not null check (status in ('ESCAPED', 'UNACCOUNTED')),
  since timestamptz not null,
  facility_id uuid,
  ledger_event_id uuid not null,
  updated_at timestamptz not null
);

-- One row, bumped on every change of the gallery: the matcher rebuilds its in-memory subset when it moves.
create table sightings_gallery_version (
  id smallint primary key check (id = 1),
  version bigint not null
);
insert into sightings_gallery_version (id, version) values (1, 0);

create table sightings_checks (
  id uuid primary key,
  reference text not null unique,
  at timestamptz not null,
  place text not null,
  latitude double precision,
  longitude double precision,
  officer_id uuid,
  officer text not null,
  scope text not null check (scope in ('wanted', 'registry')),
  modalities text[] not null,
  outcome text not null check (outcome in ('detain', 'report_and_release', 'refer_child_protection', 'no_match', 'retake')),
  retake jsonb,
  person_id uuid,
  method text,
  score double precision,
  sighting_id uuid
);
create index sightings_checks_at on sightings_checks (at desc);

create table sightings (
  id uuid primary key,
  person_id uuid not null,
  at timestamptz not null,
  place text not null,
  latitude double precision,
  longitude double precision,
  source text not null check (source in ('check', 'report')),
  check_id uuid,
  reported_by uuid,
  reported_by_name text not null,
  method text not null,
  evidence jsonb not null default '{}',
  facility_id uuid,
  minor boolean not null,
  status text not null check (status in ('reported', 'confirmed', 'rejected', 'recaptured')),
  decided_by text,
  decided_at timestamptz,
  decision_reason text,
  recaptured_at timestamptz,
  recapture_facility_id uuid,
  recorded_at timestamptz not null
);
create index sightings_person on sightings (person_id, at desc);
create index sightings_at on sightings (at desc);

create table sightings_notices (
  id uuid primary key,
  person_id uuid not null,
  recipient text not null,
  recipient_kind text not null check (recipient_kind in ('state_liaison', 'border_service', 'child_protection')),
  recipient_country text,
  fields text[] not null,
  legal_basis text not null,
  status text not null check (status in ('draft', 'approved', 'exported')),
  created_at timestamptz not null,
  created_by uuid,
  created_by_name text not null,
  document jsonb,
  exported_at timestamptz,
  exported_by text
);

create table sightings_notice_approvals (
  notice_id uuid not null references sightings_notices(id),
  user_id uuid not null,
  username text not null,
  at timestamptz not null,
  primary key (notice_id, user_id)
);

create table sightings_signing_keys (
  key_id text primary key,
  public_key text not null,
  created_at timestamptz not null
);
