insert into teams values (1, 'a', null), (2, 'b', null);
insert into members values (1, 1, 1), (2, 1, 2);
