SELECT (SELECT array_agg(conname::text ORDER BY conname) FROM pg_constraint
         WHERE conrelid = 'orders'::regclass AND contype = 'n')
       = '{orders_code_present,orders_id_not_null,orders_note_present,orders_placed_not_null}'
   AND (SELECT array_agg(conname::text ORDER BY conname) FROM pg_constraint
         WHERE conrelid = 'parcels'::regclass AND contype = 'n')
       = '{parcels_id_not_null,parcels_label_not_null}'
