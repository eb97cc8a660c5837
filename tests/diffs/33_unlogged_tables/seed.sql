INSERT INTO page_cache VALUES ('a', 'x');
INSERT INTO staging (raw) VALUES ('{}');
