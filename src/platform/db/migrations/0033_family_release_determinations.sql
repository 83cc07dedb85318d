-- A best-interests determination may now approve (or refuse) a carer's release while their child stays held
-- (issue 23 part C): such a move leaves custody and has no destination facility, so the column takes null for it.
alter table family_best_interests alter column to_facility_id drop not null;
