SELECT (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'cases'::regclass) = 3
   AND (SELECT confdeltype = 'c' FROM pg_constraint WHERE conname = 'case_tags_case_id_fkey');
