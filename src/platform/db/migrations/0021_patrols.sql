-- Patrols of the guard force (issue 17 point 3): routes of ordered checkpoints (a QR or NFC tag each, unique per
-- facility), rounds walked by a guard on duty, their scans, the checkpoints a round missed, and the gaps between rounds
-- longer than the route's limit. The scheduler (GuardsService.tick) finds misses and gaps from these tables alone, so
-- they survive a restart.
create table guard_patrol_routes (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  code text not null,
  name text not null,
  -- a guard must be on duty at this post to walk the route (null: at any post of the facility)
  post_id uuid references guard_posts(id),
  -- a round must start within this many minutes of the previous round's start (the patrol gap limit)
  round_interval_minutes integer not null check (round_interval_minutes between 5 and 1440),
  -- each checkpoint within this many minutes of the previous scan (else the round lapses and the rest are missed)
  checkpoint_window_minutes integer not null check (checkpoint_window_minutes between 1 and 720),
  active boolean not null,
  -- since when the route is watched (creation or re-activation): the first round is due an interval later
  active_since timestamptz not null,
  -- the scheduler has looked for gaps up to here
  gaps_checked_until timestamptz not null,
  created_at timestamptz not null,
  created_by uuid,
  unique (facility_id, code)
);

create table guard_patrol_checkpoints (
  id uuid primary key,
  route_id uuid not null references guard_patrol_routes(id),
  facility_id uuid not null references facilities(id),
  position integer not null,
  tag_id text not null,
  name text not null,
  unit_id uuid references units(id),
  lat double precision,
  lon double precision,
  unique (route_id, position),
  unique (facility_id, tag_id)
);

-- A round: open while the guard walks it, then completed (every checkpoint scanned) or incomplete (it lapsed).
create table guard_patrol_runs (
  id uuid primary key,
  route_id uuid not null references guard_patrol_routes(id),
  facility_id uuid not null references facilities(id),
  staff_id uuid not null references guard_staff(id),
  started_at timestamptz not null,
  -- an open round lapses at this instant (the last scan, or the start, plus the checkpoint window)
  due_at timestamptz not null,
  ended_at timestamptz,
  status text not null check (status in ('open', 'completed', 'incomplete')),
  scanned integer not null,
  missed integer not null,
  recorded_by uuid
);
create unique index guard_patrol_runs_open_route_idx on guard_patrol_runs (route_id) where status = 'open';
create unique index guard_patrol_runs_open_staff_idx on guard_patrol_runs (staff_id) where status = 'open';
create index guard_patrol_runs_route_idx on guard_patrol_runs (route_id, started_at);
create index guard_patrol_runs_due_idx on guard_patrol_runs (due_at) where status = 'open';

create table guard_patrol_scans (
  id uuid primary key,
  run_id uuid not null references guard_patrol_runs(id),
  route_id uuid not null references guard_patrol_routes(id),
  facility_id uuid not null references facilities(id),
  checkpoint_id uuid not null references guard_patrol_checkpoints(id),
  staff_id uuid not null references guard_staff(id),
  at timestamptz not null,
  method text not null,
  in_order boolean not null,
  -- out of order: the checkpoint that was expected instead
  expected_checkpoint_id uuid references guard_patrol_checkpoints(id),
  recorded_by uuid,
  unique (run_id, checkpoint_id)
);
create index guard_patrol_scans_facility_idx on guard_patrol_scans (facility_id, at);

create table guard_patrol_misses (
  run_id uuid not null references guard_patrol_runs(id),
  checkpoint_id uuid not null references guard_patrol_checkpoints(id),
  route_id uuid not null references guard_patrol_routes(id),
  facility_id uuid not null references facilities(id),
  due_at timestamptz not null,
  primary key (run_id, checkpoint_id)
);
create index guard_patrol_misses_facility_idx on guard_patrol_misses (facility_id, due_at);

-- No round started within the route's limit: from due_at (the previous round's start plus the limit) to the next start.
create table guard_patrol_gaps (
  id uuid primary key,
  route_id uuid not null references guard_patrol_routes(id),
  facility_id uuid not null references facilities(id),
  last_round_at timestamptz,
  due_at timestamptz not null,
  ended_at timestamptz,
  unique (route_id, due_at)
);
create index guard_patrol_gaps_facility_idx on guard_patrol_gaps (facility_id, due_at);
