-- The transactional outbox: every state change writes its domain events here in the transaction that makes it, so
-- that a reaction (an alert, a screening) can never be lost between a commit and a crash. Events are numbered per
-- site without gaps (`seq`, assigned under the lock on the site's row in outbox_heads, taken at the end of the
-- transaction), so a reader that has handled seq N of a site has seen every earlier event of it. Append-only, like
-- the ledger: the after-action timeline and the site relay read the same stream.
create table outbox_heads (
  site_id text primary key,
  seq bigint not null
);

create table outbox (
  site_id text not null,
  seq bigint not null,
  id uuid not null unique,
  type text not null,
  version integer not null,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  person_ids uuid[] not null default '{}',
  facility_ids uuid[] not null default '{}',
  unit_ids uuid[] not null default '{}',
  payload jsonb not null,
  primary key (site_id, seq)
);

create trigger outbox_append_only before update or delete on outbox
  for each row execute function custos_refuse_change();
create trigger outbox_no_truncate before truncate on outbox
  for each statement execute function custos_refuse_change();

-- Where each named consumer stands in each site's stream: the last seq it has handled (durable checkpoint), and the
-- failures of its last attempts (operations read them in `custos outbox status`).
create table outbox_consumers (
  consumer text not null,
  site_id text not null,
  seq bigint not null,
  updated_at timestamptz not null,
  failures integer not null default 0,
  last_error text,
  last_error_at timestamptz,
  primary key (consumer, site_id)
);
