-- Deadlines as rows (issue 23): a review of detention due, a reintegration check-in, a repatriation stage. The
-- scheduler (platform/deadlines) claims the rows that are due with `for update skip locked`, runs the handler of their
-- kind and marks them in the same transaction, so a deadline fires once, after a restart too, whichever process runs.
create table deadlines (
  id uuid primary key,
  kind text not null,
  subject_id uuid not null,
  due_at timestamptz not null,
  -- when to remind before the due time (null: no reminder)
  remind_at timestamptz,
  fired_at timestamptz,
  reminded_at timestamptz,
  cancelled_at timestamptz,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null,
  -- a handler that failed: tried again after next_attempt_at, the error kept for operations
  attempts integer not null default 0,
  last_error text,
  next_attempt_at timestamptz
);
-- the scheduler's two questions: what is due, what is to be reminded (open rows only)
create index deadlines_due on deadlines (due_at) where fired_at is null and cancelled_at is null;
create index deadlines_remind on deadlines (remind_at) where reminded_at is null and fired_at is null and cancelled_at is null and remind_at is not null;
create index deadlines_subject on deadlines (kind, subject_id);
