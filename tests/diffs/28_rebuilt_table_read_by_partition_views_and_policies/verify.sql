-- The views over a partition and the other table's policies over the rebuilt table and its
-- partition are made again, and read the new table.
select (select count(*) from from_view) = 0
   and (select count(*) from pg_policies where tablename = 'uses') = 3
   and (select partstrat from pg_partitioned_table where partrelid = 'codes'::regclass) = 'h'
