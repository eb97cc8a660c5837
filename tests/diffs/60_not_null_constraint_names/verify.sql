SELECT array_agg(conname::text ORDER BY conname) = '{orders_code_present,orders_id_not_null,orders_note_present,orders_placed_not_null}'
  FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'n'
