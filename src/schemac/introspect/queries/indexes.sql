-- Indexes that no constraint owns and that are not a partition of a
-- partitioned index: one row per index column (keys first, then INCLUDE
-- columns), in order. Per column: the table column's name (NULL for an
-- expression), the expression's text, the indoption flags, and the operator
-- class with whether PostgreSQL would pick it by itself for the key's type
-- (the type's default, or a default one the type is binary-coercible to, as
-- for varchar -> text_ops or an enum -> enum_ops).
WITH idx AS (
    SELECT i.*, ic.relname AS name, am.amname AS method, ic.reloptions AS storage_parameters
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class tc ON tc.oid = i.indrelid
      JOIN pg_am am ON am.oid = ic.relam
     WHERE tc.relnamespace = ANY (%(namespaces)s::oid[])
       AND tc.relkind IN ('r', 'p', 'm')
       AND NOT ic.relispartition
       AND NOT EXISTS (SELECT FROM pg_constraint con
                        WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid
                          AND con.contype IN ('p', 'u', 'x'))
), keys AS (
    SELECT idx.*, k.attnum, k.pos::int AS pos
      FROM idx, unnest(idx.indkey::int2[]) WITH ORDINALITY k(attnum, pos)
)
SELECT k.indexrelid AS oid,
       k.indrelid AS table_oid,
       k.name,
       k.method,
       k.indisunique AS "unique",
       k.indnullsnotdistinct AS nulls_not_distinct,
       k.indisvalid AS valid,
       k.storage_parameters,
       CASE WHEN k.pos = 1 THEN obj_description(k.indexrelid, 'pg_class') END AS comment,
       k.indnkeyatts AS key_count,
       CASE WHEN k.pos = 1 THEN pg_get_expr(k.indpred, k.indrelid) END AS "where",
       a.attname AS column_name,
       CASE WHEN k.attnum = 0 THEN pg_get_indexdef(k.indexrelid, k.pos, false) END AS expression,
       k.indoption[k.pos - 1] AS option,
       opn.nspname AS opclass_schema,
       opc.opcname AS opclass_name,
       opc.opcdefault
           AND (opc.opcintype = kt.oid
                OR NOT EXISTS (SELECT FROM pg_opclass o2
                                WHERE o2.opcmethod = opc.opcmethod AND o2.opcdefault
                                  AND o2.opcintype = kt.oid)) AS opclass_is_default,
       -- A column key's collation where it is not the column's, as pg_get_indexdef prints COLLATE only
       -- then. An expression's own collation (lower(name) has name's) is not in the catalog: where its
       -- key's is not its type's, the index's definition says whether it is written (see relations.py).
       CASE WHEN k.pos <= k.indnkeyatts AND co.oid IS NOT NULL AND k.attnum <> 0 AND co.oid <> a.attcollation
            THEN CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname ELSE cn.nspname || '.' || co.collname END
       END AS collation,
       CASE WHEN k.pos <= k.indnkeyatts AND co.oid IS NOT NULL AND k.attnum = 0 AND co.oid <> t.typcollation
            THEN pg_get_indexdef(k.indexrelid)
       END AS definition,
       k.pos AS position
  FROM keys k
  LEFT JOIN pg_attribute a ON a.attrelid = k.indrelid AND a.attnum = k.attnum
  LEFT JOIN pg_attribute ia ON ia.attrelid = k.indexrelid AND ia.attnum = k.pos
  LEFT JOIN pg_type t ON t.oid = coalesce(a.atttypid, ia.atttypid)
  LEFT JOIN pg_type kt ON kt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  LEFT JOIN pg_opclass opc ON opc.oid = k.indclass[k.pos - 1]
  LEFT JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
  LEFT JOIN pg_collation co ON co.oid = k.indcollation[k.pos - 1]
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
 ORDER BY k.indexrelid, k.pos
