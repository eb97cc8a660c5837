INSERT INTO parcels VALUES (1, ROW(2.5, 'kg', 'fragile')), (2, NULL);
