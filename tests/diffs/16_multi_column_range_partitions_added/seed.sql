insert into readings values (1, '2026-05-01', 1.5);
