insert into events values (1, '2024-06-01', 5), (2, '2025-06-01', 7);
