-- What the API roles hold on the platform's own schemas, tables and functions (of the platform's schemas
-- not read), where it differs from what the platform grants them (supabase.platform_grants: the stand-in's
-- grants, one row each of given_kinds, given_objects, given_roles, given_privileges). A project may revoke
-- them (REVOKE ALL ON SCHEMA storage FROM anon); the spec does not manage the platform's privileges, so
-- this is named as not managed: a database built from the spec keeps the platform's.
WITH given AS (
    SELECT g.kind, g.object, g.role, g.privileges,
           CASE g.kind WHEN 'schema' THEN to_regnamespace(g.object)::oid
                       WHEN 'table' THEN to_regclass(g.object)::oid
                       ELSE to_regprocedure(g.object)::oid END AS oid,
           to_regrole(g.role)::oid AS role_oid
      FROM unnest(%(given_kinds)s::text[], %(given_objects)s::text[], %(given_roles)s::text[],
                  %(given_privileges)s::text[]) AS g(kind, object, role, privileges)
)
, objects AS (
    SELECT g.*, n.nspname AS schema, a.acl, a.owner, a.code
      FROM given g
      CROSS JOIN LATERAL (
          SELECT nspacl, nspowner, 'n'::"char", oid FROM pg_namespace WHERE g.kind = 'schema' AND oid = g.oid
          UNION ALL
          SELECT relacl, relowner, 'r', relnamespace FROM pg_class WHERE g.kind = 'table' AND oid = g.oid
          UNION ALL
          SELECT proacl, proowner, 'f', pronamespace FROM pg_proc WHERE g.kind = 'function' AND oid = g.oid
      ) a(acl, owner, code, namespace)
      JOIN pg_namespace n ON n.oid = a.namespace
     WHERE g.oid IS NOT NULL AND g.role_oid IS NOT NULL
)
, compared AS (
    SELECT o.kind, o.object, o.role,
           ARRAY(SELECT DISTINCT x.privilege_type FROM aclexplode(coalesce(o.acl, acldefault(o.code, o.owner))) x
                  WHERE x.grantee = o.role_oid ORDER BY 1) AS held,
           CASE WHEN o.privileges = 'ALL'
                THEN ARRAY(SELECT DISTINCT x.privilege_type FROM aclexplode(acldefault(o.code, o.owner)) x ORDER BY 1)
                ELSE ARRAY(SELECT p FROM unnest(string_to_array(o.privileges, ',')) p ORDER BY 1) END AS given
      FROM objects o
     WHERE o.schema = ANY (%(platform)s::text[])
)
SELECT 'platform privileges' AS kind, kind || ' ' || object AS name,
       string_agg(role || ' holds ' || coalesce(nullif(array_to_string(held, ', '), ''), 'nothing') || ' here'
                  || ' (the platform grants ' || array_to_string(given, ', ') || ')', '; ' ORDER BY role)
       || '; the spec leaves the privileges of the platform''s objects to it, so a database built from the '
       || 'spec has the platform''s' AS reason
  FROM compared
 WHERE held <> given
 GROUP BY kind, object
 ORDER BY 2
