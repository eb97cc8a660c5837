select (select count(*) from vehicles) = 1
   and (select count(*) from pg_constraint where conrelid = 'vehicles'::regclass and contype = 'f') = 2
   and not exists (select from pg_policies where tablename = 'vehicles')
   and not exists (select from pg_trigger where tgrelid = 'vehicles'::regclass and not tgisinternal)
