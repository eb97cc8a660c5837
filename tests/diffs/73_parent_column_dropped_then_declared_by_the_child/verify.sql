SELECT (SELECT count(*) = 2 AND bool_and(e IS NULL) FROM a)
       AND (SELECT attislocal AND attinhcount = 0 FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'e')
