SELECT (SELECT procost = 5 AND prorows = 3 FROM pg_proc WHERE proname = 'small_numbers')
   AND (SELECT procost = 100 FROM pg_proc WHERE proname = 'slow_check')
