INSERT INTO rooms VALUES (1, 'Blue', 12), (2, 'Red', 20), (3, 'Green', 9);
