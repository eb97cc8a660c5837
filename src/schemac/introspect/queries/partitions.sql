-- Partitions: their parent and the bound as PostgreSQL prints it.
SELECT c.oid,
       n.nspname AS schema,
       c.relname AS name,
       pn.nspname AS parent_schema,
       pc.relname AS parent_name,
       pg_get_expr(c.relpartbound, c.oid) AS bound,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_inherits inh ON inh.inhrelid = c.oid
  JOIN pg_class pc ON pc.oid = inh.inhparent
  JOIN pg_namespace pn ON pn.oid = pc.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND c.relispartition
   AND c.relnamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
