SELECT (SELECT relpersistence FROM pg_class WHERE oid = 'page_cache'::regclass) = 'u'
   AND (SELECT relpersistence FROM pg_class WHERE oid = 'page_hits'::regclass) = 'u'
   AND (SELECT relpersistence FROM pg_class WHERE oid = 'staging'::regclass) = 'p'
   AND (SELECT count(*) FROM page_cache) = 1
   AND (SELECT count(*) FROM staging) = 1
