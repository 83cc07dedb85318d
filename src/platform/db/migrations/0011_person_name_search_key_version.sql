-- The cross-script search key of a name now comes from the names module (one transliteration table instead of two).
-- Keys are computed in TypeScript, so this migration only marks every existing key as version 1; the registry
-- recomputes keys older than its current version when the application opens (RegistryService.refreshSearchKeys).
alter table person_names add column search_key_version smallint not null default 1;
create index person_names_stale_key_idx on person_names (search_key_version);
