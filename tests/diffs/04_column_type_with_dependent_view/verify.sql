select count(*) = 1 from short_vins
