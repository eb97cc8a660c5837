INSERT INTO people (name, age, note) VALUES ('ann', 41, 'x');
INSERT INTO leaving VALUES ('bob', 7, 'y');
