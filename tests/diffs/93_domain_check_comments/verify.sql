SELECT array_agg(conname || ': ' || coalesce(obj_description(oid, 'pg_constraint'), '-') ORDER BY conname)
       = ARRAY['positive_above: -', 'positive_below: Fits a crate.', 'positive_odd: Odd.']
   AND (SELECT count(*) = 1 FROM crates)
  FROM pg_constraint WHERE contypid = 'positive'::regtype AND contype = 'c'
