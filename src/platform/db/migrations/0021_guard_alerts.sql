-- The guard force's time-driven alerts (issue 17): what the scheduler has already reported, so that each coming shift
-- short of the threshold, each post left uncovered and each thinning window is alerted once, across restarts.
create table guard_watch_marks (
  facility_id uuid not null references facilities(id),
  -- next_shift_short (key: the shift's start), post_uncovered (key: post and since when), thinning (key: the window's end day)
  kind text not null,
  key text not null,
  at timestamptz not null,
  primary key (facility_id, kind, key)
);
create index guard_attendance_post_out_idx on guard_attendance (post_id, checked_out_at);
