insert into owners values (1), (2);
-- Vehicle 2's mileage is below zero: the check becomes enforced but need not be valid.
insert into vehicles values (1, 1, 10, 'A'), (2, 2, -5, 'B');
