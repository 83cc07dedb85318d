-- The language of the interface each user chose (issue 16): null until they choose, the browser's language then.
alter table users add column locale text check (locale in ('en', 'ar'));
