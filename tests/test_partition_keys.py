"""Partition keys as written and as PostgreSQL holds them: the ways of writing one key agree,
and what introspection reads back is what compile writes."""

from __future__ import annotations

from datetime import date

from schemac.pipeline import compile_text

TIMED = """\
version: 1
tables:
  readings:
    columns:
      id:       {type: bigint, not_null: true}
      taken_at: {type: timestamptz, not_null: true}
    primary_key: [id, taken_at]
    partition: {by: range, %s, interval: month, start: 2025-11, premake: 1}
    indexes:
      - {columns: [id, taken_at], unique: true}
conventions:
  partitions: {}
"""


def test_one_column_in_columns_is_column() -> None:
    """``columns: [at]`` is ``column: at``: interval, unique keys and the partitions convention included."""
    today = date(2026, 1, 15)
    short = compile_text(TIMED % "column: taken_at", today=today)
    listed = compile_text(TIMED % "columns: [taken_at]", today=today)
    assert listed.sql == short.sql
    assert "readings_2026_02" in short.sql
