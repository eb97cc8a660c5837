SELECT (SELECT string_agg(name, ',' ORDER BY id) = 'new' FROM items)
       AND (SELECT count(*) = 1 FROM archived_items)
       AND NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'archived_items'::regclass AND attname = 'created_at')
