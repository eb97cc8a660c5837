insert into events values (1, '2026-03-01', 'de');
