-- A roll call opened by mistake (wrong units, wrong time) can be cancelled with a reason instead of being closed:
-- closing it would record everyone unmarked as unaccounted. Its marks stay as they were taken; it computes no Delta,
-- appends nothing to the ledger and no longer blocks a new roll call of the same units.
alter table rollcalls drop constraint rollcalls_status_check;
alter table rollcalls add constraint rollcalls_status_check check (status in ('open', 'closing', 'closed', 'cancelled'));
alter table rollcalls add column cancelled_at timestamptz;
alter table rollcalls add column cancelled_by uuid;
alter table rollcalls add column cancel_reason text;
drop index rollcalls_open_idx;
create index rollcalls_open_idx on rollcalls (status) where status in ('open', 'closing');
