-- Each object's definition as PostgreSQL prints it, one row per object: the fingerprint that
-- introspect.definitions compares between two databases, to catch what the catalog does not model
-- yet (a function's SET statement_timeout, a foreign key's MATCH FULL, a comment on a constraint,
-- a table's rule, ...). One line per attribute, in a fixed order, so that a difference reads as
-- the lines that differ. Left out: what legitimately differs between two databases that hold the
-- same schema (oids, owners, what the scratch database makes otherwise on purpose: LEAKPROOF,
-- a materialized view's data), a view's query (the catalog compares it, without what no one sees:
-- the column names of a UNION's later branches), and what an extension created.
-- Privileges are lines "grant ROLE: PRIVILEGE, ..." (a * after one given WITH GRANT OPTION), the
-- owner's own left out; who granted them is not compared (it gives no one access).
WITH comments AS NOT MATERIALIZED (
    SELECT d.classoid, d.objoid, d.objsubid, 'comment: ' || d.description AS line
      FROM pg_description d
)
, own AS NOT MATERIALIZED (  -- what an extension created
    SELECT e.classid, e.objid FROM pg_depend e WHERE e.deptype = 'e'
)
, relations AS (
    SELECT c.*, n.nspname,
           quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relnamespace = ANY (%(namespaces)s::oid[])
       AND NOT EXISTS (SELECT FROM own WHERE own.classid = 'pg_class'::regclass AND own.objid = c.oid)
)
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                      WHEN 'f' THEN 'foreign table' ELSE 'table' END || ' ' || c.qname AS object,
       concat_ws(E'\n',
           CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END,
           CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.relreplident <> 'd' THEN
               'replica identity ' || CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                   ELSE 'using index ' || coalesce((SELECT i.indexrelid::regclass::text FROM pg_index i
                                                     WHERE i.indrelid = c.oid AND i.indisreplident), '?') END
           END,
           CASE WHEN c.reloptions IS NOT NULL THEN
               'with (' || array_to_string(ARRAY(SELECT unnest(c.reloptions) ORDER BY 1), ', ') || ')' END,
           (SELECT 'toast with (' || array_to_string(ARRAY(SELECT unnest(t.reloptions) ORDER BY 1), ', ') || ')'
              FROM pg_class t WHERE t.oid = c.reltoastrelid AND t.reloptions IS NOT NULL),
           CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.relam <> 0
                     AND (SELECT amname FROM pg_am WHERE oid = c.relam) <> 'heap' THEN
               'using ' || (SELECT amname FROM pg_am WHERE oid = c.relam) END,
           CASE WHEN c.relrowsecurity THEN 'row level security' END,
           CASE WHEN c.relforcerowsecurity THEN 'row level security forced' END,
           CASE WHEN c.relispartition THEN 'partition of '
               || (SELECT string_agg(h.inhparent::regclass::text, ', ') FROM pg_inherits h WHERE h.inhrelid = c.oid)
               || ' ' || pg_get_expr(c.relpartbound, c.oid) END,
           CASE WHEN c.relkind = 'p' THEN 'partition by ' || pg_get_partkeydef(c.oid) END,
           CASE WHEN NOT c.relispartition THEN
               (SELECT 'inherits ' || string_agg(h.inhparent::regclass::text, ', ' ORDER BY h.inhseqno)
                  FROM pg_inherits h WHERE h.inhrelid = c.oid) END,
           CASE WHEN c.relkind = 'S' THEN
               (SELECT concat_ws(' ', 'as ' || format_type(s.seqtypid, NULL), 'increment ' || s.seqincrement,
                                 'minvalue ' || s.seqmin, 'maxvalue ' || s.seqmax, 'start ' || s.seqstart,
                                 'cache ' || s.seqcache, CASE WHEN s.seqcycle THEN 'cycle' END)
                  FROM pg_sequence s WHERE s.seqrelid = c.oid) END,
           CASE WHEN c.relkind = 'S' THEN
               (SELECT 'owned by ' || d.refobjid::regclass::text || '.' || quote_ident(a.attname)
                  FROM pg_depend d
                  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) END,
           (SELECT line FROM comments WHERE classoid = 'pg_class'::regclass AND objoid = c.oid AND objsubid = 0),
           (SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                   SELECT 'grant ' || coalesce(g.rolname, 'public') || ': '
                          || string_agg(e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END, ', '
                                        ORDER BY e.privilege_type) AS line
                     FROM (SELECT DISTINCT grantee, privilege_type, is_grantable FROM aclexplode(coalesce(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)))) e
                     LEFT JOIN pg_roles g ON g.oid = e.grantee
                    WHERE e.grantee <> c.relowner
                    GROUP BY g.rolname) acl),
           -- columns, by name (their order is the catalog's to compare)
           (SELECT string_agg(concat_ws(E'\n',
               'column ' || quote_ident(a.attname) || ': ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attcollation <> t.typcollation THEN
                      ' collate ' || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                                        FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                                       WHERE co.oid = a.attcollation) ELSE '' END
               || CASE WHEN a.attstorage <> t.typstorage THEN ' storage ' || a.attstorage::text ELSE '' END
               || CASE WHEN a.attcompression::text NOT IN ('', ' ') THEN ' compression ' || a.attcompression::text ELSE '' END
               || CASE WHEN nullif(a.attstattarget::int, -1) IS NOT NULL THEN
                      ' statistics ' || a.attstattarget::int ELSE '' END
               || CASE WHEN a.attoptions IS NOT NULL THEN
                      ' with (' || array_to_string(ARRAY(SELECT unnest(a.attoptions) ORDER BY 1), ', ') || ')'
                      ELSE '' END,
               (SELECT '  ' || line FROM comments
                 WHERE classoid = 'pg_class'::regclass AND objoid = a.attrelid AND objsubid = a.attnum),
               regexp_replace((SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                   SELECT 'grant ' || coalesce(g.rolname, 'public') || ': '
                          || string_agg(e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END, ', '
                                        ORDER BY e.privilege_type) AS line
                     FROM (SELECT DISTINCT grantee, privilege_type, is_grantable FROM aclexplode(a.attacl)) e
                     LEFT JOIN pg_roles g ON g.oid = e.grantee
                    WHERE e.grantee <> c.relowner
                    GROUP BY g.rolname) acl), '^', '  ', 'gn')),
           E'\n' ORDER BY a.attname)
              FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
           -- rules (a view's own _RETURN is its query, above) and extended statistics
           (SELECT string_agg('rule ' || pg_get_ruledef(w.oid)
                              || CASE WHEN w.ev_enabled <> 'O' THEN ' (enabled: ' || w.ev_enabled::text || ')' ELSE '' END,
                              E'\n' ORDER BY w.rulename)
              FROM pg_rewrite w WHERE w.ev_class = c.oid AND w.rulename <> '_RETURN'),
           (SELECT string_agg(pg_get_statisticsobjdef(x.oid), E'\n' ORDER BY x.stxname)
              FROM pg_statistic_ext x WHERE x.stxrelid = c.oid)
       ) AS definition
  FROM relations c
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
UNION ALL
-- Keys and checks of tables (NOT NULL, a column's own attribute, is the catalog's), and of domains
SELECT 'constraint ' || quote_ident(k.conname) || ' on ' || c.qname,
       concat_ws(E'\n', pg_get_constraintdef(k.oid),
                 (SELECT line FROM comments WHERE classoid = 'pg_constraint'::regclass AND objoid = k.oid))
  FROM pg_constraint k JOIN relations c ON c.oid = k.conrelid
 WHERE k.contype IN ('c', 'f', 'p', 'u', 'x') AND k.conparentid = 0
UNION ALL
SELECT 'index ' || quote_ident(c.nspname) || '.' || quote_ident(c.relname),
       concat_ws(E'\n', pg_get_indexdef(c.oid),
                 CASE WHEN i.indisclustered THEN 'clustered' END,
                 CASE WHEN NOT i.indisvalid THEN 'invalid' END,
                 (SELECT line FROM comments WHERE classoid = 'pg_class'::regclass AND objoid = c.oid AND objsubid = 0),
                 (SELECT string_agg('column ' || a.attnum || ' statistics ' || a.attstattarget::int, E'\n')
                    FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND nullif(a.attstattarget::int, -1) IS NOT NULL))
  FROM relations c JOIN pg_index i ON i.indexrelid = c.oid
 WHERE c.relkind IN ('i', 'I')
UNION ALL
SELECT 'trigger ' || quote_ident(g.tgname) || ' on ' || c.qname,
       concat_ws(E'\n', pg_get_triggerdef(g.oid),
                 CASE WHEN g.tgenabled <> 'O' THEN 'enabled: ' || g.tgenabled::text END,
                 (SELECT line FROM comments WHERE classoid = 'pg_trigger'::regclass AND objoid = g.oid))
  FROM pg_trigger g JOIN relations c ON c.oid = g.tgrelid
 WHERE NOT g.tgisinternal AND g.tgparentid = 0
UNION ALL
SELECT 'policy ' || quote_ident(p.polname) || ' on ' || c.qname,
       concat_ws(E'\n',
           CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END || ' for ' || p.polcmd::text
               || ' to ' || (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ', ' ORDER BY 1)
                               FROM unnest(p.polroles) r),
           'using ' || pg_get_expr(p.polqual, p.polrelid),
           'with check ' || pg_get_expr(p.polwithcheck, p.polrelid),
           (SELECT line FROM comments WHERE classoid = 'pg_policy'::regclass AND objoid = p.oid))
  FROM pg_policy p JOIN relations c ON c.oid = p.polrelid
UNION ALL
SELECT CASE WHEN p.prokind = 'p' THEN 'procedure ' ELSE 'function ' END
       || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
       concat_ws(E'\n', pg_get_functiondef(p.oid),
                 (SELECT line FROM comments WHERE classoid = 'pg_proc'::regclass AND objoid = p.oid),
                 (SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                   SELECT 'grant ' || coalesce(g.rolname, 'public') || ': '
                          || string_agg(e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END, ', '
                                        ORDER BY e.privilege_type) AS line
                     FROM (SELECT DISTINCT grantee, privilege_type, is_grantable FROM aclexplode(coalesce(p.proacl, acldefault('f'::"char", p.proowner)))) e
                     LEFT JOIN pg_roles g ON g.oid = e.grantee
                    WHERE e.grantee <> p.proowner
                    GROUP BY g.rolname) acl))
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.pronamespace = ANY (%(namespaces)s::oid[]) AND p.prokind IN ('f', 'p', 'w')
   AND NOT EXISTS (SELECT FROM own WHERE own.classid = 'pg_proc'::regclass AND own.objid = p.oid)
UNION ALL
-- Enums, domains and composite types (a table's own row type is its table's)
SELECT CASE t.typtype WHEN 'e' THEN 'enum ' WHEN 'd' THEN 'domain ' ELSE 'type ' END || t.oid::regtype::text,
       concat_ws(E'\n',
           CASE WHEN t.typtype = 'e' THEN
               'as enum (' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                 FROM pg_enum e WHERE e.enumtypid = t.oid) || ')' END,
           CASE WHEN t.typtype = 'd' THEN
               'as ' || format_type(t.typbasetype, t.typtypmod)
               || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END
               || coalesce(' default ' || t.typdefault, '') END,
           (SELECT string_agg(quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid)
                              || coalesce(E'\n' || (SELECT line FROM comments
                                                     WHERE classoid = 'pg_constraint'::regclass AND objoid = k.oid), ''),
                              E'\n' ORDER BY k.conname)
              FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype <> 'n'),
           (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                              || coalesce(E'\n  ' || (SELECT line FROM comments
                                                       WHERE classoid = 'pg_class'::regclass AND objoid = a.attrelid
                                                         AND objsubid = a.attnum), ''),
                              E'\n' ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = t.typrelid AND t.typtype = 'c' AND a.attnum > 0
               AND NOT a.attisdropped),
           (SELECT line FROM comments WHERE classoid = 'pg_type'::regclass AND objoid = t.oid),
           (SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                   SELECT 'grant ' || coalesce(g.rolname, 'public') || ': '
                          || string_agg(e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END, ', '
                                        ORDER BY e.privilege_type) AS line
                     FROM (SELECT DISTINCT grantee, privilege_type, is_grantable FROM aclexplode(coalesce(t.typacl, acldefault('T'::"char", t.typowner)))) e
                     LEFT JOIN pg_roles g ON g.oid = e.grantee
                    WHERE e.grantee <> t.typowner
                    GROUP BY g.rolname) acl))
  FROM pg_type t
 WHERE t.typnamespace = ANY (%(namespaces)s::oid[])
   AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
   AND NOT EXISTS (SELECT FROM own WHERE own.classid = 'pg_type'::regclass AND own.objid = t.oid)
UNION ALL
SELECT 'schema ' || quote_ident(n.nspname),
       concat_ws(E'\n',
           (SELECT line FROM comments WHERE classoid = 'pg_namespace'::regclass AND objoid = n.oid),
           (SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                   SELECT 'grant ' || coalesce(g.rolname, 'public') || ': '
                          || string_agg(e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END, ', '
                                        ORDER BY e.privilege_type) AS line
                     FROM (SELECT DISTINCT grantee, privilege_type, is_grantable FROM aclexplode(coalesce(n.nspacl, acldefault('n'::"char", n.nspowner)))) e
                     LEFT JOIN pg_roles g ON g.oid = e.grantee
                    WHERE e.grantee <> n.nspowner
                    GROUP BY g.rolname) acl))
  FROM pg_namespace n
 WHERE n.oid = ANY (%(namespaces)s::oid[])
 ORDER BY 1
