-- Renaming a column of the partition key renames it: no rebuild, the rows stay where they were.
-- Checks and exclusion constraints follow a renamed column in their expressions: kept, not made again.
select (select array_agg(id::text || ':' || area || ':' || tableoid::regclass::text order by id) from events)
         = array['1:de:events_2026_eu', '2:us:events_2026_default']
   and (select array_agg(key || ':' || tableoid::regclass::text order by key) from codes) = array['A:codes_a', 'b:codes_b']
   and (select count(*) from slots where label = 'x') = 1
   and (select array_agg(conname::text order by conname) from pg_constraint where conrelid = 'slots'::regclass and pg_get_constraintdef(oid) like '%label%')
       = array['slots_code', 'slots_no_overlap']
