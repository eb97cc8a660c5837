-- What the spec cannot hold because it uses a type the spec has no name for: a range, base or
-- shell type of the schemas read (the types unmanaged.sql names). Whatever depends on such a
-- type, directly or through another object (a domain over it, a table with a column of it, a
-- table whose row type another table uses, a view, function, key, trigger or policy that uses
-- one of those), one row each: the catalog
-- leaves it out and names it as not managed (introspect.unheld), so that a plan to a spec never
-- drops what an import could not write. Left out, as everywhere: what an extension created.
WITH RECURSIVE roots AS (
    SELECT t.oid, t.oid::regtype::text AS name
      FROM pg_type t
     WHERE t.typnamespace = ANY (%(namespaces)s::oid[])
       AND (t.typtype IN ('r', 'p')
            -- a base type, but not the array type PostgreSQL makes for each type
            OR (t.typtype = 'b' AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid)))
       AND NOT EXISTS (SELECT FROM pg_depend e
                        WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
)
-- Every object that depends on a root: through pg_depend's normal, automatic and internal
-- dependencies (a column on its type, a row type and a toast table on their table, an index or
-- key on its columns, a view's rule on what it reads).
, reached (classid, objid, objsubid, root) AS (
    SELECT 'pg_type'::regclass, r.oid, 0, r.name FROM roots r
    UNION
    SELECT d.classid, d.objid, d.objsubid, r.root
      FROM reached r
      JOIN pg_depend d ON d.refclassid = r.classid AND d.refobjid = r.objid AND d.deptype IN ('n', 'a', 'i')
     WHERE NOT (d.classid = r.classid AND d.objid = r.objid)
)
, objects AS (
    -- Tables, partitions, views and sequences (a column of one, or the relation itself)
    SELECT CASE WHEN c.relkind IN ('v', 'm') THEN 'view' WHEN c.relkind = 'S' THEN 'sequence'
                ELSE 'table' END AS kind,
           n.nspname AS schema, c.relname AS name, NULL::text AS on_schema, NULL::text AS on_name,
           NULL::text AS signature, r.root
      FROM reached r
      JOIN pg_class c ON r.classid = 'pg_class'::regclass AND c.oid = r.objid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    UNION
    -- A view's rule stands for its view; a default or a check (any constraint but a foreign key)
    -- for its table, whose definition the spec writes it in.
    SELECT CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END, n.nspname, c.relname,
           NULL, NULL, NULL, r.root
      FROM reached r
      LEFT JOIN pg_rewrite w ON r.classid = 'pg_rewrite'::regclass AND w.oid = r.objid
      LEFT JOIN pg_attrdef a ON r.classid = 'pg_attrdef'::regclass AND a.oid = r.objid
      LEFT JOIN pg_constraint k ON r.classid = 'pg_constraint'::regclass AND k.oid = r.objid AND k.contype <> 'f'
      JOIN pg_class c ON c.oid = coalesce(w.ev_class, a.adrelid, k.conrelid)
      JOIN pg_namespace n ON n.oid = c.relnamespace
    UNION
    SELECT 'domain', n.nspname, t.typname, NULL, NULL, NULL, r.root
      FROM reached r
      LEFT JOIN pg_constraint k ON r.classid = 'pg_constraint'::regclass AND k.oid = r.objid
      JOIN pg_type t ON t.oid = CASE WHEN r.classid = 'pg_type'::regclass THEN r.objid ELSE k.contypid END
      JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype = 'd'
    UNION
    SELECT CASE WHEN p.prokind = 'a' THEN 'aggregate' ELSE 'function' END, n.nspname, p.proname,
           NULL, NULL, oidvectortypes(p.proargtypes), r.root
      FROM reached r
      JOIN pg_proc p ON r.classid = 'pg_proc'::regclass AND p.oid = r.objid
      JOIN pg_namespace n ON n.oid = p.pronamespace
    UNION
    SELECT 'foreign key', NULL, k.conname, n.nspname, c.relname, NULL, r.root
      FROM reached r
      JOIN pg_constraint k ON r.classid = 'pg_constraint'::regclass AND k.oid = r.objid AND k.contype = 'f'
      JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
    UNION
    SELECT 'index', NULL, i.relname, n.nspname, c.relname, NULL, r.root
      FROM reached r
      JOIN pg_class i ON r.classid = 'pg_class'::regclass AND i.oid = r.objid AND i.relkind IN ('i', 'I')
      JOIN pg_index x ON x.indexrelid = i.oid
      JOIN pg_class c ON c.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
    UNION
    SELECT 'trigger', NULL, g.tgname, n.nspname, c.relname, NULL, r.root
      FROM reached r
      JOIN pg_trigger g ON r.classid = 'pg_trigger'::regclass AND g.oid = r.objid AND NOT g.tgisinternal
      JOIN pg_class c ON c.oid = g.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
    UNION
    SELECT 'policy', NULL, o.polname, n.nspname, c.relname, NULL, r.root
      FROM reached r
      JOIN pg_policy o ON r.classid = 'pg_policy'::regclass AND o.oid = r.objid
      JOIN pg_class c ON c.oid = o.polrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
)
SELECT kind, schema, name, on_schema, on_name, signature,
       string_agg(DISTINCT root, ', ' ORDER BY root) AS uses
  FROM objects
 GROUP BY kind, schema, name, on_schema, on_name, signature
 ORDER BY kind, schema, name, on_schema, on_name, signature
