-- Partitions: their parent and the bound as PostgreSQL prints it; for a
-- partition that is partitioned in turn, its key (the column of each part,
-- NULL for an expression, read from the partition itself: its column
-- numbers may differ from its parent's). Its columns that are not as it takes them from
-- its parent (``columns``): a default of its own (or none where the parent has one), NOT
-- NULL where the parent's column is nullable, or (PostgreSQL 18) a NOT NULL constraint
-- named otherwise than the parent's; with the parent's, to tell a default name apart.
SELECT c.oid,
       n.nspname AS schema,
       c.relname AS name,
       pn.nspname AS parent_schema,
       pc.relname AS parent_name,
       pg_get_expr(c.relpartbound, c.oid) AS bound,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       c.reloptions AS storage_parameters,
       (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid) AS toast_parameters,
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
              ORDER BY k.pos) AS partition_column_names,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'name', a.attname,
                   'default', pg_get_expr(d.adbin, d.adrelid),
                   'not_null', a.attnotnull,
                   'not_null_name', nn.conname,
                   'parent_default', pg_get_expr(pd.adbin, pd.adrelid),
                   'parent_not_null', pa.attnotnull,
                   'parent_not_null_name', pnn.conname) ORDER BY a.attnum), '[]')
          FROM pg_attribute a
          JOIN pg_attribute pa ON pa.attrelid = pc.oid AND pa.attname = a.attname
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum
          LEFT JOIN pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum
          LEFT JOIN pg_constraint pnn ON pnn.conrelid = pa.attrelid AND pnn.contype = 'n' AND pnn.conkey[1] = pa.attnum
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
           AND (a.attnotnull <> pa.attnotnull
                OR pg_get_expr(d.adbin, d.adrelid) IS DISTINCT FROM pg_get_expr(pd.adbin, pd.adrelid)
                OR (pa.attnotnull AND nn.conname IS DISTINCT FROM pnn.conname))) AS columns
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
