-- Families and children (issue 23, part C). Relations and households stay the registry's (person_relations); this
-- adds the best-interests determinations that must precede a move separating a child from their carer, and family
-- tracing requests with consent and their proposed matches (never decided without a recorded human decision).

create table family_best_interests (
  id uuid primary key,
  child_person_id uuid not null,
  -- the person whose move this determination is about: the child, or one of the child's carers
  mover_person_id uuid not null,
  -- where that move goes (a transfer's destination)
  to_facility_id uuid not null,
  decision text not null check (decision in ('separation_approved', 'separation_refused')),
  reason text not null,
  decided_by text not null,
  decided_at timestamptz not null,
  valid_until timestamptz not null
);
create index family_best_interests_child on family_best_interests (child_person_id, decided_at desc);

create table tracing_requests (
  id uuid primary key,
  requester_kind text not null check (requester_kind in ('person_in_custody', 'relative_outside')),
  requester_person_id uuid,
  requester_name text,
  requester_contact text,
  sought_name text not null,
  relationship text not null,
  details text,
  -- the facility the request belongs to (the requester's when in custody, else the office that took it): its scope
  facility_id uuid,
  status text not null check (status in ('open', 'located', 'closed')),
  located_person_id uuid,
  closed_reason text,
  consent_given_by text not null,
  consent_given_at timestamptz not null,
  consent_withdrawn_at timestamptz,
  consent_withdrawn_reason text,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (requester_kind <> 'person_in_custody' or requester_person_id is not null),
  check (requester_kind <> 'relative_outside' or requester_name is not null)
);
create index tracing_requests_status on tracing_requests (status, created_at desc);

create table tracing_matches (
  id uuid primary key,
  request_id uuid not null references tracing_requests (id),
  person_id uuid not null,
  score real not null,
  status text not null check (status in ('proposed', 'confirmed', 'rejected')),
  proposed_at timestamptz not null,
  decided_by text,
  decided_at timestamptz,
  decision_reason text,
  unique (request_id, person_id)
);
