SELECT (SELECT route IS NULL FROM shipments WHERE id = 1) AND to_regtype('public.retired') IS NULL;
