SELECT (SELECT tags FROM tasks WHERE id = 1) = '{urgent,later}'::tag[]
   AND (SELECT enum_range(NULL::tag)) = '{later,urgent}'::tag[]
   AND NOT EXISTS (SELECT FROM pg_type WHERE typname = 'tag_replaced')
