-- Issue #6 follow-ups in screening. Runs on PostgreSQL 15 (server) and PGlite 0.5 (PostgreSQL 18).

-- A pending hit whose list entry is removed by a later release is withdrawn by that import: it leaves the review queue
-- but stays, with the version that removed the entry and why, beside the audit row. Decided hits keep their decision.
alter table screening_hits drop constraint screening_hits_status_check;
alter table screening_hits add constraint screening_hits_status_check
  check (status in ('pending', 'confirmed', 'dismissed', 'withdrawn'));
alter table screening_hits
  add column withdrawn_at timestamptz,
  add column withdrawn_version_id uuid references watchlist_versions(id),
  add column withdrawn_reason text;
alter table screening_hits add constraint screening_hits_withdrawal_recorded
  check (status <> 'withdrawn' or (withdrawn_at is not null and withdrawn_version_id is not null and withdrawn_reason is not null));
-- the import finds the pending hits of the entries it removes
create index screening_hits_pending_entry_idx on screening_hits (entry_id) where status = 'pending';

-- A list update screens the registry only against the entries its version added or changed. This records, per version,
-- the moment as of which every adult of the registry had been screened against its entries (null: not yet, e.g. the
-- process stopped before its screening ran), so the next run picks up any version left unscreened, and finds the
-- persons who have come of age since (they were skipped as possible minors, and the unchanged entries are not read
-- again for everyone). Versions imported before this migration start unscreened: the first run after it screens
-- against every active entry, once.
alter table watchlist_versions add column screened_as_of timestamptz;
