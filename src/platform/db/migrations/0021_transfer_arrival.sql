-- Transfers at arrival (issue 18, points 4 and 5): each person off a movement identified by a 1:N search against the
-- movement's own gallery and confirmed by an officer; the in-transit timer (derived from departed_at and the
-- movement's limit, fired once: transit_alerted_at); diversions (a new arrival facility, with the reason) and lodging
-- (a night at an intermediate facility; custody stays with the sender).
alter table transfer_movements drop constraint transfer_movements_status_check;
alter table transfer_movements add constraint transfer_movements_status_check
  check (status in ('planned', 'approved', 'departed', 'lodged', 'arrived', 'received', 'disputed'));
-- the destination the ledger's TRANSFER_DEPARTED named, once the movement was diverted elsewhere
alter table transfer_movements add column diverted_from uuid references facilities(id);
alter table transfer_movements add column transit_alerted_at timestamptz;
create index transfer_movements_in_transit on transfer_movements (departed_at) where status in ('departed', 'lodged');

-- One probe taken off the movement: what the 1:N search proposed and what the officer decided.
create table transfer_arrival_checks (
  id uuid primary key,
  movement_id uuid not null references transfer_movements(id),
  identification_id uuid not null,
  modality text not null check (modality in ('face', 'fingerprint')),
  outcome text not null check (outcome in ('on_manifest', 'other_manifest', 'not_on_manifest', 'unknown')),
  candidate_person_id uuid references persons(id),
  candidate_score real,
  other_movement_id uuid references transfer_movements(id),
  decision text check (decision in ('confirmed', 'rejected')),
  person_id uuid references persons(id),
  reason text,
  decided_by uuid,
  decided_at timestamptz,
  created_by uuid,
  created_at timestamptz not null
);
create index transfer_arrival_checks_movement on transfer_arrival_checks (movement_id, created_at);
-- a person is identified off a movement once
create unique index transfer_arrival_checks_once on transfer_arrival_checks (movement_id, person_id) where decision = 'confirmed';

-- Diversions and lodging: the movement's stops on the way.
create table transfer_movement_stops (
  id uuid primary key,
  movement_id uuid not null references transfer_movements(id),
  kind text not null check (kind in ('diversion', 'lodging')),
  facility_id uuid not null references facilities(id),
  previous_facility_id uuid references facilities(id),
  reason text not null,
  person_ids uuid[] not null default '{}',
  started_at timestamptz not null,
  started_by uuid,
  ended_at timestamptz,
  ended_by uuid
);
create index transfer_movement_stops_movement on transfer_movement_stops (movement_id, started_at);
