-- Alerts that concern one state's nationals (issue 23: a repatriation stage due or overdue) carry that state, so that
-- a liaison scoped by nationality sees those alerts, and only those of their own states. Null for every other alert.
alter table alerts add column nationality text;
create index alerts_nationality on alerts (nationality) where nationality is not null;

-- A child's live carers by the child (the separated-children figure tests each child): without it the planner, with
-- no statistics on an embedded database, walked the (person, related, kind) index for every child, 15 s at al-Hol's
-- 27,950 children.
create index person_relations_live_by_related on person_relations (related_person_id, kind) where ended_at is null;
