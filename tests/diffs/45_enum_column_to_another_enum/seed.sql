INSERT INTO tasks VALUES ('closed', 'open');
