-- The ledger and the audit log are append-only at the database level too: an UPDATE, DELETE or TRUNCATE through
-- any client is refused. Corrections are new events. (A database superuser can still bypass triggers; the hash
-- chains are what prove such tampering afterwards.)
create or replace function custos_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'custos: % is append-only; record a correction as a new entry', tg_table_name
    using errcode = '42501';
end;
$$;

create trigger custody_events_append_only before update or delete on custody_events
  for each row execute function custos_refuse_change();
create trigger custody_events_no_truncate before truncate on custody_events
  for each statement execute function custos_refuse_change();
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function custos_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function custos_refuse_change();
