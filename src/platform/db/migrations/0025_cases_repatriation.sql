-- Repatriation (issue 23, part B): a request to a state to take back one of its nationals, its stages (requested,
-- consular interview, accepted, travel documents, handed over; or refused, withdrawn) with the deadline of the stage
-- it is in, the nationality as claimed and as verified by the state, and for a child the records of the evidence of
-- filiation or identity (DNA, documents): what was seen and where it is kept, never the data itself.
create table repatriation_requests (
  id uuid primary key,
  person_id uuid not null,
  -- the state asked to take the person back (ISO 3166-1 alpha-3)
  state text not null,
  stage text not null,
  -- the nationality as the state sees it: claimed (by the person or the record), verified or disputed by the state
  nationality_status text not null default 'claimed',
  nationality_decided_at timestamptz,
  nationality_decided_by uuid,
  -- a minor when the request was opened: the evidence of identity or filiation is required before acceptance
  minor boolean not null,
  -- the facility that held the person when the request was opened (the scope of facility-bound readers)
  facility_id uuid,
  -- the deadline of the current stage; null once the request is closed
  due_at timestamptz,
  opened_at timestamptz not null,
  opened_by uuid,
  updated_at timestamptz not null,
  closed_at timestamptz,
  -- the state's representative who received the person, and the REPATRIATED event of the ledger
  representative text,
  handover_event_id uuid,
  -- the reason given for a refusal or a withdrawal
  reason text,
  -- the deadline scheduler's marks: reminded before the due time, alerted after it (shown as overdue)
  reminded_at timestamptz,
  alerted_at timestamptz
);
-- one open request per person: a person cannot be promised to two states at once
create unique index repatriation_requests_one_open on repatriation_requests (person_id)
  where stage not in ('handed_over', 'refused', 'withdrawn');
create index repatriation_requests_state_stage on repatriation_requests (state, stage);
create index repatriation_requests_person on repatriation_requests (person_id);

-- every change of stage (and the decisions on nationality), in order: the request's timeline
create table repatriation_steps (
  id uuid primary key,
  request_id uuid not null,
  at timestamptz not null,
  recorded_by uuid,
  recorded_by_name text not null,
  kind text not null,
  from_stage text,
  to_stage text,
  due_at timestamptz,
  note text
);
create index repatriation_steps_request on repatriation_steps (request_id, at);

-- evidence for a child: the record that a DNA result or a document was seen, by whom, and where it is kept
create table repatriation_evidence (
  id uuid primary key,
  request_id uuid not null,
  kind text not null,
  reference text not null,
  note text,
  recorded_at timestamptz not null,
  recorded_by uuid,
  recorded_by_name text not null
);
create index repatriation_evidence_request on repatriation_evidence (request_id);
