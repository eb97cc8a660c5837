INSERT INTO prices VALUES (1, 2), (2, 3);
