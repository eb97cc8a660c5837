SELECT (SELECT string_agg(conrelid::regclass || ':' || conname, ' ' ORDER BY conrelid::regclass::text, conname)
          FROM pg_constraint WHERE contype = 'n' AND connamespace = 'public'::regnamespace)
       = 'p:p_band_id_not_null p:p_geom_id_not_null '
         'p_12:p_band_id_not_null p_12:p_geom_id_not_null '
         'p_13:p_13_geom_present p_13:p_band_id_not_null '
         'p_14:p_14_label_present p_14:p_band_id_not_null p_14:p_geom_id_not_null'
   -- Attached again: the key's index of each partition is its table's.
   AND (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'p_band_id_geom_id_key'::regclass) = 3
