INSERT INTO used (note) VALUES ('a'), ('b');
INSERT INTO moved (note) VALUES ('a'), ('b');
SELECT setval('ticket_numbers', 700);
