-- Transfers (issue 18): operations (an airlift) hold movements (a flight, a convoy); a movement's manifest is one
-- move per person with its own life (transfers.domain.ts). The handover is signed by the sending custodian at
-- departure and by the receiving custodian at arrival (Ed25519 over canonical JSON); the public keys are kept here.
create table transfer_operations (
  id uuid primary key,
  name text not null,
  created_at timestamptz not null,
  created_by uuid
);

create table transfer_movements (
  id uuid primary key,
  operation_id uuid not null references transfer_operations(id),
  code text not null,
  kind text not null check (kind in ('flight', 'convoy')),
  carrier text,
  vehicle text,
  capacity integer not null check (capacity > 0),
  escorts integer not null check (escorts >= 0),
  escort_ratio integer check (escort_ratio > 0),
  from_facility_id uuid not null references facilities(id),
  to_facility_id uuid not null references facilities(id),
  departs_at timestamptz,
  arrives_at timestamptz,
  transit_limit_minutes integer not null default 1440 check (transit_limit_minutes > 0),
  status text not null check (status in ('planned', 'approved', 'departed', 'arrived', 'received', 'disputed')),
  approved_at timestamptz,
  approved_by uuid,
  departed_at timestamptz,
  arrived_at timestamptz,
  count_on integer,
  count_off integer,
  missing uuid[] not null default '{}',
  extra uuid[] not null default '{}',
  manifest_hash text,
  sender_signature jsonb,
  receiver_signature jsonb,
  created_at timestamptz not null,
  unique (operation_id, code),
  check (from_facility_id <> to_facility_id)
);
create index transfer_movements_operation on transfer_movements (operation_id);

create table transfer_moves (
  movement_id uuid not null references transfer_movements(id),
  person_id uuid not null references persons(id),
  status text not null check (status in ('proposed', 'approved', 'boarded', 'departed', 'arrived', 'received', 'completed', 'cancelled', 'disputed')),
  verification_id uuid,
  override_reason text,
  override_by uuid,
  reason text,
  boarded_at timestamptz,
  updated_at timestamptz not null,
  primary key (movement_id, person_id)
);
-- one live move per person: a person already on a movement (or in transit) cannot be put on another
create unique index transfer_moves_one_live on transfer_moves (person_id)
  where status in ('proposed', 'approved', 'boarded', 'departed', 'arrived', 'disputed');

create table transfer_signing_keys (
  signer text primary key, -- a user id, or "system" for work the system signs itself
  public_key text not null,
  created_at timestamptz not null
);
