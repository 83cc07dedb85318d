-- Perimeter sensors, their events and health, incidents and staff incident reports (issue 20).
-- A sensor belongs to a facility and a perimeter sector; the units nearby are those whose roll calls an incident
-- proposes to count. `code` is the device id in MQTT topics (custos/<facility code>/sensors/<code>/...).
create table sensors (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  code text not null,
  name text not null,
  kind text not null,
  sector text not null,
  unit_ids uuid[] not null default '{}',
  x real not null,
  y real not null,
  heartbeat_seconds integer not null,
  state text not null,
  state_since timestamptz not null,
  -- the health timer: when the sensor is a dead zone unless it is heard from (the scheduler compares with its clock)
  silent_after timestamptz not null,
  last_heard_at timestamptz,
  last_event_at timestamptz,
  last_event_type text,
  created_at timestamptz not null,
  unique (facility_id, code)
);
create index sensors_silent_idx on sensors (silent_after) where state = 'online';

create table incidents (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  sector text not null,
  unit_ids uuid[] not null default '{}',
  status text not null,
  severity text not null,
  title text not null,
  first_alarm_at timestamptz not null,
  last_alarm_at timestamptz not null,
  alarm_count integer not null,
  opened_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by uuid,
  responding_at timestamptz,
  responding_by uuid,
  contained_at timestamptz,
  contained_by uuid,
  closed_at timestamptz,
  closed_by uuid,
  context jsonb not null,
  headcount_rollcall_id uuid
);
create index incidents_open_idx on incidents (facility_id, sector, last_alarm_at) where status <> 'closed';
create index incidents_facility_idx on incidents (facility_id, opened_at desc);

-- Every event a sensor sent, once: the device's event id makes a retry or a duplicate delivery a no-op.
create table sensor_events (
  id uuid primary key,
  sensor_id uuid not null references sensors(id),
  facility_id uuid not null,
  sector text not null,
  device_event_id text not null,
  type text not null,
  alarm boolean not null,
  weight integer not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null,
  value jsonb,
  incident_id uuid references incidents(id),
  unique (sensor_id, device_event_id)
);
create index sensor_events_sector_idx on sensor_events (facility_id, sector, occurred_at) where alarm;
create index sensor_events_incident_idx on sensor_events (incident_id) where incident_id is not null;

-- What could not be taken in: the raw message (cut short), where it came from and why.
create table sensor_dead_letters (
  id uuid primary key,
  received_at timestamptz not null,
  source text not null,
  topic text,
  reason text not null,
  detail text,
  payload text
);
create index sensor_dead_letters_reason_idx on sensor_dead_letters (reason);

create table incident_actions (
  id uuid primary key,
  incident_id uuid not null references incidents(id),
  at timestamptz not null,
  actor_id uuid,
  actor_name text not null,
  kind text not null,
  note text
);
create index incident_actions_incident_idx on incident_actions (incident_id, at);

create table incident_evidence (
  id uuid primary key,
  incident_id uuid not null references incidents(id),
  kind text not null,
  ref text not null,
  note text,
  added_at timestamptz not null,
  added_by uuid
);
create index incident_evidence_incident_idx on incident_evidence (incident_id);

create table staff_reports (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  type text not null,
  severity text not null,
  occurred_at timestamptz not null,
  summary text not null,
  unit_ids uuid[] not null default '{}',
  person_ids uuid[] not null default '{}',
  incident_id uuid references incidents(id),
  status text not null,
  follow_up text,
  follow_up_due timestamptz,
  created_at timestamptz not null,
  created_by uuid,
  updated_at timestamptz not null
);
create index staff_reports_facility_idx on staff_reports (facility_id, occurred_at desc);
