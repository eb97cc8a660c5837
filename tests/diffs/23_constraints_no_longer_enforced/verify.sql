with bad as (insert into vehicles values (3, 42, -5) returning id) select count(*) = 1 from bad
