-- Composite types made by CREATE TYPE ... AS (...) (a table's or view's own row type is part of it),
-- with their attributes in order: type as format_type prints it, collation where not the type's.
SELECT t.oid,
       n.nspname AS schema,
       t.typname AS name,
       ARRAY(SELECT a.attname FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS attributes,
       ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS types,
       ARRAY(SELECT CASE WHEN a.attcollation <> at.typcollation
                         THEN CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace THEN co.collname::text
                                   ELSE cn.nspname || '.' || co.collname END END
               FROM pg_attribute a
               JOIN pg_type at ON at.oid = a.atttypid
               LEFT JOIN pg_collation co ON co.oid = a.attcollation
               LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS collations,
       d.description AS comment,
       ARRAY(SELECT ARRAY[a.attname, ad.description]
               FROM pg_attribute a
               JOIN pg_description ad
                 ON ad.classoid = 'pg_class'::regclass AND ad.objoid = c.oid AND ad.objsubid = a.attnum
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY a.attname) AS attribute_comments
  FROM pg_type t
  JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
 WHERE t.typtype = 'c'
   AND t.typnamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
