SELECT (SELECT n FROM gains) = 5 AND (SELECT n FROM losses) = 1 AND nextval('legacy') = 41;
