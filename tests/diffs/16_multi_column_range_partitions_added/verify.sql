-- Rows go to the partition their (site_id, taken_at) falls in.
with added as (
    insert into readings values (1, '2027-05-01', 2), (7, '2020-01-01', 3)
    returning site_id, tableoid::regclass::text as partition
)
select (select string_agg(partition, ' ' order by site_id) from added) = 'readings_s1_2027 readings_rest'
   and (select count(*) from readings_s1_2026) = 1
