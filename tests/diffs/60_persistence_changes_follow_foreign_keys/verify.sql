SELECT string_agg(relname || ':' || relpersistence::text, ' ' ORDER BY relname) = 'alpha:p beta:p kappa:u omega:u'
  FROM pg_class WHERE relname IN ('alpha', 'beta', 'kappa', 'omega')
