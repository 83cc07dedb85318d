-- Sightings figures (issue 19): the moment the first alert of a sighting was raised (seconds from a checkpoint hit to
-- the alert), and every recapture on the ledger, through the sightings module or not (RECAPTURED written straight to
-- the ledger by an officer counts the same), with the facility the person had left and since when.
alter table sightings add column alerted_at timestamptz;

create table sightings_recaptures (
  ledger_event_id uuid primary key,
  person_id uuid not null,
  at timestamptz not null,
  -- the facility the person had left (the wanted gallery's), and the one that admitted them back
  facility_id uuid,
  admitted_to uuid,
  -- since when the person was at large (the wanted gallery's `since`)
  since timestamptz,
  sighting_id uuid,
  recorded_at timestamptz not null
);
create index sightings_recaptures_person on sightings_recaptures (person_id);

-- Recaptures already on the ledger before this migration (the wanted consumer records the ones after it; an event seen
-- by both is kept once): the facility left and the start of the absence from the escape that preceded it.
insert into sightings_recaptures (ledger_event_id, person_id, at, facility_id, admitted_to, since, sighting_id, recorded_at)
select e.id, e.person_id, e.occurred_at, esc.from_facility_id, e.to_facility_id, esc.occurred_at,
       case when e.evidence ->> 'sightingId' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
            then (e.evidence ->> 'sightingId')::uuid end,
       e.recorded_at
  from custody_events e
  left join lateral (
    select x.from_facility_id, x.occurred_at from custody_events x
     where x.person_id = e.person_id and x.type = 'ESCAPED' and x.seq < e.seq and x.site_id = e.site_id
     order by x.seq desc limit 1
  ) esc on true
 where e.type = 'RECAPTURED'
on conflict (ledger_event_id) do nothing;
