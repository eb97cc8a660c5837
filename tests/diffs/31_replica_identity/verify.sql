SELECT array_agg(relname::text || ':' || relreplident::text ORDER BY relname)
       = ARRAY['codes:i', 'messages:f', 'notes:d', 'rooms:n']
  FROM pg_class WHERE relname IN ('messages', 'codes', 'notes', 'rooms') AND relkind = 'r'
