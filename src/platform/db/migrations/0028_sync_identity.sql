-- Sites and headquarters: the way down read by the modules, and identity across sites (issue 22).
--
-- At a site, the wanted gallery also holds the persons headquarters says are wanted (escaped from another site): they
-- have no record here, so the names come with them; the site's own ledger still decides for its own persons.
alter table sightings_wanted add column source text not null default 'ledger' check (source in ('ledger', 'hq'));
alter table sightings_wanted add column hq_names text[];
alter table sightings_wanted add column from_site text;

-- At headquarters: what each site says about the identity of its persons (names, birth, sex, and their biometric
-- templates as the site's sealed envelopes, never in clear), the latest version by the site's seq.
create table sync_hq_identities (
  site_id text not null,
  person_id uuid not null,
  names text[] not null,
  -- the names module's blocking keys of every name: records of other sites sharing one are compared
  name_keys text[] not null default '{}',
  sex text not null,
  birth_from date,
  birth_to date,
  nationalities text[] not null default '{}',
  templates jsonb not null default '[]',
  site_seq bigint not null,
  updated_at timestamptz not null,
  primary key (site_id, person_id)
);
create index sync_hq_identities_keys_idx on sync_hq_identities using gin (name_keys);
-- Batches of two sites are applied in concurrent transactions: the comparison of a new record with the other sites'
-- takes this row's lock, so that of two records arriving at once the second always sees the first.
create table sync_identity_lock (id smallint primary key check (id = 1));
insert into sync_identity_lock (id) values (1);

-- Two records of two sites that may be the same person: a case for a human, never a merge. Both records stay as the
-- sites sent them; the decision (same person, naming the reference record, or different persons) is recorded here
-- and in the audit chain. One case per pair of records.
create table sync_identity_cases (
  id uuid primary key,
  site_a text not null,
  person_a uuid not null,
  site_b text not null,
  person_b uuid not null,
  basis text not null check (basis in ('name', 'face', 'fingerprint')),
  score double precision not null,
  name_score double precision,
  status text not null default 'open' check (status in ('open', 'same_person', 'different_persons')),
  created_at timestamptz not null,
  reference_site text,
  reference_person uuid,
  decided_at timestamptz,
  decided_by uuid,
  decided_by_username text,
  reason text,
  check ((site_a, person_a) <> (site_b, person_b)),
  check ((status = 'open') = (decided_at is null)),
  check ((status = 'same_person') = (reference_person is not null))
);
create unique index sync_identity_cases_pair on sync_identity_cases (
  least(site_a || '/' || person_a::text, site_b || '/' || person_b::text),
  greatest(site_a || '/' || person_a::text, site_b || '/' || person_b::text)
);
create index sync_identity_cases_status_idx on sync_identity_cases (status, created_at);
