-- Signed custody statements (issue 21): what a site states at least daily and on demand (per-facility counts by
-- status, every chain's head with its Merkle root, the audit head), signed with the site's Ed25519 key. Published to
-- monitors; append-only like the ledger they describe.
create table custody_statements (
  id uuid primary key,
  site_id text not null,
  issued_at timestamptz not null,
  reason text not null check (reason in ('daily', 'on_demand')),
  statement_text text not null,
  signature text not null,
  public_key text not null,
  issued_by text not null
);
create index custody_statements_issued_idx on custody_statements (issued_at desc);

create trigger custody_statements_append_only before update or delete on custody_statements
  for each row execute function custos_refuse_change();
create trigger custody_statements_no_truncate before truncate on custody_statements
  for each statement execute function custos_refuse_change();
