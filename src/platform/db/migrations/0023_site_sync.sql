-- Sites and headquarters (issue 22): each site's outbox replicated to headquarters over NATS JetStream.
--
-- At a site: the replication chain over the site's outbox (one row per event, hash = sha256(prevHash || canonical
-- event)), sealed by the relay before it publishes, append-only like the outbox it describes; and the relay's place
-- (epoch, last published seq, the last receipt headquarters sent back).
create table sync_site_chain (
  site_id text not null,
  seq bigint not null,
  event_id uuid not null,
  prev_hash text not null,
  hash text not null,
  primary key (site_id, seq)
);
create trigger sync_site_chain_append_only before update or delete on sync_site_chain
  for each row execute function custos_refuse_change();
create trigger sync_site_chain_no_truncate before truncate on sync_site_chain
  for each statement execute function custos_refuse_change();

create table sync_relay (
  site_id text primary key,
  epoch integer not null default 1,
  published_seq bigint not null default 0,
  published_at timestamptz,
  receipt_epoch integer,
  receipt_seq bigint,
  receipt_hash text,
  receipt_at timestamptz,
  updated_at timestamptz not null
);

-- At headquarters: the replicated copy of each site's chain (per epoch), append-only; where each site's chain stands
-- (highest contiguous seq and its hash, highest seen, the last arrival); forks (a different hash offered for a seq
-- already held: nothing is overwritten, the offer is kept here); and the state the events imply (each person's
-- custody status as the site's ledger last said).
create table sync_hq_events (
  site_id text not null,
  epoch integer not null,
  seq bigint not null,
  id uuid not null,
  type text not null,
  version integer not null,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  person_ids uuid[] not null default '{}',
  facility_ids uuid[] not null default '{}',
  unit_ids uuid[] not null default '{}',
  payload jsonb not null,
  prev_hash text not null,
  hash text not null,
  received_at timestamptz not null,
  primary key (site_id, epoch, seq)
);
create index sync_hq_events_id_idx on sync_hq_events (id);
create trigger sync_hq_events_append_only before update or delete on sync_hq_events
  for each row execute function custos_refuse_change();
create trigger sync_hq_events_no_truncate before truncate on sync_hq_events
  for each statement execute function custos_refuse_change();

create table sync_hq_sites (
  site_id text not null,
  epoch integer not null,
  contiguous_seq bigint not null default 0,
  contiguous_hash text not null,
  highest_seen_seq bigint not null default 0,
  last_received_at timestamptz,
  updated_at timestamptz not null,
  primary key (site_id, epoch)
);

create table sync_hq_forks (
  id uuid primary key,
  site_id text not null,
  epoch integer not null,
  seq bigint not null,
  kind text not null check (kind in ('hash_differs', 'broken_link', 'bad_hash')),
  held_hash text,
  offered_hash text not null,
  offered jsonb not null,
  detected_at timestamptz not null,
  unique (site_id, epoch, seq, offered_hash)
);

create table sync_hq_persons (
  site_id text not null,
  person_id uuid not null,
  status text not null,
  facility_id text,
  unit_id text,
  ledger_seq bigint not null,
  event_id uuid not null,
  primary key (site_id, person_id)
);
