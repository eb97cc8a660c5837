-- Default privileges (ALTER DEFAULT PRIVILEGES), one row per entry and grantee with its
-- privileges sorted (WITH GRANT OPTION ending in '*'), the creator's own left out; an entry
-- that gives nobody else anything (every schema's, taking PUBLIC's built-in privilege away)
-- is one row with no grantee. The entries of every schema, and those of the schemas read;
-- the platform's schemas' are its own. for_role is NULL for the role reading (current_user),
-- as a spec's entry that names no role means the role that applies it.
SELECT CASE WHEN d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN NULL
            ELSE pg_get_userbyid(d.defaclrole) END AS for_role,
       n.nspname AS schema,
       d.defaclobjtype AS objtype,
       g.grantee,
       g.privileges
  FROM pg_default_acl d
  LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
  LEFT JOIN LATERAL (
        SELECT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END AS grantee,
               array_agg(lower(a.privilege_type) || CASE WHEN a.is_grantable THEN '*' ELSE '' END
                         ORDER BY lower(a.privilege_type)) AS privileges
          FROM aclexplode(d.defaclacl) a
         WHERE a.grantee <> d.defaclrole
         GROUP BY a.grantee
       ) g ON true
 WHERE d.defaclnamespace = 0 OR d.defaclnamespace = ANY (%(namespaces)s::oid[])
 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST, 3, 4
