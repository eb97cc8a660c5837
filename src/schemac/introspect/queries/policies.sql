-- Row level security policies, printed as pg_policies prints them: those on the tables of the
-- managed schemas, and the project's on the platform's tables (a policy on storage.objects), named
-- by platform_table. Every policy there is the project's: the platform ships its tables without any.
SELECT pol.polrelid AS table_oid,
       CASE WHEN NOT c.relnamespace = ANY (%(namespaces)s::oid[]) THEN ARRAY[n.nspname, c.relname]::text[] END
           AS platform_table,
       pol.polname AS name,
       pol.polcmd AS command,
       pol.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid) END
               FROM unnest(pol.polroles) r(oid)) AS roles,
       pg_get_expr(pol.polqual, pol.polrelid) AS using,
       pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check,
       d.description AS comment
  FROM pg_policy pol
  JOIN pg_class c ON c.oid = pol.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_policy'::regclass AND d.objoid = pol.oid AND d.objsubid = 0
 WHERE c.relnamespace = ANY (%(namespaces)s::oid[])
    OR (n.nspname = ANY (%(platform)s::text[])
        AND NOT EXISTS (SELECT FROM pg_depend e
                         WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e'))
