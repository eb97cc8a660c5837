-- Tables and partitioned tables (partitions are read by partitions.sql). A
-- partition key's collations and operator classes are named as
-- pg_get_partkeydef names them (qualified outside pg_catalog), so that they
-- can be told apart from the key's expressions where it prints them.
SELECT c.oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       p.partstrat AS partition_strategy,
       p.partattrs::int2[] AS partition_columns,
       pg_get_partkeydef(c.oid) AS partition_key,
       ARRAY(SELECT CASE WHEN k.coll = 0 THEN NULL
                         WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                         ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
               FROM unnest(p.partcollation::oid[]) WITH ORDINALITY k(coll, pos)
               LEFT JOIN pg_collation co ON co.oid = k.coll
               LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
              ORDER BY k.pos) AS partition_collations,
       ARRAY(SELECT CASE WHEN ocn.nspname = 'pg_catalog' THEN quote_ident(oc.opcname)
                         ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END
               FROM unnest(p.partclass::oid[]) WITH ORDINALITY k(opc, pos)
               JOIN pg_opclass oc ON oc.oid = k.opc
               JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
              ORDER BY k.pos) AS partition_opclasses,
       d.description AS comment,
       c.relreplident AS replica_identity,
       c.relpersistence = 'u' AS unlogged,
       c.reloptions AS storage_parameters,
       (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid) AS toast_parameters,
       (SELECT ci.relname FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
         WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_index,
       -- INHERITS, in order. A parent outside the schemas read is left out (unmanaged.sql names the link).
       ARRAY(SELECT json_build_array(pn.nspname, pc.relname)
               FROM pg_inherits i
               JOIN pg_class pc ON pc.oid = i.inhparent
               JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              WHERE i.inhrelid = c.oid AND pc.relnamespace = ANY (%(namespaces)s::oid[])
              ORDER BY i.inhseqno) AS inherits,
       -- OF type: a typed table, whose columns are its composite type's attributes. One of a type outside
       -- the schemas read is read as a table of its own columns (unmanaged.sql names it).
       (SELECT json_build_array(tn.nspname, t.typname) FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace
         WHERE t.oid = c.reloftype AND t.typnamespace = ANY (%(namespaces)s::oid[])) AS of_type
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_partitioned_table p ON p.partrelid = c.oid
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
 WHERE c.relkind IN ('r', 'p')
   AND NOT c.relispartition
   AND c.relnamespace = ANY (%(namespaces)s::oid[])
   AND NOT EXISTS (SELECT FROM pg_depend e
                    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
