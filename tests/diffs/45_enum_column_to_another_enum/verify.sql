SELECT (SELECT status::text || label::text FROM tasks) = 'closedopen';
