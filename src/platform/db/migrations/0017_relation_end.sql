-- Family links can end (issue 16): a relation recorded in error or no longer true is ended with a reason, by whom and
-- when, never deleted; the record shows it among the ended ones. The reason a link was added is kept too. At most one
-- live link of a kind between two persons; an ended one may be recorded again.
alter table person_relations add column reason text;
alter table person_relations add column created_by text;
alter table person_relations add column ended_at timestamptz;
alter table person_relations add column ended_by text;
alter table person_relations add column end_reason text;
alter table person_relations drop constraint person_relations_person_id_related_person_id_kind_key;
create unique index person_relations_live_idx on person_relations (person_id, related_person_id, kind) where ended_at is null;
