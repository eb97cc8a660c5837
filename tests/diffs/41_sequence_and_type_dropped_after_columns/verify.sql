SELECT (SELECT feeling FROM notes) = 'happy';
