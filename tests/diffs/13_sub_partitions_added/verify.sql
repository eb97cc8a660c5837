-- The rows stay, new sub-partitions take rows, and every level has row level security.
with added as (
    insert into events values (3, '2026-05-01', 'us'), (4, '2026-06-01', 'it'), (5, '2027-02-01', 'de')
    returning id, tableoid::regclass::text as partition
)
select (select count(*) from events) = 2
   and (select string_agg(partition, ' ' order by id) from added)
       similar to 'events_2026_us_[01] events_2026_default events_2027_eu'
   and (select bool_and(relrowsecurity and relforcerowsecurity) from pg_class
         where relname like 'events%' and relkind in ('r', 'p'))
