-- User triggers (not the internal ones behind foreign keys, not clones on
-- partitions). The WHEN condition has no pg_get_expr form (it refers to OLD
-- and NEW), so the definition is read for the triggers that have one.
-- Those on the platform's tables (a sign-up trigger on auth.users), named by platform_table, are
-- the project's when they call a function of a managed schema: the platform's own call its own.
SELECT t.tgrelid AS table_oid,
       CASE WHEN NOT c.relnamespace = ANY (%(namespaces)s::oid[]) THEN ARRAY[n.nspname, c.relname]::text[] END
           AS platform_table,
       t.tgname AS name,
       pn.nspname AS function_schema,
       p.proname AS function_name,
       t.tgtype AS type,
       t.tgnargs AS nargs,
       t.tgargs AS args,
       ARRAY(SELECT a.attname
               FROM unnest(t.tgattr::int2[]) WITH ORDINALITY k(attnum, i)
               JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum
              ORDER BY k.i) AS update_of,
       CASE WHEN t.tgqual IS NOT NULL THEN pg_get_triggerdef(t.oid, false) END AS definition,
       d.description AS comment,
       t.tgconstraint <> 0 AS "constraint",
       t.tgdeferrable AS deferrable,
       t.tginitdeferred AS initially_deferred,
       t.tgoldtable AS old_table,
       t.tgnewtable AS new_table,
       t.tgenabled AS enabled,
       (SELECT ARRAY[fn.nspname, fc.relname]::text[] FROM pg_class fc JOIN pg_namespace fn ON fn.oid = fc.relnamespace
         WHERE fc.oid = t.tgconstrrelid) AS from_table
  FROM pg_trigger t
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_trigger'::regclass AND d.objoid = t.oid AND d.objsubid = 0
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_proc p ON p.oid = t.tgfoid
  JOIN pg_namespace pn ON pn.oid = p.pronamespace
 WHERE NOT t.tgisinternal
   AND t.tgparentid = 0
   AND (c.relnamespace = ANY (%(namespaces)s::oid[])
        OR (n.nspname = ANY (%(platform)s::text[])
            AND p.pronamespace = ANY (%(namespaces)s::oid[])
            AND NOT EXISTS (SELECT FROM pg_depend e
                             WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')))
