-- Alerts that concern one state's nationals (issue 23: a repatriation stage due or overdue) carry that state, so that
-- a liaison scoped by nationality sees those alerts, and only those of their own states. Null for every other alert.
alter table alerts add column nationality text;
create index alerts_nationality on alerts (nationality) where nationality is not null;
