WITH added AS (INSERT INTO tickets (note) VALUES ('after') RETURNING id, seat)
SELECT (SELECT id FROM added) = 6 AND (SELECT seat FROM added) = 6
   AND NOT EXISTS (SELECT FROM pg_class WHERE relname LIKE 'tickets_id_seq%' AND relkind = 'S'
                   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = pg_class.oid AND d.deptype = 'i'))
   -- the identity's sequence has the name PostgreSQL gives it on a new table, not tickets_id_seq1
   AND pg_get_serial_sequence('tickets', 'id') = 'public.tickets_id_seq'
