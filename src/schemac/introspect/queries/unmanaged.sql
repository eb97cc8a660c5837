-- What the managed schemas hold that schemac does not model, one row per object: its
-- kind, its name as SQL names it, and why it is left alone. Nothing here is ever
-- compared, created or dropped; the importer names each one. Left out, as everywhere:
-- what an extension created.
WITH ours AS (
    SELECT p.oid, 'pg_proc'::regclass AS classid, 'aggregate' AS kind,
           p.oid::regprocedure::text AS name,
           CASE WHEN a.aggtranstype = 'internal'::regtype
                THEN 'the spec has no aggregates whose state is of type internal: only a superuser may make one, '
                     || 'and the role that builds a spec on the scratch server is none'
                WHEN a.aggkind <> 'n' AND a.aggnumdirectargs = p.pronargs
                THEN 'the spec has no ordered-set aggregates of VARIADIC "any" ORDER BY VARIADIC "any"'
                ELSE 'the spec''s aggregates have no MFINALFUNC, MFINALFUNC_EXTRA, or FINALFUNC_MODIFY other '
                     || 'than the default (READ_ONLY, and READ_WRITE for an ordered-set aggregate)' END AS reason
      FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid
     WHERE (a.aggmfinalfn <> 0 OR a.aggmfinalextra
            OR a.aggfinalmodify <> CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END
            OR a.aggmfinalmodify <> CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END
            OR (a.aggkind <> 'n' AND a.aggnumdirectargs = p.pronargs) OR a.aggtranstype = 'internal'::regtype)
       AND p.pronamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT p.oid, 'pg_proc'::regclass, 'window function', p.oid::regprocedure::text,
           'the spec has no window functions written in C'
      FROM pg_proc p
     WHERE p.prokind = 'w' AND p.pronamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT c.oid, 'pg_collation'::regclass, 'collation',
           quote_ident(n.nspname) || '.' || quote_ident(c.collname),
           'the spec has no collations (CREATE COLLATION); a column may name one the database has'
      FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
     WHERE c.collnamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT c.oid, 'pg_ts_config'::regclass, 'text search configuration', c.oid::regconfig::text,
           'the spec has no text search configurations'
      FROM pg_ts_config c
     WHERE c.cfgnamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT d.oid, 'pg_ts_dict'::regclass, 'text search dictionary', d.oid::regdictionary::text,
           'the spec has no text search dictionaries'
      FROM pg_ts_dict d
     WHERE d.dictnamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT i.inhrelid, 'pg_class'::regclass, 'table inheritance',
           i.inhrelid::regclass::text || ' inherits ' || i.inhparent::regclass::text,
           'the parent is in a schema the spec does not manage; the child is read without it, its columns '
           || 'as its own, and a plan leaves the link as it is'
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
     WHERE NOT c.relispartition AND p.relkind = 'r'
       AND c.relnamespace = ANY (%(namespaces)s::oid[])
       AND NOT p.relnamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    -- A column a table only inherits, with a default, NOT NULL or comment of its own (ALTER TABLE on
    -- the child): the spec's inherited columns are their parent's.
    SELECT c.oid, 'pg_class'::regclass, 'inherited column',
           c.oid::regclass::text || '.' || quote_ident(a.attname),
           'the spec has no definitions of its own on a column a table inherits (a default, NOT NULL or '
           || 'comment not its parent''s); declare the column under the child''s columns to give it some'
      FROM pg_class c
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND NOT a.attislocal
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE NOT c.relispartition AND c.relkind = 'r'
       AND c.relnamespace = ANY (%(namespaces)s::oid[])
       AND (col_description(c.oid, a.attnum) IS NOT NULL
            OR NOT EXISTS (SELECT FROM pg_inherits i
                             JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname
                             LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum
                            WHERE i.inhrelid = c.oid
                              AND pg_get_expr(pd.adbin, pd.adrelid) IS NOT DISTINCT FROM pg_get_expr(d.adbin, d.adrelid)
                              AND (pa.attnotnull OR NOT a.attnotnull)))
    UNION ALL
    SELECT c.oid, 'pg_class'::regclass, 'typed table',
           c.oid::regclass::text || ' of type ' || c.reloftype::regtype::text,
           'its type is in a schema not read, so the spec cannot name it; the table is imported as a table of '
           || 'its own columns'
      FROM pg_class c
      JOIN pg_type t ON t.oid = c.reloftype
     WHERE c.reloftype <> 0 AND c.relkind IN ('r', 'p')
       AND c.relnamespace = ANY (%(namespaces)s::oid[])
       AND NOT t.typnamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    -- A search_path the database (or a role in it) sets: the names a function's body leaves unqualified
    -- resolve under it, and on a database built from the spec, which sets none, under the server's
    -- default. Supabase's own ("$user", public, extensions) is the platform's, made again by its stand-in.
    SELECT s.setdatabase, 'pg_db_role_setting'::regclass, 'database setting',
           CASE WHEN s.setrole = 0 THEN 'search_path' ELSE 'search_path of role ' || quote_ident(r.rolname) END,
           'this database sets ' || replace(c.setting, '=', ' = ') || ' ('
           || CASE WHEN s.setrole = 0 THEN 'ALTER DATABASE' ELSE 'ALTER ROLE ... IN DATABASE' END
           || ' ... SET); the spec sets no search_path for a database: the names function bodies leave '
           || 'unqualified resolve under it when they run (and an SQL function''s body when it is made), and '
           || 'on a database built from the spec under the server''s default ("$user", public) instead: set it '
           || 'there too, or qualify those names or give the functions a search_path'
      FROM pg_db_role_setting s
      LEFT JOIN pg_roles r ON r.oid = s.setrole
     CROSS JOIN LATERAL unnest(s.setconfig) c(setting)
     WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND c.setting LIKE 'search_path=%%'
       AND c.setting <> 'search_path="$user", public, extensions'
    UNION ALL
    SELECT d.oid, 'pg_database'::regclass, 'database privileges', quote_ident(d.datname),
           'the spec has no privileges on the database (GRANT ... ON DATABASE); this one''s are '
           || array_to_string(d.datacl, ', ') || ', where PostgreSQL gives '
           || array_to_string(acldefault('d', d.datdba), ', ')
      FROM pg_database d
     WHERE d.datname = current_database() AND d.datacl IS NOT NULL AND d.datacl <> acldefault('d', d.datdba)
    UNION ALL
    -- FOR TABLES IN SCHEMA (PostgreSQL 15) needs a superuser, which the role that builds a spec on the
    -- scratch server is not: the publication is read with its tables, the schema it publishes is named.
    SELECT pn.oid, 'pg_publication_namespace'::regclass, 'publication schema',
           quote_ident(p.pubname) || ': tables in schema ' || quote_ident(n.nspname),
           'the spec has no publications of a schema''s tables (FOR TABLES IN SCHEMA); the publication is '
           || 'imported with the tables it lists, and a plan leaves the schema in it'
      FROM pg_publication_namespace pn
      JOIN pg_publication p ON p.oid = pn.pnpubid
      JOIN pg_namespace n ON n.oid = pn.pnnspid
     WHERE pn.pnnspid = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT c.oid, 'pg_class'::regclass, 'unlogged partition', c.oid::regclass::text,
           'the spec has no unlogged partitions (its partitions are logged); a plan leaves it unlogged'
      FROM pg_class c
     WHERE c.relispartition AND c.relpersistence = 'u'
       AND c.relnamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    -- What uses one of these types is left out too, and named (unheld.sql).
    SELECT t.oid, 'pg_type'::regclass,
           CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'p' THEN 'shell type' ELSE 'base type' END,
           t.oid::regtype::text,
           'the spec has no ' || CASE t.typtype WHEN 'r' THEN 'range types (CREATE TYPE ... AS RANGE)'
                                                WHEN 'p' THEN 'shell types (CREATE TYPE name)'
                                                ELSE 'base types (CREATE TYPE ... (INPUT = ...))' END
      FROM pg_type t
     WHERE (t.typtype IN ('r', 'p')
            OR (t.typtype = 'b' AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid)))
       AND t.typnamespace = ANY (%(namespaces)s::oid[])
    UNION ALL
    SELECT con.oid, 'pg_constraint'::regclass,
           CASE con.contype WHEN 'p' THEN 'temporal primary key' WHEN 'u' THEN 'temporal unique constraint'
                            ELSE 'temporal foreign key' END,
           quote_ident(con.conname) || ' on ' || con.conrelid::regclass::text,
           CASE WHEN con.contype = 'f'
                THEN 'the spec has no foreign keys with PERIOD (PostgreSQL 18)'
                ELSE 'the spec has no keys WITHOUT OVERLAPS (PostgreSQL 18)' END
           || '; a plan never drops or rewrites it'
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
     -- conperiod is read through the row as JSON: the column does not exist before 18.
     WHERE coalesce((to_jsonb(con) ->> 'conperiod')::boolean, false)
       AND con.conparentid = 0
       AND c.relnamespace = ANY (%(namespaces)s::oid[])
)
-- What uses an aggregate, collation or text search object of the spec's schemas: it is left out, so
-- a database built from the spec lacks it and these fail there. The catalog records what columns,
-- indexes, views and constraints use; a function's body only by its text, so a body that names the
-- object (to_tsvector('mb_simple', ...), median(...)) is counted as using it.
, used AS (
    SELECT o.classid, o.oid, u.what
      FROM ours o
      JOIN pg_depend d ON d.refclassid = o.classid AND d.refobjid = o.oid AND d.deptype IN ('n', 'a')
      CROSS JOIN LATERAL (SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS what) u
     WHERE o.classid IN ('pg_proc'::regclass, 'pg_collation'::regclass, 'pg_ts_config'::regclass,
                         'pg_ts_dict'::regclass)
    UNION
    SELECT o.classid, o.oid, 'function ' || p.oid::regprocedure::text || ' (its body names it)'
      FROM ours o
      JOIN pg_proc p ON p.pronamespace = ANY (%(namespaces)s::oid[]) AND p.oid <> o.oid
     WHERE o.classid IN ('pg_proc'::regclass, 'pg_collation'::regclass, 'pg_ts_config'::regclass,
                         'pg_ts_dict'::regclass)
       AND strpos(lower(p.prosrc), lower(CASE o.classid
                     WHEN 'pg_proc'::regclass THEN (SELECT proname FROM pg_proc WHERE oid = o.oid) || '('
                     WHEN 'pg_collation'::regclass THEN (SELECT collname FROM pg_collation WHERE oid = o.oid)
                     WHEN 'pg_ts_config'::regclass THEN (SELECT cfgname FROM pg_ts_config WHERE oid = o.oid)
                     ELSE (SELECT dictname FROM pg_ts_dict WHERE oid = o.oid) END)) > 0
)
SELECT o.kind, o.name,
       o.reason || coalesce((SELECT '; used by ' || string_agg(u.what, ', ' ORDER BY u.what)
                                   FILTER (WHERE u.rank <= 5)
                                   || CASE WHEN count(*) > 5 THEN ' and ' || (count(*) - 5) || ' more' ELSE '' END
                                   || ', which a database built from the spec cannot make without it: '
                                   || 'create it there first (the spec does not)'
                              FROM (SELECT what, row_number() OVER (ORDER BY what) AS rank
                                      FROM used WHERE used.classid = o.classid AND used.oid = o.oid) u), '')
       AS reason
  FROM ours o
 WHERE NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = o.classid AND e.objid = o.oid AND e.deptype = 'e')
 ORDER BY o.kind, o.name
