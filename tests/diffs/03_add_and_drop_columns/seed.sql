insert into vehicles (id, vin, make) values (1, 'A', 'Volvo'), (2, 'B', 'Saab');
