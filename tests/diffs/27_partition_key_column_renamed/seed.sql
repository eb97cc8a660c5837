insert into events values (1, '2026-03-01', 'de'), (2, '2026-04-01', 'us');
insert into codes values ('A', 'upper'), ('b', 'lower');
insert into slots values (1, 'x', '[2026-01-01,2026-01-02)');
