select count(*) = 2 and min(created_at) is not null from vehicles
