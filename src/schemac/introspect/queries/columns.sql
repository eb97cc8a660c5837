-- Columns of tables (not of partitions), in table order. A column's default
-- and its generation expression share pg_attrdef; attgenerated tells them apart.
-- An identity column's sequence comes with it, for its options and the privileges on it.
SELECT a.attrelid AS table_oid,
       a.attnum,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       -- PostgreSQL 18's NOT NULL constraints have names (none before: no row of contype 'n'). One a
       -- column only inherits has its parent's name, which goes with it.
       (SELECT nn.conname FROM pg_constraint nn
         WHERE nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum
           AND nn.conislocal) AS not_null_name,
       a.attislocal AS local,
       -- A column of its own that a parent gives NOT NULL, with no NOT NULL of its own: PostgreSQL 18's
       -- constraint is then inherited only (before 18 there is no telling, and pg_dump does not either).
       a.attislocal AND EXISTS (SELECT FROM pg_constraint nn
                                 WHERE nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum
                                   AND NOT nn.conislocal) AS inherited_not_null,
       a.attidentity AS identity,
       a.attgenerated AS generated_kind,
       pg_get_expr(ad.adbin, ad.adrelid) AS expression,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
       CASE WHEN a.attcollation <> t.typcollation THEN con.nspname END AS collation_schema,
       d.description AS comment,
       seq.oid AS sequence_oid, seq.schema AS sequence_schema, seq.name AS sequence_name,
       seq.seqstart, seq.seqincrement, seq.seqmin, seq.seqmax, seq.seqcache, seq.seqcycle
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
  LEFT JOIN pg_description d
         ON d.classoid = 'pg_class'::regclass AND d.objoid = a.attrelid AND d.objsubid = a.attnum
  -- An identity column's sequence (an internal dependency), for its options and privileges.
  LEFT JOIN LATERAL (
        SELECT s.oid, sn.nspname AS schema, s.relname AS name,
               ps.seqstart, ps.seqincrement, ps.seqmin, ps.seqmax, ps.seqcache, ps.seqcycle
          FROM pg_depend dep
          JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
          JOIN pg_sequence ps ON ps.seqrelid = s.oid
          JOIN pg_namespace sn ON sn.oid = s.relnamespace
         WHERE a.attidentity <> '' AND dep.classid = 'pg_class'::regclass
           AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid
           AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'
         LIMIT 1) seq ON true
 WHERE c.relkind IN ('r', 'p')
   AND NOT c.relispartition
   AND c.relnamespace = ANY (%(namespaces)s::oid[])
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum
