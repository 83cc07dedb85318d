-- Alerts grouped by the situation they report (issue 15): a roll call that finds the same absence updates the open
-- alert (occurrences, last seen, the current persons, severity can rise) instead of raising another one.
alter table alerts add column situation_key text;
alter table alerts add column occurrences integer not null default 1;
alter table alerts add column last_seen_at timestamptz;
-- Since when the alert waits for an acknowledgement: escalation counts from here (raised_at, or a reopening).
alter table alerts add column waiting_since timestamptz;
create unique index alerts_situation_live_idx on alerts (situation_key) where status <> 'resolved';
