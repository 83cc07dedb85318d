-- Watchlists (versioned imports of the UN consolidated list, OFAC SDN ...) and screening hits awaiting a human decision.
-- Runs on PostgreSQL 15 (server) and PGlite 0.5 (PostgreSQL 18): ids are made in TypeScript.

-- One row per import of a list file: when, by whom, what the file held and what it changed.
create table watchlist_versions (
  id uuid primary key,
  source text not null,
  generated_at timestamptz,
  imported_at timestamptz not null,
  imported_by uuid,
  imported_by_username text,
  file_name text,
  file_sha256 text not null,
  stats jsonb not null,
  added integer not null,
  removed integer not null,
  changed integer not null,
  unchanged integer not null,
  warnings jsonb not null default '[]'
);
create index watchlist_versions_source_idx on watchlist_versions (source, imported_at desc);

-- The entries of each list as of its latest import; a removed entry stays (inactive) for the hits that name it.
create table watchlist_entries (
  id uuid primary key,
  source text not null,
  ref text not null,
  kind text not null,
  primary_name text not null,
  data jsonb not null,
  content_hash text not null,
  screen_hash text not null,
  active boolean not null,
  added_version_id uuid not null references watchlist_versions(id),
  changed_version_id uuid not null references watchlist_versions(id),
  removed_version_id uuid references watchlist_versions(id),
  unique (source, ref)
);
create index watchlist_entries_active_idx on watchlist_entries (source) where active;

-- What each import changed, entry by entry.
create table watchlist_changes (
  version_id uuid not null references watchlist_versions(id),
  entry_id uuid not null references watchlist_entries(id),
  change text not null check (change in ('added', 'removed', 'changed')),
  ref text not null,
  before_hash text,
  after_hash text,
  primary key (version_id, entry_id)
);

-- A candidate pair (registry person, list entry), with the evidence and the fingerprints of both sides' screened
-- data; it stays a candidate until an officer confirms or dismisses it with a reason.
create table screening_hits (
  id uuid primary key,
  person_id uuid not null references persons(id),
  entry_id uuid not null references watchlist_entries(id),
  source text not null,
  ref text not null,
  status text not null check (status in ('pending', 'confirmed', 'dismissed')),
  strength double precision not null,
  evidence jsonb not null,
  person_hash text not null,
  entry_hash text not null,
  trigger text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  decided_at timestamptz,
  decided_by uuid,
  decided_by_username text,
  reason text
);
create index screening_hits_pair_idx on screening_hits (person_id, entry_id, created_at desc);
create index screening_hits_status_idx on screening_hits (status, strength desc);

-- Explicit requests to screen a person (required for a possible minor), with who asked and why.
create table screening_requests (
  id uuid primary key,
  person_id uuid not null references persons(id),
  requested_at timestamptz not null,
  requested_by uuid,
  requested_by_username text,
  reason text not null,
  minor boolean not null,
  hits integer not null
);
create index screening_requests_person_idx on screening_requests (person_id, requested_at desc);
