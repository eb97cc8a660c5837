"""The first PostgreSQL major version with each feature schemac writes only when the server has it."""

from __future__ import annotations

NULLS_NOT_DISTINCT = 15
SECURITY_INVOKER_VIEWS = 15
PUBLICATION_COLUMN_LISTS = 15  # CREATE PUBLICATION ... FOR TABLE t (a, b)
PUBLICATION_ROW_FILTERS = 15  # CREATE PUBLICATION ... FOR TABLE t WHERE (...)
EXCLUSION_ON_PARTITIONED = 17  # an exclusion constraint on a partitioned table
NOT_VALID_FK_ON_PARTITIONED = 18  # ALTER TABLE <partitioned> ADD FOREIGN KEY ... NOT VALID
NOT_ENFORCED = 18  # CHECK and FOREIGN KEY ... NOT ENFORCED
VIRTUAL_GENERATED = 18  # GENERATED ALWAYS AS (...) VIRTUAL: computed when read, never stored
SET_EXPRESSION = 17  # ALTER COLUMN ... SET EXPRESSION: a generated column's expression changed in place
NAMED_NOT_NULL = 18  # NOT NULL constraints with names (pg_constraint rows of contype 'n')
