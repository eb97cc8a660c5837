-- PostgreSQL 18's temporal constraints: keys WITHOUT OVERLAPS and foreign keys
-- with PERIOD (pg_constraint.conperiod), which the spec cannot hold. Read only
-- by `schemac import`, on servers that have the column; the catalog queries
-- read these constraints as plain keys.
SELECT n.nspname AS schema,
       c.relname AS table,
       con.conname AS name,
       con.contype AS type
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE con.conperiod
 ORDER BY 1, 2, 3
