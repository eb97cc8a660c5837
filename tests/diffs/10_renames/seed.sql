insert into cars values (1, 'AB-123');
