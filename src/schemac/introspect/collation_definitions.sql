-- The collations of the database's own schemas (none of pg_catalog's, none an extension made), each
-- as the CREATE COLLATION that makes it again. The spec does not model collations, but its columns and
-- index keys may name them: a scratch database that builds a goal for this database makes them first.
-- The row is read as JSON, as the columns that hold a locale differ between versions (colliculocale
-- up to 16, colllocale from 17; collicurules from 16).
SELECT n.nspname AS schema, c.collname AS name,
       format('CREATE COLLATION IF NOT EXISTS %I.%I (%s, deterministic = %s)',
              n.nspname, c.collname,
              CASE c.collprovider
                   WHEN 'c' THEN format('provider = libc, lc_collate = %L, lc_ctype = %L', c.collcollate, c.collctype)
                   ELSE format('provider = %s, locale = %L',
                               CASE c.collprovider WHEN 'i' THEN 'icu' ELSE 'builtin' END,
                               coalesce(j ->> 'colllocale', j ->> 'colliculocale'))
              END || CASE WHEN j ->> 'collicurules' IS NOT NULL THEN format(', rules = %L', j ->> 'collicurules') ELSE '' END,
              CASE WHEN c.collisdeterministic THEN 'true' ELSE 'false' END) AS definition
  FROM pg_collation c
  JOIN pg_namespace n ON n.oid = c.collnamespace
 CROSS JOIN LATERAL to_jsonb(c) j
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_collation'::regclass AND e.objid = c.oid AND e.deptype = 'e')
 ORDER BY n.nspname, c.collname
