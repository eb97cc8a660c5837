insert into vehicles values (1, 'ABCDEFGHJKLMNPRST');
