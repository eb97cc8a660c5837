SELECT count(*) = 2 FROM pg_attribute WHERE attrelid = 'catalog_items'::regclass AND attgenerated = 'v';
