-- Renaming a column of the partition key renames it: no rebuild, the rows stay where they were.
select (select array_agg(id::text || ':' || area || ':' || tableoid::regclass::text order by id) from events)
         = array['1:de:events_2026_eu', '2:us:events_2026_default']
   and (select array_agg(key || ':' || tableoid::regclass::text order by key) from codes) = array['A:codes_a', 'b:codes_b']
