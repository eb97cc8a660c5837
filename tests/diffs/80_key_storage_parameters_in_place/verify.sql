SELECT (SELECT reloptions = '{fillfactor=70}' FROM pg_class WHERE relname = 'orders_pkey')
   AND (SELECT reloptions = '{fillfactor=50}' FROM pg_class WHERE relname = 'orders_code_key')
   AND (SELECT reloptions IS NULL FROM pg_class WHERE relname = 'orders_during_excl')
   AND (SELECT count(*) = 1 FROM orders)
