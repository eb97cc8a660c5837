-- One index per level (the table, 3 partitioned partitions, 5 leaves), all valid, each
-- partition's attached to its parent's.
select (select count(*) filter (where i.indisvalid) = 9 and count(*) = 9
          from pg_index i join pg_class c on c.oid = i.indexrelid
         where c.relname like 'events%region_occurred_at_idx')
   and (select count(*) from pg_inherits h join pg_class c on c.oid = h.inhrelid
         where c.relname like 'events%region_occurred_at_idx') = 8
