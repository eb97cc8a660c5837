-- A partition of a referenced table is detached, then dropped; the rows other
-- partitions hold stay, and so does the note that references one of them.
select (select array_agg(id order by id) from events) = array[1]::bigint[]
   and (select count(*) from notes) = 1
   and to_regclass('events_2027') is null
   and to_regclass('events_2026_h0') is not null
