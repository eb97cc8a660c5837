SELECT (SELECT string_agg(name, ',' ORDER BY id) = 'new' FROM items)
       AND (SELECT count(*) = 1 FROM archived_items)
       AND NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'archived_items'::regclass AND attname = 'created_at')
       AND (SELECT string_agg(conname || ':' || conislocal || coninhcount || convalidated, ' ' ORDER BY conname)
              = 'id_positive:true1true name_set:true1true'
              FROM pg_constraint WHERE conrelid = 'drafts'::regclass AND contype = 'c')
