-- ann's email is NULL: ALTER TYPE ... ADD ATTRIBUTE takes no default; the table's is set after, for new rows.
SELECT (SELECT string_agg(name || ':' || age || ':' || coalesce(email, '-'), ',') = 'ann:41:-' FROM people)
       AND (SELECT string_agg(name || ':' || age || ':' || note, ',') = 'bob:7:y' FROM leaving)
       AND (SELECT reloftype = 0 FROM pg_class WHERE oid = 'leaving'::regclass)
       AND (SELECT reloftype = 'person'::regtype FROM pg_class WHERE oid = 'joining'::regclass)
       AND (SELECT pg_get_expr(adbin, adrelid) = '''none''::text' FROM pg_attrdef
             WHERE adrelid = 'people'::regclass AND adnum = (SELECT attnum FROM pg_attribute
                                                             WHERE attrelid = 'people'::regclass AND attname = 'email'))
