SELECT (SELECT body = 'kept' FROM notes) AND to_regclass('base') IS NULL
