insert into owners values (1), (2);
insert into vehicles values (1, 1, 10), (2, 2, 20);
