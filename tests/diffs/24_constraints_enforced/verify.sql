select count(*) = 2 from vehicles
