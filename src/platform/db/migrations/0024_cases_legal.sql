-- Cases (issue 23 part A): the legal case of a detainee (grounds, authority, legal status, charges, hearings, periodic
-- review of detention, the dossier's evidence as references) and the reintegration case after release. Reviews and
-- check-ins due are rows of `deadlines` (0024_deadlines.sql).
create table legal_cases (
  id uuid primary key,
  person_id uuid not null unique,
  -- where the person was held when the case opened (the figures use the current placement)
  facility_id uuid,
  opened_at timestamptz not null,
  grounds text not null,
  authority text not null,
  status text not null,
  review_interval_months integer not null default 6,
  last_review_at timestamptz,
  next_review_at timestamptz,
  -- the person left custody (released, repatriated, deceased): no more reviews
  closed_at timestamptz,
  closed_reason text,
  created_by text not null,
  updated_at timestamptz not null
);
create index legal_cases_status on legal_cases (status);
create index legal_cases_next_review on legal_cases (next_review_at) where closed_at is null;

-- Everything that happened to a case, in order: the case page's timeline (status changes, charges, hearings, reviews,
-- evidence linked, the review date set by hand). Rows are never changed.
create table legal_case_entries (
  id uuid primary key,
  case_id uuid not null references legal_cases (id),
  kind text not null,
  at timestamptz not null,
  recorded_at timestamptz not null,
  recorded_by text not null,
  details jsonb not null default '{}'::jsonb
);
create index legal_case_entries_case on legal_case_entries (case_id, at);

create table reintegration_cases (
  id uuid primary key,
  person_id uuid not null,
  -- the RELEASED or REPATRIATED ledger event that opened it (one case per event: the consumer is idempotent)
  ledger_event_id uuid not null unique,
  reason text not null,
  released_at timestamptz not null,
  facility_id uuid,
  programme text,
  case_plan text,
  checkin_every_days integer,
  next_checkin_at timestamptz,
  last_checkin_at timestamptz,
  opened_at timestamptz not null,
  updated_at timestamptz not null
);
create index reintegration_cases_person on reintegration_cases (person_id);

create table reintegration_checkins (
  id uuid primary key,
  case_id uuid not null references reintegration_cases (id),
  held_at timestamptz not null,
  note text not null,
  recorded_at timestamptz not null,
  recorded_by text not null
);
create index reintegration_checkins_case on reintegration_checkins (case_id, held_at);

-- The outcome at 6, 12 and 24 months after release: one each, recorded once.
create table reintegration_outcomes (
  case_id uuid not null references reintegration_cases (id),
  month integer not null,
  outcome text not null,
  note text not null,
  recorded_at timestamptz not null,
  recorded_by text not null,
  primary key (case_id, month)
);
