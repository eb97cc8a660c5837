SELECT (SELECT confmatchtype = 'f' FROM pg_constraint WHERE conname = 'tasks_tenant_id_fkey')
   AND (SELECT confmatchtype = 's' AND confdelsetcols = '{3}' FROM pg_constraint WHERE conname = 'tasks_tenant_id_project_id_fkey')
   AND (SELECT count(*) = 2 FROM tasks)
