INSERT INTO gains VALUES (5); INSERT INTO losses DEFAULT VALUES;
-- The sequence the column moves to is ahead of the rows: it never goes back.
SELECT setval('legacy', 40);
