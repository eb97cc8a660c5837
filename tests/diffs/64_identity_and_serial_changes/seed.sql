INSERT INTO counters (note) SELECT 'row ' || g FROM generate_series(1, 5) g;
DELETE FROM counters WHERE a = 5;
