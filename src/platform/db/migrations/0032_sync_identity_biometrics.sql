-- Identity across sites compared by face and fingerprint at headquarters (issue 22, point 4): each site re-seals its
-- templates to headquarters' identity key, headquarters compares them with other sites' records and fuses the scores
-- with the names. A case keeps every score it was opened on and the fused log10 likelihood ratio, for the person who
-- decides it; nothing here is a decision.
alter table sync_identity_cases add column face_score double precision;
alter table sync_identity_cases add column finger_score double precision;
alter table sync_identity_cases add column log10_lr double precision;
alter table sync_identity_cases add column target_fmr double precision;
-- what opened it: all the evidence fused reached the target (`evidence`), the face or finger alone did while the names
-- or dates pulled the other way (`biometrics`), or the registry's names rule (`names`)
alter table sync_identity_cases add column raised_by text check (raised_by in ('evidence', 'biometrics', 'names'));
