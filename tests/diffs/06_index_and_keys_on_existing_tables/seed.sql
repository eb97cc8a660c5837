insert into owners values (1);
insert into vehicles values (1, 1, 'A');
