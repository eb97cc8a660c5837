SELECT (SELECT count(*) FROM pg_proc WHERE prokind = 'p' AND proname IN ('purge_logs', 'bump', 'archive')) = 3
   AND NOT EXISTS (SELECT FROM pg_proc WHERE proname = 'retired')
   AND NOT has_function_privilege('public', 'public.purge_logs(interval)', 'execute')
