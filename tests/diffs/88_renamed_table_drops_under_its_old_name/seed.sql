insert into owners values (1);
insert into cars values (7, 1, 1, null);
