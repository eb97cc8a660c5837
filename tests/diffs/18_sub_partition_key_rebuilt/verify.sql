-- events_2026 is made again, partitioned by hash of id; its rows are gone, the table's index reaches it.
with added as (insert into events values (2, '2026-05-01', 'us') returning tableoid::regclass::text as partition)
select (select partition from added) similar to 'events_2026_h[01]'
   and (select count(*) from events) = 0
   and (select count(*) from pg_inherits h join pg_class c on c.oid = h.inhrelid
         where c.relname like 'events_2026_h%_region_idx') = 2
