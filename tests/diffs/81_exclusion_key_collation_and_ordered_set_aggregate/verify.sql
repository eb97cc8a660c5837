SELECT (SELECT pg_get_constraintdef(oid) = 'EXCLUDE USING btree (name COLLATE "C" WITH =)'
          FROM pg_constraint WHERE conname = 'rooms_name_once')
   AND (SELECT nth_smallest(2) WITHIN GROUP (ORDER BY size) = 12 FROM rooms)
