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
       ARRAY(SELECT CASE WHEN k.coll = 0 THEN NULL
                         WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                         ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
               FROM unnest(p.partcollation::oid[]) WITH ORDINALITY k(coll, pos)
               LEFT JOIN pg_collation co ON co.oid = k.coll
               LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
              ORDER BY k.pos) AS partition_collations,
       ARRAY(SELECT CASE WHEN ocn.nspname = 'pg_catalog' THEN quote_ident(oc.opcname)
                         ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END
               FROM unnest(p.partclass::oid[]) WITH ORDINALITY k(opc, pos)
               JOIN pg_opclass oc ON oc.oid = k.opc
               JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
              ORDER BY k.pos) AS partition_opclasses,
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
