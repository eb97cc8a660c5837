INSERT INTO customers VALUES (1);
INSERT INTO payments VALUES (1, 1, 10, '2024-03-01'), (2, 1, -5, '2025-03-01');
