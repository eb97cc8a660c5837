-- Publications, with the tables of managed schemas they list, and of those published
-- with a column list or a row filter (PostgreSQL 15), the columns (in the table's order,
-- as PostgreSQL keeps them) and the filter. Supabase's own (supabase_realtime) is read like
-- any other. FOR TABLES IN SCHEMA is not modelled.
SELECT p.pubname AS name,
       p.puballtables AS all_tables,
       array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                          CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END],
                    NULL) AS publish,
       p.pubviaroot AS via_partition_root,
       COALESCE((SELECT array_agg(ARRAY[n.nspname, c.relname]::text[] ORDER BY n.nspname, c.relname)
                   FROM pg_publication_rel r
                   JOIN pg_class c ON c.oid = r.prrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE r.prpubid = p.oid AND c.relnamespace = ANY (%(namespaces)s::oid[])),
                '{}') AS tables,
       COALESCE((SELECT json_agg(json_build_object(
                            'schema', n.nspname, 'name', c.relname,
                            'columns', ARRAY(SELECT a.attname
                                               FROM unnest(r.prattrs::int2[]) k(attnum)
                                               JOIN pg_attribute a ON a.attrelid = r.prrelid AND a.attnum = k.attnum
                                              ORDER BY k.attnum),
                            'where', pg_get_expr(r.prqual, r.prrelid))
                          ORDER BY n.nspname, c.relname)
                   FROM pg_publication_rel r
                   JOIN pg_class c ON c.oid = r.prrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE r.prpubid = p.oid AND c.relnamespace = ANY (%(namespaces)s::oid[])
                    AND (r.prattrs IS NOT NULL OR r.prqual IS NOT NULL)),
                '[]') AS filters,
       obj_description(p.oid, 'pg_publication') AS comment
  FROM pg_publication p
 ORDER BY p.pubname
