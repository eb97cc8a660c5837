INSERT INTO tickets (note) SELECT 'row ' || g FROM generate_series(1, 5) g;
DELETE FROM tickets WHERE id = 5;
