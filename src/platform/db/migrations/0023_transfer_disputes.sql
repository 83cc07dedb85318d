-- Count discrepancies resolved by an officer (issue 18): each missing or extra person of a counted movement is
-- resolved once, with a reason: found at the destination, never boarded (back at the origin), flown on this movement
-- instead of their own (re-attributed), or sent back to the custody the ledger names. Audited as well; this table is
-- what the arrival and dashboard screens show.
create table transfer_discrepancy_resolutions (
  id uuid primary key,
  movement_id uuid not null references transfer_movements(id),
  person_id uuid not null references persons(id),
  side text not null check (side in ('missing', 'extra')),
  kind text not null check (kind in ('found', 'not_boarded', 'reattributed', 'sent_back')),
  -- reattributed: the movement whose manifest named the person
  other_movement_id uuid references transfer_movements(id),
  reason text not null,
  verification_id uuid,
  resolved_by uuid,
  resolved_at timestamptz not null,
  unique (movement_id, person_id, side)
);
create index transfer_discrepancy_resolutions_movement on transfer_discrepancy_resolutions (movement_id);

-- Whom a plan could not place and why, kept so that every one of them can be listed page by page (the plan's answer
-- carries the first page only).
create table transfer_plan_unplaced (
  plan_id uuid not null,
  operation_id uuid not null references transfer_operations(id),
  -- the departure facility planned from: only a planner whose scope holds it lists them
  from_facility_id uuid not null references facilities(id),
  ordinal integer not null,
  person_id uuid not null,
  reason text not null,
  detail text not null,
  planned_at timestamptz not null,
  primary key (plan_id, ordinal)
);
create index transfer_plan_unplaced_operation on transfer_plan_unplaced (operation_id, planned_at);
