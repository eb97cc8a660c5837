SELECT (SELECT pg_get_expr(prqual, prrelid) = '(distance > (0)::numeric)' AND prattrs IS NULL
          FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
         WHERE p.pubname = 'fleet' AND r.prrelid = 'trips'::regclass)
   AND (SELECT prattrs IS NULL FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
         WHERE p.pubname = 'fleet' AND r.prrelid = 'vehicles'::regclass)
   AND (SELECT prattrs::text = '1 2' FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
         WHERE p.pubname = 'positions')
