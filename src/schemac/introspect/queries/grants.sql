-- Privileges on schemas, relations and functions, one row per (object,
-- grantee) with its privileges sorted: the effective ACL (a NULL ACL means
-- acldefault), less the owner's own entries. Rows with builtin = true are what acldefault gives
-- PUBLIC, so that a privilege revoked from PUBLIC can be told apart.
WITH objects AS (
    SELECT 'schema' AS kind, n.oid, n.nspowner AS owner, 'n'::"char" AS acl_kind, n.nspacl AS acl
      FROM pg_namespace n
     WHERE n.oid = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT 'relation', c.oid, c.relowner, CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relacl
      FROM pg_class c
     WHERE c.relnamespace = ANY (%(namespaces)s::oid[])
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       AND NOT c.relispartition
    UNION ALL
    SELECT 'function', p.oid, p.proowner, 'f'::"char", p.proacl
      FROM pg_proc p
     WHERE p.pronamespace = ANY (%(namespaces)s::oid[])
       AND p.prokind IN ('f', 'p')
)
SELECT o.kind, o.oid,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END AS grantee,
       array_agg(DISTINCT lower(a.privilege_type) ORDER BY lower(a.privilege_type)) AS privileges,
       false AS builtin
  FROM objects o, aclexplode(coalesce(o.acl, acldefault(o.acl_kind, o.owner))) a
 WHERE a.grantee <> o.owner
 GROUP BY o.kind, o.oid, a.grantee
UNION ALL
SELECT o.kind, o.oid, 'public', array_agg(DISTINCT lower(a.privilege_type) ORDER BY lower(a.privilege_type)), true
  FROM objects o, aclexplode(acldefault(o.acl_kind, o.owner)) a
 WHERE a.grantee = 0
 GROUP BY o.kind, o.oid
