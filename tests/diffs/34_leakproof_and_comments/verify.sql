SELECT (SELECT proleakproof FROM pg_proc WHERE proname = 'same_owner')
   AND obj_description('notes_owner_idx'::regclass, 'pg_class') = 'Who wrote it.'
   AND obj_description('notes_at_idx'::regclass, 'pg_class') IS NULL
   AND (SELECT d.description FROM pg_trigger t JOIN pg_description d ON d.objoid = t.oid
         WHERE t.tgname = 'notes_touch_insert') = 'And on insert.'
