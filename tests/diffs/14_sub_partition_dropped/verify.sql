-- The rows of what was dropped are gone; the others stay.
select (select array_agg(id order by id) from events) = array[1, 3]::bigint[]
   and to_regclass('events_2026_us_0') is null
