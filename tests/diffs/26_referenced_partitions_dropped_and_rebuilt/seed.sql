insert into events values (1, '2025-03-01', 'de'), (2, '2026-04-01', 'us'), (3, '2027-05-01', 'fr');
insert into notes values (10, 1, '2025-03-01', 'de');
