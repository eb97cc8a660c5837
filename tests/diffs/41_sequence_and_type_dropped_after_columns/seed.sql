INSERT INTO notes (feeling) VALUES ('happy');
