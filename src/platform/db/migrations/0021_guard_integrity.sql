-- Integrity controls (issue 17, point 7) and the biometric check-in of guards (point 2).

-- The two-person rule: a release, and a correction of an escape or of an unaccounted person (RECAPTURED, ACCOUNTED
-- recorded by hand), are first a pending request here; the ledger receives the event only when a second, different
-- officer confirms it (citing both). Nothing pending is in the ledger, so the ledger stays append-only and its figures
-- count only what was confirmed.
create table custody_confirmations (
  id uuid primary key,
  person_id uuid not null references persons(id),
  facility_id uuid references facilities(id),
  type text not null,
  request jsonb not null,
  status text not null,
  requested_at timestamptz not null,
  requested_by uuid,
  requested_by_username text not null,
  decided_at timestamptz,
  decided_by uuid,
  decided_by_username text,
  decision_reason text,
  event_id uuid
);
-- one pending request per person at a time
create unique index custody_confirmations_pending_idx on custody_confirmations (person_id) where status = 'pending';
create index custody_confirmations_queue_idx on custody_confirmations (status, facility_id, requested_at);
