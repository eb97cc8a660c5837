SELECT (SELECT string_agg(c.relname || '.' || a.attname || '=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
                          || CASE WHEN a.attnotnull THEN '!' ELSE '' END, ' ' ORDER BY c.relname, a.attname)
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname IN ('priority', 'status', 'notes')
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relname LIKE 'orders%')
       = 'orders.notes=- orders.priority=1 orders.status=''new''::text '
         'orders_ap.notes=- orders_ap.priority=1 orders_ap.status=''queued''::text '
         'orders_ap_jp.notes=- orders_ap_jp.priority=7 orders_ap_jp.status=''queued''::text '
         'orders_eu.notes=-! orders_eu.priority=1 orders_eu.status=- '
         'orders_sa.notes=-! orders_sa.priority=3 orders_sa.status=- '
         'orders_us.notes=- orders_us.priority=10 orders_us.status=''new''::text'
