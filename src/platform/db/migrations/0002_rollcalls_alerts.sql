-- Roll calls (expected list, marks, per-unit results = the Delta history), schedules, alert rules and alerts.
-- Runs on PostgreSQL 15 (server) and PGlite 0.5 (PostgreSQL 18): ids are made in TypeScript.

-- roll calls ------------------------------------------------------------------------------------------------------
create table rollcalls (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  -- Units asked for when opened (their sub-units are included); empty means the whole facility.
  unit_ids uuid[] not null default '{}',
  status text not null check (status in ('open', 'closing', 'closed')),
  opened_at timestamptz not null,
  opened_by uuid,
  closing_at timestamptz,
  closed_at timestamptz,
  closed_by uuid,
  expected_count integer not null,
  -- The figures computed at close: {expected, present, excused, delta, misplaced, ...}.
  result jsonb
);
create index rollcalls_facility_idx on rollcalls (facility_id, opened_at desc);
create index rollcalls_open_idx on rollcalls (status) where status <> 'closed';

-- The manifest at the moment the roll call was opened: who is expected, where, and in which status.
-- No foreign keys on the two bulk tables (expected list, marks): their rows come only from the roll-call service, which
-- copies them from placements or checks them against the list; per-row FK triggers measured ~2.5x the insert cost.
create table rollcall_expected (
  rollcall_id uuid not null,
  person_id uuid not null,
  unit_id uuid,
  status text not null,
  out_reason text,
  primary key (rollcall_id, person_id)
);
create index rollcall_expected_person_idx on rollcall_expected (person_id);

-- Marks as tablets send them; ids come from the client (or are derived from the mark) so a retried batch is a no-op.
create table rollcall_marks (
  id uuid primary key,
  seq bigint generated always as identity,
  rollcall_id uuid not null,
  person_id uuid not null,
  result text not null check (result in ('present', 'absent', 'excused')),
  reason text,
  note text,
  method text,
  verification_ref text,
  unit_id uuid,
  expected boolean not null,
  misplaced boolean not null,
  marked_at timestamptz not null,
  marked_by uuid,
  recorded_at timestamptz not null
);
create index rollcall_marks_rollcall_idx on rollcall_marks (rollcall_id, person_id);

-- Who was unaccounted at each closed roll call (for "absent at consecutive roll calls" and after-action review).
create table rollcall_absences (
  rollcall_id uuid not null references rollcalls(id),
  person_id uuid not null references persons(id),
  unit_id uuid,
  primary key (rollcall_id, person_id)
);
create index rollcall_absences_person_idx on rollcall_absences (person_id);

-- Figures per unit at each close: the Delta history of every unit over time.
create table rollcall_unit_results (
  id uuid primary key,
  rollcall_id uuid not null references rollcalls(id),
  facility_id uuid not null references facilities(id),
  unit_id uuid references units(id),
  closed_at timestamptz not null,
  expected integer not null,
  present integer not null,
  excused integer not null,
  delta integer not null,
  misplaced_in integer not null,
  misplaced_out integer not null
);
create index rollcall_unit_results_facility_idx on rollcall_unit_results (facility_id, closed_at);
create index rollcall_unit_results_unit_idx on rollcall_unit_results (unit_id, closed_at);

-- Each facility's roll-call times (local time of day, with the facility's UTC offset) and grace period.
create table rollcall_schedules (
  facility_id uuid primary key references facilities(id),
  times text[] not null,
  utc_offset_minutes integer not null default 0,
  grace_minutes integer not null,
  duration_minutes integer not null,
  active boolean not null default true,
  updated_at timestamptz not null,
  updated_by uuid
);

-- alerts ----------------------------------------------------------------------------------------------------------
-- Per-facility thresholds; a facility without a row uses the defaults in alerts.domain.ts.
create table alert_rules (
  facility_id uuid primary key references facilities(id),
  rules jsonb not null,
  updated_at timestamptz not null,
  updated_by uuid
);

create table alerts (
  id uuid primary key,
  facility_id uuid references facilities(id),
  unit_id uuid,
  rule text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  status text not null check (status in ('open', 'acknowledged', 'resolved')),
  title text not null,
  details jsonb,
  -- One live alert per key (a roll call's Delta, a missed slot, a facility over capacity).
  dedupe_key text,
  rollcall_id uuid references rollcalls(id),
  raised_at timestamptz not null,
  raised_by uuid,
  escalation_level integer not null default 0,
  escalated_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by uuid,
  acknowledge_note text,
  resolved_at timestamptz,
  resolved_by uuid,
  resolution_note text
);
create unique index alerts_dedupe_live_idx on alerts (dedupe_key) where status <> 'resolved';
create index alerts_dedupe_idx on alerts (dedupe_key);
create index alerts_facility_idx on alerts (facility_id, raised_at desc);
create index alerts_status_idx on alerts (status, raised_at desc);
