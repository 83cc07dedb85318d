-- Core schema: access, audit, facilities, registry, custody ledger.
-- Runs on PostgreSQL 15 (server) and PGlite 0.5 (PostgreSQL 18): ids are made in TypeScript.
create extension if not exists pg_trgm;

-- access ---------------------------------------------------------------------------------------------------------
create table users (
  id uuid primary key,
  username text not null unique,
  display_name text,
  password_hash text not null,
  role text not null,
  facility_ids uuid[] not null default '{}',
  nationalities text[] not null default '{}',
  active boolean not null default true,
  must_change_password boolean not null default false,
  created_at timestamptz not null,
  created_by uuid
);

create table sessions (
  id uuid primary key,
  token_hash text not null unique,
  user_id uuid not null references users(id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  last_seen_at timestamptz not null,
  revoked_at timestamptz,
  client text
);
create index sessions_user_idx on sessions (user_id);

-- audit: append-only, hash-chained ----------------------------------------------------------------------------------
create table audit_log (
  seq bigint primary key,
  id uuid not null unique,
  at timestamptz not null,
  actor_id uuid,
  actor_username text,
  actor_role text,
  action text not null,
  subject_type text,
  subject_id text,
  purpose text,
  details jsonb,
  prev_hash text not null,
  hash text not null
);
create index audit_subject_idx on audit_log (subject_type, subject_id);
create index audit_actor_idx on audit_log (actor_id, at);

create table audit_head (
  id smallint primary key check (id = 1),
  seq bigint not null,
  hash text not null
);
insert into audit_head (id, seq, hash) values (1, 0, repeat('0', 64));

-- facilities ------------------------------------------------------------------------------------------------------
create table facilities (
  id uuid primary key,
  code text not null unique,
  name text not null,
  kind text not null,
  capacity integer,
  latitude double precision,
  longitude double precision,
  country text,
  created_at timestamptz not null
);

create table units (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  parent_unit_id uuid references units(id),
  code text not null,
  name text not null,
  kind text not null,
  capacity integer,
  created_at timestamptz not null,
  unique (facility_id, code)
);
create index units_parent_idx on units (parent_unit_id);

-- registry --------------------------------------------------------------------------------------------------------
create table households (
  id uuid primary key,
  label text not null,
  facility_id uuid references facilities(id),
  created_at timestamptz not null
);

create table persons (
  id uuid primary key,
  sex text not null,
  birth_date date,
  birth_precision text not null default 'unknown',
  birth_from date,
  birth_to date,
  place_of_birth text,
  household_id uuid references households(id),
  registered_facility_id uuid references facilities(id),
  vulnerabilities text[] not null default '{}',
  distinguishing_marks text[] not null default '{}',
  notes text,
  version integer not null default 1,
  created_at timestamptz not null,
  created_by uuid,
  updated_at timestamptz not null
);
create index persons_household_idx on persons (household_id);

create table person_names (
  id uuid primary key,
  person_id uuid not null references persons(id),
  ordinal integer not null,
  script text not null,
  full_name text not null,
  parts jsonb,
  kind text not null default 'primary',
  source text,
  search_key text not null,
  created_at timestamptz not null
);
create index person_names_person_idx on person_names (person_id);
create index person_names_trgm_idx on person_names using gin (search_key gin_trgm_ops);

create table person_nationalities (
  person_id uuid not null references persons(id),
  country text not null,
  status text not null default 'claimed',
  primary key (person_id, country)
);
create index person_nationalities_country_idx on person_nationalities (country);

create table identity_documents (
  id uuid primary key,
  person_id uuid not null references persons(id),
  type text not null,
  number text not null,
  issuing_country text,
  issued_on date,
  expires_on date,
  created_at timestamptz not null
);
create index identity_documents_person_idx on identity_documents (person_id);
create index identity_documents_number_idx on identity_documents (number);

create table person_relations (
  id uuid primary key,
  person_id uuid not null references persons(id),
  related_person_id uuid not null references persons(id),
  kind text not null,
  created_at timestamptz not null,
  unique (person_id, related_person_id, kind)
);
create index person_relations_related_idx on person_relations (related_person_id);

-- custody ledger: append-only, one hash chain per site ----------------------------------------------------------------
create table ledger_heads (
  site_id text primary key,
  seq bigint not null,
  hash text not null
);

create table custody_events (
  id uuid primary key,
  site_id text not null,
  seq bigint not null,
  person_id uuid not null references persons(id),
  type text not null,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  recorded_by uuid,
  from_facility_id uuid,
  from_unit_id uuid,
  to_facility_id uuid,
  to_unit_id uuid,
  authority text,
  reason text,
  evidence jsonb,
  prev_hash text not null,
  hash text not null,
  unique (site_id, seq)
);
create index custody_events_person_idx on custody_events (person_id, site_id, seq);
create index custody_events_facility_idx on custody_events (to_facility_id, occurred_at);
create index custody_events_from_facility_idx on custody_events (from_facility_id, occurred_at);

-- Current placement, derived from the ledger in the same transaction as each event; never edited otherwise.
create table placements (
  person_id uuid primary key references persons(id),
  status text not null,
  facility_id uuid references facilities(id),
  unit_id uuid references units(id),
  destination_facility_id uuid references facilities(id),
  out_reason text,
  since timestamptz not null,
  last_event_id uuid not null,
  event_count integer not null
);
create index placements_facility_idx on placements (facility_id, status);
create index placements_unit_idx on placements (unit_id);
