-- Run first in the reader's transaction: every pg_get_expr, format_type,
-- pg_get_viewdef and pg_get_constraintdef then prints names qualified the
-- same way (everything outside pg_catalog is schema-qualified), and literals
-- (dates and times in partition bounds and defaults, floats, bytea,
-- backslashes) the same way whatever the session's own settings are.
-- JIT off: these are catalog queries that never run long enough to repay
-- compiling them, and a server with LLVM (Debian's, and most others) would
-- otherwise spend about 0.3 s compiling the constraints query alone on a
-- schema of a few hundred tables.
SET LOCAL search_path = pg_catalog;
SET LOCAL quote_all_identifiers = off;
SET LOCAL standard_conforming_strings = on;
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, YMD';
SET LOCAL IntervalStyle = 'postgres';
SET LOCAL extra_float_digits = 1;
SET LOCAL bytea_output = 'hex';
SET LOCAL jit = off;
