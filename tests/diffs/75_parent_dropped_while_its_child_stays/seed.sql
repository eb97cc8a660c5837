INSERT INTO notes (id, kind, body) VALUES (1, 'memo', 'kept');
