-- Primary keys, unique, check, foreign key and exclusion constraints declared
-- on a table or partition itself (not cloned from a partitioned parent, not
-- inherited). Columns are listed in key order. PostgreSQL 18's temporal keys
-- (WITHOUT OVERLAPS) and foreign keys with PERIOD are left out: read as plain keys,
-- a plan would rewrite them as such; queries/unmanaged.sql names them instead.
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
       -- ON DELETE SET NULL / SET DEFAULT (columns), PostgreSQL 15: in the order written.
       ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
               FROM unnest(con.confdelsetcols) WITH ORDINALITY k(attnum, i)
              ORDER BY k.i) AS on_delete_columns,
       con.confupdtype AS on_update,
       con.confmatchtype AS match,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       con.convalidated AS validated,
       con.connoinherit AS no_inherit,
       con.coninhcount > 0 AS inherited,
       -- NOT ENFORCED (PostgreSQL 18, checks and foreign keys): such a
       -- constraint is always NOT VALID too, so only those rows are looked at.
       -- conenforced is read through the row as JSON because the column does
       -- not exist before 18, where every constraint is enforced.
       CASE WHEN NOT con.convalidated
            THEN coalesce((to_jsonb(con) ->> 'conenforced')::boolean, true) END AS enforced,
       i.indnullsnotdistinct AS nulls_not_distinct,
       obj_description(con.oid, 'pg_constraint') AS comment,
       ic.reloptions AS storage_parameters,  -- of a key's index: WITH (fillfactor = 70)
       -- Exclusion constraints, read like indexes (queries/indexes.sql): the
       -- method, the predicate, the INCLUDE columns, and per key element its
       -- column or expression, its operator, order flags, operator class and collation.
       am.amname AS method,
       CASE WHEN con.contype = 'x' THEN pg_get_expr(i.indpred, i.indrelid) END AS "where",
       CASE WHEN con.contype = 'x' THEN ARRAY(SELECT a.attname
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, pos)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
              WHERE k.pos > i.indnkeyatts
              ORDER BY k.pos) END AS include,
       CASE WHEN con.contype = 'x' THEN (SELECT json_agg(json_build_object(
                   'column', a.attname,
                   'expression', CASE WHEN k.attnum = 0 THEN pg_get_indexdef(i.indexrelid, k.pos::int, false) END,
                   'operator', CASE WHEN opn.nspname = 'pg_catalog' THEN op.oprname
                                    ELSE 'OPERATOR(' || quote_ident(opn.nspname) || '.' || op.oprname || ')' END,
                   'option', i.indoption[k.pos - 1],
                   'opclass_schema', ocn.nspname,
                   'opclass_name', opc.opcname,
                   'opclass_is_default', opc.opcdefault
                       AND (opc.opcintype = kt.oid
                            OR NOT EXISTS (SELECT FROM pg_opclass o2
                                            WHERE o2.opcmethod = opc.opcmethod AND o2.opcdefault
                                              AND o2.opcintype = kt.oid)),
                   -- Its collation where it is not its column's or its expression type's, as in
                   -- queries/indexes.sql.
                   'collation', CASE WHEN co.oid IS NOT NULL AND k.attnum <> 0 AND co.oid <> a.attcollation
                                     THEN CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname
                                               ELSE cn.nspname || '.' || co.collname END END,
                   'definition', CASE WHEN co.oid IS NOT NULL AND k.attnum = 0 AND co.oid <> t.typcollation
                                      THEN pg_get_indexdef(i.indexrelid) END,
                   'position', k.pos)
                 ORDER BY k.pos)
          FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, pos)
          LEFT JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
          LEFT JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.pos
          LEFT JOIN pg_type t ON t.oid = coalesce(a.atttypid, ia.atttypid)
          LEFT JOIN pg_type kt ON kt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
          LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[k.pos - 1]
          LEFT JOIN pg_namespace ocn ON ocn.oid = opc.opcnamespace
          LEFT JOIN pg_collation co ON co.oid = i.indcollation[k.pos - 1]
          LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
          LEFT JOIN pg_operator op ON op.oid = con.conexclop[k.pos]
          LEFT JOIN pg_namespace opn ON opn.oid = op.oprnamespace
         WHERE k.pos <= i.indnkeyatts) END AS elements
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  LEFT JOIN pg_class fc ON fc.oid = con.confrelid
  LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
  LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u', 'x')
  LEFT JOIN pg_class ic ON ic.oid = i.indexrelid
  LEFT JOIN pg_am am ON am.oid = ic.relam
 WHERE con.contype IN ('p', 'u', 'c', 'f', 'x')
   AND con.conparentid = 0
   AND con.conislocal
   -- A check a partition also inherits goes with its table's (PostgreSQL refuses to drop it there); one a
   -- child of INHERITS declares as well as inheriting it is its own too (pg_dump writes it in its CREATE TABLE).
   AND (con.contype <> 'c' OR con.coninhcount = 0 OR NOT c.relispartition)
   -- conperiod is read through the row as JSON: the column does not exist before 18.
   AND NOT coalesce((to_jsonb(con) ->> 'conperiod')::boolean, false)
   AND c.relnamespace = ANY (%(namespaces)s::oid[])
