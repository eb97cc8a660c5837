-- Extensions installed in a managed schema (plpgsql lives in pg_catalog, so it is not one).
SELECT x.extname AS name,
       n.nspname AS schema,
       x.extversion AS version
  FROM pg_extension x
  JOIN pg_namespace n ON n.oid = x.extnamespace
 WHERE x.extnamespace = ANY (%(namespaces)s::oid[])
