select count(*) = 2 from members
