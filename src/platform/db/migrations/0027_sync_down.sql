-- Sites and headquarters, the way down and the epochs (issue 22).
--
-- At headquarters: what goes down to the sites (watchlist releases, the wanted gallery, users and roles, alerts), one
-- row per item in the order it was issued (`target_site` '*' for every site), and how far each site's down stream was
-- published. At a site: the items applied (the latest version of each kind and key), and where the site's consumer
-- stands on its down stream (stream seq), written in the transaction that applies the message.
create table sync_down_items (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('watchlist_release', 'wanted_gallery', 'user_roles', 'alert')),
  item_key text not null,
  target_site text not null,
  body jsonb not null,
  issued_at timestamptz not null,
  issued_by text not null
);
create index sync_down_items_target_idx on sync_down_items (target_site, id);
create trigger sync_down_items_append_only before update or delete on sync_down_items
  for each row execute function custos_refuse_change();

create table sync_down_cursors (
  site_id text primary key,
  published_id bigint not null default 0,
  published_at timestamptz
);

create table sync_down_applied (
  kind text not null,
  item_key text not null,
  hq_id bigint not null,
  stream_seq bigint not null,
  body jsonb not null,
  issued_at timestamptz not null,
  applied_at timestamptz not null,
  primary key (kind, item_key)
);

create table sync_down_state (
  site_id text primary key,
  stream_seq bigint not null default 0,
  hq_id bigint not null default 0,
  applied_count bigint not null default 0,
  applied_at timestamptz,
  -- the stream no longer holds the next message this site needs (an outage longer than it keeps)
  behind_from bigint
);

-- At a site: each epoch of its replication (a restore from a backup starts a new one; seqs are never reused within an
-- epoch), with why and where the site's chain stood when it began.
create table sync_site_epochs (
  site_id text not null,
  epoch integer not null,
  reason text not null,
  tip_seq bigint not null,
  tip_hash text not null,
  started_at timestamptz not null,
  primary key (site_id, epoch)
);

-- At headquarters: a later epoch of a site compared with the one before it: how far they agree, and how many events
-- of the earlier epoch lie beyond (events the restored site no longer has).
create table sync_hq_epoch_checks (
  site_id text not null,
  epoch integer not null,
  previous_epoch integer not null,
  agreed_seq bigint not null,
  diverged_at bigint,
  previous_beyond bigint not null,
  checked_at timestamptz not null,
  primary key (site_id, epoch)
);

alter table sync_hq_forks drop constraint sync_hq_forks_kind_check;
alter table sync_hq_forks add constraint sync_hq_forks_kind_check check (kind in ('hash_differs', 'broken_link', 'bad_hash', 'epoch_diverged'));
