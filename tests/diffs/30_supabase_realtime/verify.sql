SELECT (SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_publication_tables
         WHERE pubname = 'supabase_realtime') = ARRAY['messages', 'rooms']
