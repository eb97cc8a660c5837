SELECT pg_get_serial_sequence('tickets', 'number') = 'public.ticket_no' AND (SELECT number FROM tickets) = 2;
