INSERT INTO counters (note, i) SELECT 'row ' || g, 10 * g FROM generate_series(1, 5) g;
DELETE FROM counters WHERE a = 5;
