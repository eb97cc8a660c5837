SELECT (SELECT with_check IS NULL FROM pg_policies WHERE policyname = 'notes_write')
   AND (SELECT with_check LIKE '%id > 0%' FROM pg_policies WHERE policyname = 'notes_insert');
