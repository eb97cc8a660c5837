select count(*) = 4 from bookings
