-- Partitions: their parent and the bound as PostgreSQL prints it; for a
-- partition that is partitioned in turn, its key (the column of each part,
-- NULL for an expression, read from the partition itself: its column
-- numbers may differ from its parent's).
SELECT c.oid,
       n.nspname AS schema,
       c.relname AS name,
       pn.nspname AS parent_schema,
       pc.relname AS parent_name,
       pg_get_expr(c.relpartbound, c.oid) AS bound,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       p.partstrat AS partition_strategy,
       pg_get_partkeydef(c.oid) AS partition_key,
       ARRAY(SELECT a.attname
               FROM unnest(p.partattrs::int2[]) WITH ORDINALITY k(attnum, pos)
               LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
              ORDER BY k.pos) AS partition_column_names
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_inherits inh ON inh.inhrelid = c.oid
  JOIN pg_class pc ON pc.oid = inh.inhparent
  JOIN pg_namespace pn ON pn.oid = pc.relnamespace
  LEFT JOIN pg_partitioned_table p ON p.partrelid = c.oid
 WHERE c.relkind IN ('r', 'p')
   AND c.relispartition
   AND c.relnamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
