SELECT bool_and(connoinherit) FROM pg_constraint WHERE conrelid = 'parent_base'::regclass AND contype = 'c';
