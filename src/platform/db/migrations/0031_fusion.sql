-- Fusion in enrolment de-duplication (issue 24): a duplicate case records why it was opened, `score` (its modality's
-- score reached the identification threshold alone) or `fusion` (the score, below that threshold, fused with the
-- other evidence between the two persons reached the target false-match rate), and the fused evidence at opening.
alter table duplicate_cases add column opened_by text not null default 'score' check (opened_by in ('score', 'fusion'));
alter table duplicate_cases add column fusion jsonb;
