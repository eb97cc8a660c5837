insert into owners values (1);
-- The mileage of vehicle 2 is below zero: the new check below lets it stay.
insert into vehicles values (1, 1, 'A', 10), (2, null, 'B', -5);
