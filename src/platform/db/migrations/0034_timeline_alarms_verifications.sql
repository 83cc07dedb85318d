-- Issue 21: raw sensor alarms and biometric verifications in the after-action timeline.
-- An officer's decision on a 1:1 verification (confirmed or not), until now only in the audit log: kept in a table of
-- the biometrics module with where the person was held at that moment, so that a confirmed match can stand as the
-- person's last verified presence at that facility.
create table biometric_verification_decisions (
  id uuid primary key,
  verification_id uuid not null,
  person_id uuid not null,
  modality text not null,
  result text not null,
  decision text not null,
  reason text,
  facility_id uuid,
  unit_id uuid,
  verified_at timestamptz not null,
  at timestamptz not null,
  by_user uuid,
  by_username text not null
);
create index biometric_verification_decisions_person_idx on biometric_verification_decisions (person_id, at);

-- A facility's alarms in a window, whatever their sector (the timeline's alarms per sensor and minute).
create index sensor_events_alarm_time_idx on sensor_events (facility_id, occurred_at) where alarm;
