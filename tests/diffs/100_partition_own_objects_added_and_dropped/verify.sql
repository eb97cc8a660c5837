SELECT (SELECT string_agg(conrelid::regclass::text || ' ' || conname || ' ' || contype::text, ', ' ORDER BY conrelid::regclass::text, conname)
          FROM pg_constraint WHERE conrelid::regclass::text LIKE 'payments\_%' AND contype <> 'n' AND conparentid = 0)
       = 'payments_2025 payments_2025_customer_id_fkey f, payments_2025 payments_2025_pkey p, payments_2025 positive c, '
         'payments_2026 payments_2026_id_key u'
   AND (SELECT string_agg(indexrelid::regclass::text, ' ' ORDER BY indexrelid::regclass::text)
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE indrelid::regclass::text LIKE 'payments\_%'
           AND NOT c.relispartition)
       = 'idx_fk_payments_2025_customer_id payments_2025_pkey payments_2026_amount_idx payments_2026_id_key'
