-- Primary keys, unique, check, foreign key and exclusion constraints declared
-- on a table or partition itself (not cloned from a partitioned parent, not
-- inherited). Columns are listed in key order.
SELECT con.conrelid AS table_oid,
       con.conname AS name,
       con.contype AS type,
       ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
               FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
              ORDER BY k.i) AS columns,
       CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid) END AS definition,
       fn.nspname AS ref_schema,
       fc.relname AS ref_table,
       ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = k.attnum)
               FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
              ORDER BY k.i) AS ref_columns,
       con.confdeltype AS on_delete,
       con.confupdtype AS on_update,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       con.convalidated AS validated,
       i.indnullsnotdistinct AS nulls_not_distinct
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  LEFT JOIN pg_class fc ON fc.oid = con.confrelid
  LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
  LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u')
 WHERE con.contype IN ('p', 'u', 'c', 'f', 'x')
   AND con.conparentid = 0
   AND con.conislocal
   AND c.relnamespace = ANY (%(namespaces)s::oid[])
