-- Run first in the reader's transaction: every pg_get_expr, format_type,
-- pg_get_viewdef and pg_get_constraintdef then prints names qualified the
-- same way (everything outside pg_catalog is schema-qualified), and literals
-- (dates and times in partition bounds and defaults, floats, bytea,
-- backslashes) the same way whatever the session's own settings are.
SET LOCAL search_path = pg_catalog;
SET LOCAL quote_all_identifiers = off;
SET LOCAL standard_conforming_strings = on;
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, YMD';
SET LOCAL IntervalStyle = 'postgres';
SET LOCAL extra_float_digits = 1;
SET LOCAL bytea_output = 'hex';
