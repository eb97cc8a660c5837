SELECT array_agg((total, label, doubled, halved, kept, tripled) ORDER BY id)::text
       = '{"(60,\"item 1\",6,1,4,9)","(20.0,\"item 2\",8,2,5,12)"}'
   AND (SELECT count(*) FROM pg_indexes WHERE tablename = 'items') = 3
FROM items
