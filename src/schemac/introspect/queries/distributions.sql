-- Citus' placement of the tables of managed schemas (run only where the citus
-- extension is): hash-distributed tables ('h') with their distribution column,
-- and reference tables ('n', replicated to every node: 't'). Partitions are
-- distributed with their parent and are not listed. Citus' local tables ('n' with
-- 's': a coordinator table Citus added to its metadata by itself, for a foreign key
-- to a reference table) are tables of the coordinator, as for schemac they are.
-- The colocation group is read as the other tables in it, which two databases
-- can compare (its id is each database's own).
SELECT n.nspname AS schema,
       c.relname AS name,
       CASE p.partmethod WHEN 'h' THEN 'distributed' ELSE 'reference' END AS kind,
       column_to_column_name(p.logicalrelid, p.partkey) AS column,
       CASE WHEN p.partmethod = 'h' THEN g.shardcount END AS shard_count,
       ARRAY(SELECT ARRAY[on_.nspname, oc.relname]::text[]
               FROM pg_dist_partition o
               JOIN pg_class oc ON oc.oid = o.logicalrelid
               JOIN pg_namespace on_ ON on_.oid = oc.relnamespace
              WHERE o.colocationid = p.colocationid AND o.logicalrelid <> p.logicalrelid
                AND oc.relnamespace = ANY (%(namespaces)s::oid[])
                AND NOT oc.relispartition AND p.partmethod = 'h'
              ORDER BY on_.nspname, oc.relname) AS colocated
  FROM pg_dist_partition p
  JOIN pg_class c ON c.oid = p.logicalrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_dist_colocation g ON g.colocationid = p.colocationid
 WHERE c.relnamespace = ANY (%(namespaces)s::oid[])
   AND NOT c.relispartition
   AND (p.partmethod = 'h' OR (p.partmethod = 'n' AND p.repmodel = 't'))
 ORDER BY n.nspname, c.relname
