select count(*) = 3 from bookings
