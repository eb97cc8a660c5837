INSERT INTO a (a1, a2, e) VALUES (1, 2, 3), (4, 5, 6);
