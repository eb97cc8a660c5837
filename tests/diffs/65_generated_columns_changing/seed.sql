INSERT INTO items (price, qty) VALUES (10, 3), (2.5, 4);
