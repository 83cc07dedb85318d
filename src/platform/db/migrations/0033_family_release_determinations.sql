-- A best-interests determination may now be for a move out of custody (issue 23 part C): a carer's release while the
-- child stays held, or a repatriation that takes a carer without the child (or the child without the carer). Such a
-- move has no destination facility, so the column takes null for it, and `move` says which kind of move it is.
alter table family_best_interests alter column to_facility_id drop not null;
alter table family_best_interests add column move text not null default 'transfer';
