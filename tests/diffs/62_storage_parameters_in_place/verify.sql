SELECT (SELECT reloptions = '{fillfactor=80}' FROM pg_class WHERE relname = 'orders')
   AND (SELECT t.reloptions = '{autovacuum_enabled=false}' FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid
         WHERE c.relname = 'orders')
   AND (SELECT reloptions = '{pages_per_range=32}' FROM pg_class WHERE relname = 'orders_at_idx')
   AND (SELECT reloptions = '{check_option=local}' FROM pg_class WHERE relname = 'recent')
   AND (SELECT reloptions IS NULL FROM pg_class WHERE relname = 'summary')
