SELECT (SELECT happened FROM events) = '1970-01-02 00:00:00+00'::timestamptz;
