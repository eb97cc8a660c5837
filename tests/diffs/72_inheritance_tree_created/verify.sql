SELECT string_agg(c.relname || '<' || i.inhparent::regclass::text, ' ' ORDER BY c.relname)
       = 'entity_bindings_a<entity_bindings entity_bindings_b<entity_bindings entity_bindings_b_archive<entity_bindings_b'
       AND (SELECT attislocal AND attinhcount = 1 FROM pg_attribute
             WHERE attrelid = 'entity_bindings_b'::regclass AND attname = 'entity_type')
       AND (SELECT count(*) = 1 FROM pg_constraint WHERE conrelid = 'entity_bindings_b_archive'::regclass
             AND conname = 'entity_type_b' AND NOT conislocal)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
