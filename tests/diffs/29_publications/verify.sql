SELECT (SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_publication_tables WHERE pubname = 'fleet')
       = ARRAY['trips', 'vehicles']
   AND NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'audit')
   AND (SELECT pubviaroot AND pubdelete FROM pg_publication WHERE pubname = 'fleet')
