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
-- Comments the catalog does not carry, on what the spec's schemas hold (and on the database's own
-- extensions, event triggers and casts): the comment on each object the queries read is read with it
-- (a table, column, constraint, index, ...), and an object named above takes its comment along. What
-- is left: comments on what schemac reads but writes no comment for (a partition, a NOT NULL constraint,
-- a key's index, an identity column's sequence, ...) and on what it does not read
-- (a rule, an event trigger, ...). PostgreSQL's own objects (oid below 16384) and extensions' are left
-- out; an extension's comment only where it is not the one its control file gives it.
, comments AS (
    SELECT d.classoid, d.objoid, d.objsubid, o.type, d.description,
           CASE WHEN d.classoid = 'pg_class'::regclass THEN
                     CASE WHEN c.relkind IN ('i', 'I') AND EXISTS (SELECT FROM pg_constraint k
                                                                     WHERE k.conindid = c.oid AND k.contype IN ('p', 'u', 'x'))
                          THEN 'the index of a key or exclusion constraint (comment on the constraint instead)'
                          WHEN c.relkind IN ('i', 'I') THEN 'the index a partition takes from its table''s'
                          WHEN c.relispartition AND d.objsubid = 0 THEN 'partitions'
                          WHEN c.relispartition THEN 'a partition''s columns (it takes its table''s)'
                          WHEN c.relkind = 'S' THEN 'an identity column''s sequence'
                          ELSE o.type || 's' END
                WHEN d.classoid = 'pg_constraint'::regclass THEN
                     CASE WHEN k.contype = 'n' THEN 'NOT NULL constraints'
                          WHEN k.conparentid <> 0 THEN 'a partition''s copy of its table''s constraints'
                          WHEN NOT k.conislocal OR k.coninhcount > 0 THEN 'what a table inherits'
                          ELSE o.type || 's' END
                WHEN d.classoid = 'pg_trigger'::regclass AND tg.tgparentid <> 0
                THEN 'a partition''s copy of its table''s triggers'
                WHEN d.classoid = 'pg_extension'::regclass
                THEN 'extensions but the one an extension comes with (' || coalesce(quote_literal(ae.comment), 'none')
                     || ' for this one)'
                ELSE o.type || 's' END AS what
      FROM pg_description d
     CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
      LEFT JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
      LEFT JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND t.oid = d.objoid
      LEFT JOIN pg_constraint k ON d.classoid = 'pg_constraint'::regclass AND k.oid = d.objoid
      LEFT JOIN pg_trigger tg ON d.classoid = 'pg_trigger'::regclass AND tg.oid = d.objoid
      LEFT JOIN pg_extension x ON d.classoid = 'pg_extension'::regclass AND x.oid = d.objoid
      LEFT JOIN pg_available_extensions ae ON ae.name = x.extname
     WHERE d.objoid >= 16384
       AND (o.schema IS NULL OR o.schema IN (SELECT nspname FROM pg_namespace WHERE oid = ANY (%(namespaces)s::oid[])))
       AND NOT EXISTS (SELECT FROM pg_depend e
                        WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
       AND NOT EXISTS (SELECT FROM ours WHERE ours.classid = d.classoid AND ours.oid = d.objoid)
       AND NOT CASE d.classoid
           -- A schema the spec does not manage is left alone with what it holds.
           WHEN 'pg_namespace'::regclass THEN true
           WHEN 'pg_class'::regclass THEN
                NOT c.relispartition
                AND CASE WHEN d.objsubid > 0 THEN c.relkind IN ('r', 'p', 'v', 'm', 'c')
                         WHEN c.relkind = 'S' THEN NOT EXISTS (SELECT FROM pg_depend i
                                                                 WHERE i.classid = 'pg_class'::regclass
                                                                   AND i.objid = c.oid AND i.deptype = 'i')
                         WHEN c.relkind IN ('i', 'I')
                         THEN NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = c.oid AND k.contype IN ('p', 'u', 'x'))
                         ELSE c.relkind IN ('r', 'p', 'v', 'm') END
           WHEN 'pg_type'::regclass THEN t.typtype IN ('e', 'd', 'c')
           WHEN 'pg_proc'::regclass THEN true
           WHEN 'pg_constraint'::regclass THEN
                (k.contype = 'c' AND k.contypid <> 0)
                OR (k.contype IN ('p', 'u', 'c', 'f', 'x') AND k.conparentid = 0 AND k.conislocal
                    AND (k.contype <> 'c' OR k.coninhcount = 0))
           WHEN 'pg_policy'::regclass THEN true
           WHEN 'pg_trigger'::regclass THEN tg.tgparentid = 0
           WHEN 'pg_publication'::regclass THEN true
           -- An extension of another schema is not read.
           WHEN 'pg_extension'::regclass THEN NOT x.extnamespace = ANY (%(namespaces)s::oid[])
                                              OR d.description IS NOT DISTINCT FROM ae.comment
           ELSE false END
)
SELECT 'comment' AS kind, pg_describe_object(m.classoid, m.objoid, m.objsubid) AS name,
       'the spec has no comments on ' || m.what || ': this one (' || quote_literal(m.description)
       || ') is not written in it, and a database built from the spec has none' AS reason
  FROM comments m
UNION ALL
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
 ORDER BY kind, name
