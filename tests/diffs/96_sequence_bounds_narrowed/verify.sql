WITH f AS (INSERT INTO fresh DEFAULT VALUES RETURNING volt),
     u AS (INSERT INTO used (note) VALUES ('c') RETURNING volt),
     m AS (INSERT INTO moved (note) VALUES ('c') RETURNING id)
SELECT (SELECT volt FROM f) = -100
   AND (SELECT volt FROM u) = -95
   AND (SELECT id FROM m) = 1000
   AND nextval('batch_numbers') = 100
   AND (SELECT last_value = 500 AND is_called FROM ticket_numbers)
