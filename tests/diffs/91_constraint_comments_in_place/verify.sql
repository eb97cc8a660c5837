SELECT array_agg(conname || ': ' || coalesce(obj_description(oid, 'pg_constraint'), '-') ORDER BY conname)
       = ARRAY['items_owner_during_excl: -', 'items_owner_fkey: The item''s owner.', 'items_pkey: -',
               'items_size: Something to carry.', 'owners_name_key: -', 'owners_pkey: Who owns things.']
   AND (SELECT count(*) = 1 FROM items)
  FROM pg_constraint WHERE conrelid IN ('items'::regclass, 'owners'::regclass) AND contype <> 'n'
