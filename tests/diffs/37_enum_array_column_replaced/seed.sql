INSERT INTO tasks VALUES (1, '{urgent,later}'), (2, '{}');
