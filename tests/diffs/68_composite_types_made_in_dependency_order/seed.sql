INSERT INTO shipments VALUES (1, ROW(1));
