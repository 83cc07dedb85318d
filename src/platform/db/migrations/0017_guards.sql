-- The guard force (issue 17): staff apart from the persons in custody, posts with their minimum staffing, the planned
-- roster, attendance, the governance ratio's state and history per facility and sector, and the custodian of record.
create table guard_staff (
  id uuid primary key,
  badge text not null unique,
  full_name text not null,
  organisation text not null,
  rank text,
  facility_id uuid not null references facilities(id),
  status text not null,
  status_since timestamptz not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index guard_staff_facility_idx on guard_staff (facility_id, status);

create table guard_posts (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  unit_id uuid references units(id),
  code text not null,
  name text not null,
  kind text not null,
  min_staff integer not null,
  active boolean not null,
  created_at timestamptz not null,
  unique (facility_id, code)
);

-- A planned shift of one guard at one post.
create table guard_shifts (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  post_id uuid not null references guard_posts(id),
  staff_id uuid not null references guard_staff(id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  no_show_at timestamptz,
  created_at timestamptz not null,
  created_by uuid,
  check (ends_at > starts_at)
);
create index guard_shifts_staff_idx on guard_shifts (staff_id, starts_at);
create index guard_shifts_facility_idx on guard_shifts (facility_id, starts_at);

-- A guard on duty from check-in to check-out; one open attendance per guard (a guard is never at two posts at once).
create table guard_attendance (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  post_id uuid not null references guard_posts(id),
  staff_id uuid not null references guard_staff(id),
  shift_id uuid references guard_shifts(id),
  checked_in_at timestamptz not null,
  method text not null,
  confirmed_by uuid,
  late_minutes integer not null,
  checked_out_at timestamptz,
  check_out_method text,
  recorded_by uuid
);
create unique index guard_attendance_on_duty_idx on guard_attendance (staff_id) where checked_out_at is null;
create index guard_attendance_facility_idx on guard_attendance (facility_id, checked_in_at);

create table guard_thresholds (
  facility_id uuid primary key references facilities(id),
  settings jsonb not null,
  updated_at timestamptz not null,
  updated_by uuid
);

-- The governance state now, per facility (sector '') and per sector (a unit's id).
create table guard_ratio_state (
  facility_id uuid not null references facilities(id),
  sector text not null,
  state text not null,
  since timestamptz not null,
  figures jsonb not null,
  primary key (facility_id, sector)
);

create table guard_ratio_history (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  sector text not null,
  at timestamptz not null,
  on_roll integer not null,
  present integer not null,
  posts_required integer not null,
  posts_manned integer not null,
  state text not null,
  cause text not null
);
create index guard_ratio_history_idx on guard_ratio_history (facility_id, at);

-- Who holds a facility: the custodian of record and its commander, from when to when; a gap is time with none.
create table guard_custodians (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  organisation text not null,
  commander text not null,
  from_at timestamptz not null,
  to_at timestamptz,
  end_reason text,
  recorded_by uuid
);
create unique index guard_custodians_current_idx on guard_custodians (facility_id) where to_at is null;

-- A handover of control: the joint count both commanders sign (Ed25519) before custody passes to the incoming side.
create table guard_handovers (
  id uuid primary key,
  facility_id uuid not null references facilities(id),
  statement jsonb not null,
  statement_text text not null,
  outgoing_custodian_id uuid references guard_custodians(id),
  status text not null,
  created_at timestamptz not null,
  created_by uuid,
  completed_at timestamptz
);
create unique index guard_handovers_open_idx on guard_handovers (facility_id) where status = 'open';

create table guard_handover_signatures (
  handover_id uuid not null references guard_handovers(id),
  side text not null,
  signer_id uuid,
  public_key text not null,
  signature text not null,
  signed_at timestamptz not null,
  primary key (handover_id, side)
);

-- The Ed25519 public key of each user who signs (base64 of the SPKI DER); the private key stays with the user.
create table guard_signing_keys (
  user_id uuid primary key,
  public_key text not null,
  created_at timestamptz not null
);
