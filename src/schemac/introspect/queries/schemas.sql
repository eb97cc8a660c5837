-- Schemas schemac manages: not PostgreSQL's own (pg_*, information_schema),
-- not excluded (the platform's), not created by an extension.
-- Parameters: schemas (text[] or NULL for all), exclude (text[]).
SELECT n.oid,
       n.nspname AS name,
       d.description AS comment
  FROM pg_namespace n
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid AND d.objsubid = 0
 WHERE left(n.nspname, 3) <> 'pg_'
   AND n.nspname <> 'information_schema'
   AND (%(schemas)s::text[] IS NULL OR n.nspname = ANY (%(schemas)s::text[]))
   AND NOT n.nspname = ANY (%(exclude)s::text[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
