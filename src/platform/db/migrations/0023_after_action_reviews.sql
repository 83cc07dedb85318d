-- After-action reviews (issue 21, points 1-3): the timeline reads the outbox by time and by the persons concerned,
-- and each person's last "present" mark; a review is a document in the after-action structure with the timeline and
-- findings frozen into it, drafted -> in_review -> approved, signed with the site key when approved.
create index outbox_occurred_idx on outbox (occurred_at);
create index outbox_persons_idx on outbox using gin (person_ids);
create index rollcall_marks_person_idx on rollcall_marks (person_id, marked_at);
create index rollcall_unit_results_rollcall_idx on rollcall_unit_results (rollcall_id);

create table after_action_reviews (
  id uuid primary key,
  facility_id uuid not null,
  incident_id uuid,
  title text not null,
  window_from timestamptz not null,
  window_to timestamptz not null,
  status text not null check (status in ('drafted', 'in_review', 'approved')),
  sections jsonb not null,
  snapshot jsonb not null,
  snapshot_hash text not null,
  snapshot_at timestamptz not null,
  created_by uuid,
  created_by_name text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  submitted_by_name text,
  submitted_at timestamptz,
  approved_by uuid,
  approved_by_name text,
  approved_at timestamptz,
  signed_text text,
  signature text,
  public_key text,
  check (window_from < window_to)
);
create index after_action_reviews_facility_idx on after_action_reviews (facility_id, created_at desc);
create index after_action_reviews_created_idx on after_action_reviews (created_at desc, id desc);
