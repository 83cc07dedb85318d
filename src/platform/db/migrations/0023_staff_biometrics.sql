-- Biometric 1:1 check-in of the guard force (issue 17): a guard's face template, sealed with the template key like the
-- persons' templates (AES-256-GCM envelope bound to the guard) but in its own table, never in the persons' galleries;
-- and each 1:1 verification of a guard, recorded apart from the persons' verifications, used by at most one check-in.
create table guard_staff_templates (
  id uuid primary key,
  staff_id uuid not null references guard_staff(id),
  model text not null,
  key_id text not null,
  -- null once erased (the row keeps who, when and why)
  envelope bytea,
  quality real not null,
  enrolled_at timestamptz not null,
  enrolled_by uuid,
  erased_at timestamptz,
  erased_by uuid,
  erase_reason text
);
-- one live face per guard
create unique index guard_staff_templates_live_idx on guard_staff_templates (staff_id) where envelope is not null;

create table guard_staff_verifications (
  id uuid primary key,
  staff_id uuid not null references guard_staff(id),
  facility_id uuid not null references facilities(id),
  template_id uuid not null references guard_staff_templates(id),
  result text not null check (result in ('match', 'no_match')),
  score real not null,
  threshold real not null,
  target_fmr real not null,
  model text not null,
  at timestamptz not null,
  by_user uuid,
  -- the check-in that cited it (a verification backs one check-in only)
  used_by_attendance_id uuid unique references guard_attendance(id),
  used_at timestamptz
);
create index guard_staff_verifications_staff_idx on guard_staff_verifications (staff_id, at);

-- The governance recomputation on every check-in and check-out reads who is on duty per post and per facility: the
-- open attendances only, whatever the length of the history.
create index guard_attendance_open_post_idx on guard_attendance (post_id) where checked_out_at is null;
create index guard_attendance_open_facility_idx on guard_attendance (facility_id) where checked_out_at is null;
