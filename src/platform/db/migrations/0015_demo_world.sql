-- The demo world of `custos demo` (one row at most): whether its seeding finished, which world it is (scale, seed, a
-- label such as "1:27 miniature of al-Hol") and where its scenario clock stands, so that a restarted demo goes on in
-- the scenario's time and a half-built world (a seed killed midway) is recognised instead of served. A database that
-- was never a demo has no row.
create table demo_world (
  id smallint primary key default 1 check (id = 1),
  state text not null check (state in ('seeding', 'ready')),
  scale text not null,
  seed integer not null,
  label text not null,
  replay_until timestamptz not null,
  seeding_started_at timestamptz not null,
  seeding_finished_at timestamptz,
  scenario_now timestamptz not null
);
