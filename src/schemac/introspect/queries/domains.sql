-- Domains: base type, NOT NULL, default and CHECK constraints (by name).
SELECT t.oid,
       n.nspname AS schema,
       t.typname AS name,
       format_type(t.typbasetype, t.typtypmod) AS type,
       t.typnotnull AS not_null,
       pg_get_expr(t.typdefaultbin, 0) AS "default",
       ARRAY(SELECT c.conname FROM pg_constraint c
              WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_names,
       ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
              WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_definitions,
       d.description AS comment,
       ARRAY(SELECT ARRAY[c.conname, obj_description(c.oid, 'pg_constraint')] FROM pg_constraint c
              WHERE c.contypid = t.oid AND c.contype = 'c' AND obj_description(c.oid, 'pg_constraint') IS NOT NULL
              ORDER BY c.conname) AS check_comments
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
 WHERE t.typtype = 'd'
   AND t.typnamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
