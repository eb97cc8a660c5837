-- Row level security policies, printed as pg_policies prints them.
SELECT pol.polrelid AS table_oid,
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
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_policy'::regclass AND d.objoid = pol.oid AND d.objsubid = 0
 WHERE c.relnamespace = ANY (%(namespaces)s::oid[])
