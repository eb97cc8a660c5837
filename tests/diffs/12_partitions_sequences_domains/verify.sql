select count(*) = 2 from events
