SELECT array_agg(conname || ': ' || coalesce(obj_description(oid, 'pg_constraint'), '-') ORDER BY conname)
       = ARRAY['items_fits: Fits a crate.', 'items_owner_fkey: Whose item.', 'items_pkey: The item''s key.',
               'items_size: Something to carry.']
  FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype <> 'n'
