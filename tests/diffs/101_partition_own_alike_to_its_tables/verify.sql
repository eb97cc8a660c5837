SELECT (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = 'payments_2025'::regclass AND NOT c.relispartition) = 1
   AND (SELECT count(*) FROM pg_constraint
         WHERE conrelid = 'payments_2025'::regclass AND contype = 'f' AND conparentid = 0) = 1
