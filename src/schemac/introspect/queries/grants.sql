-- Privileges on schemas, relations, their columns, types (enums, domains, composite types) and functions, one row per
-- (object, column, grantee) with its privileges sorted: the effective ACL (a
-- NULL ACL means acldefault), less the owner's own entries; a privilege held
-- WITH GRANT OPTION ends in '*'. Rows with builtin = true are what acldefault
-- gives PUBLIC, so that a privilege revoked from PUBLIC can be told apart.
WITH objects AS (
    SELECT 'schema' AS kind, n.oid, n.nspowner AS owner, 'n'::"char" AS acl_kind, n.nspacl AS acl,
           NULL::name AS column_name
      FROM pg_namespace n
     WHERE n.oid = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT 'relation', c.oid, c.relowner, CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relacl, NULL
      FROM pg_class c
     WHERE c.relnamespace = ANY (%(namespaces)s::oid[])
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
    UNION ALL
    -- Columns have no default ACL: only what was granted on them.
    SELECT 'relation', c.oid, c.relowner, 'c'::"char", a.attacl, a.attname
      FROM pg_class c
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relnamespace = ANY (%(namespaces)s::oid[])
       AND c.relkind IN ('r', 'p', 'v', 'm')
       AND NOT c.relispartition
       AND a.attacl IS NOT NULL
    UNION ALL
    SELECT 'type', t.oid, t.typowner, 'T'::"char", t.typacl, NULL
      FROM pg_type t
     WHERE t.typnamespace = ANY (%(namespaces)s::oid[])
       AND (t.typtype IN ('e', 'd')
            OR t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
    UNION ALL
    SELECT 'function', p.oid, p.proowner, 'f'::"char", p.proacl, NULL
      FROM pg_proc p
     WHERE p.pronamespace = ANY (%(namespaces)s::oid[])
       AND p.prokind IN ('f', 'p', 'a')
)
SELECT o.kind, o.oid, o.column_name,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END AS grantee,
       array_agg(DISTINCT lower(a.privilege_type) || CASE WHEN a.is_grantable THEN '*' ELSE '' END
                 ORDER BY lower(a.privilege_type) || CASE WHEN a.is_grantable THEN '*' ELSE '' END) AS privileges,
       false AS builtin
  FROM objects o, aclexplode(coalesce(o.acl, acldefault(o.acl_kind, o.owner))) a
 WHERE a.grantee <> o.owner
 GROUP BY o.kind, o.oid, o.column_name, a.grantee
UNION ALL
SELECT o.kind, o.oid, NULL, 'public', array_agg(DISTINCT lower(a.privilege_type) ORDER BY lower(a.privilege_type)), true
  FROM objects o, aclexplode(acldefault(o.acl_kind, o.owner)) a
 WHERE a.grantee = 0 AND o.column_name IS NULL
 GROUP BY o.kind, o.oid
