SELECT (SELECT string_agg(c.relname || coalesce(':' || array_to_string(c.reloptions, ','), '')
                          || coalesce(' toast:' || array_to_string(t.reloptions, ','), ''), ' ' ORDER BY c.relname)
          FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
         WHERE c.relname LIKE 'readings\_%' AND c.relkind = 'r')
       = 'readings_1:fillfactor=80 toast:autovacuum_enabled=false readings_2:autovacuum_vacuum_scale_factor=0.05 '
         'readings_3 readings_4:fillfactor=90'
