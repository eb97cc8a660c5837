SELECT (SELECT proconfig = '{myapp.tenant=acme,statement_timeout=10s,TimeZone=UTC}' FROM pg_proc WHERE proname = 'report')
   AND (SELECT proconfig = '{DateStyle=iso\, mdy}' FROM pg_proc WHERE proname = 'stamp')
   AND (SELECT proconfig = '{search_path=public,lock_timeout=5s}' FROM pg_proc WHERE proname = 'purge')
