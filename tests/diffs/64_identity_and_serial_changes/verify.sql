WITH added AS (INSERT INTO counters (b, note) VALUES (0, 'after') RETURNING a, c, d, e, f, g, h, i)
SELECT (SELECT a FROM added) = 6 AND (SELECT c FROM added) = 6 AND (SELECT d FROM added) = 6
   AND (SELECT e FROM added) = 6
   AND (SELECT (f, g::integer, h, i) FROM added) = (10, 141, 1, 50)
   -- the sequences have the names PostgreSQL gives them on a new table, and no other is left (7 identities, 1 serial)
   AND pg_get_serial_sequence('counters', 'a') = 'public.counters_a_seq'
   AND pg_get_serial_sequence('counters', 'd') = 'public.counters_d_seq'
   AND (SELECT data_type FROM pg_sequences WHERE sequencename = 'counters_e_seq')::text = 'bigint'
   AND (SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace) = 8
