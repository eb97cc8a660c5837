INSERT INTO cases VALUES (1, 'a', 'one');
INSERT INTO case_notes VALUES (1, 1);
INSERT INTO case_tags VALUES (1, 1, 'a');
