"""Partition keys as written and as PostgreSQL holds them: the ways of writing one key agree,
and what introspection reads back is what compile writes."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from schemac import live
from schemac.apply import Settings, apply
from schemac.diff.compare import same_schema
from schemac.importer import import_catalog
from schemac.pipeline import compile_text
from schemac.plan import HAZARDS

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


KEYS = """\
version: 1
tables:
  codes:
    columns:
      code:  {type: text, not_null: true}
      label: text
    partition:
      by: list
      columns: [{expression: lower(code)}]
      partitions:
        codes_a: {values: [a]}
  names:
    columns:
      name: {type: text, not_null: true}
      kind: {type: text, not_null: true}
    partition:
      by: range
      columns: [{column: name, collation: C}, {expression: lower(kind), opclass: pg_catalog.text_pattern_ops}]
      partitions:
        names_a_m: {from: [a, a], to: [m, a]}
  buckets:
    columns:
      id:   {type: bigint, not_null: true}
      code: {type: text, not_null: true}
    partition:
      by: hash
      column: id
      partitions:
        buckets_0:
          modulus: 2
          remainder: 0
          # Qualified in pg_catalog: written (and read back) as PostgreSQL prints it, unqualified.
          partition: {by: list, columns: [{column: code, collation: pg_catalog.C}], partitions: {buckets_0_x: {values: [x]}}}
        buckets_1: {modulus: 2, remainder: 1}
"""


def test_keys_are_read_as_compile_writes_them(tmp_path, database, pg_cluster) -> None:
    """A call is no parenthesised expression, a hash bound is written in capitals, and a key's
    collation and operator class are kept: the plan prints what compile prints, and converges."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(KEYS)
    compiled = compile_text(KEYS).sql
    goal = live.desired(str(spec), pg_cluster.url())
    plan = live.plan(live.current(database), goal)
    for text in (
        "PARTITION BY LIST (lower(code))",
        "WITH (MODULUS 2, REMAINDER 0)",
        'PARTITION BY RANGE (name COLLATE "C", lower(kind) text_pattern_ops)',
        'PARTITION BY LIST (code COLLATE "C")',
    ):
        assert text in compiled
        assert text in plan.sql()
    apply(database, plan, "", Settings(allowed_hazards=frozenset(HAZARDS)))
    with psycopg.connect(database) as conn:
        defs = dict(
            conn.execute(
                "select relname, pg_get_partkeydef(oid) from pg_class where relname in ('names', 'buckets_0')"
            ).fetchall()
        )
    assert defs == {
        "names": 'RANGE (name COLLATE "C", lower(kind) text_pattern_ops)',
        "buckets_0": 'LIST (code COLLATE "C")',
    }
    after = live.current(database)
    assert same_schema(after.catalog, goal.catalog)
    assert live.plan(after, goal).empty
    # The importer writes the key back as the spec does.
    imported = import_catalog(after.catalog, None).text
    assert (
        "{column: name, collation: C}" in imported
        and "{expression: lower(kind), opclass: text_pattern_ops}" in imported
    )


def test_a_changed_key_collation_rebuilds_the_table(tmp_path, database, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(KEYS)
    apply(
        database,
        live.plan(live.current(database), live.desired(str(spec), pg_cluster.url())),
        "",
        Settings(allowed_hazards=frozenset(HAZARDS)),
    )
    spec.write_text(KEYS.replace("{column: name, collation: C}", "name"))
    plan = live.plan(live.current(database), live.desired(str(spec), pg_cluster.url()))
    assert (
        [s.title for s in plan.steps][0]
        == 'rebuild table public.names: partition key range (name COLLATE "C", lower(kind) text_pattern_ops) -> '
        "range (name, lower(kind) text_pattern_ops); its rows are not kept"
    )


def test_an_exclusion_on_a_partitioned_table_takes_equality_written_out() -> None:
    """OPERATOR(pg_catalog.=) is '='; a key column missing from it is named as the unique keys name it."""
    spec = """\
version: 1
target: {postgres: 17}
extensions: [btree_gist]
tables:
  bookings:
    columns:
      room:   {type: text, not_null: true}
      during: {type: tstzrange, not_null: true}
    partition:
      by: list
      columns: [room]
      partitions: {bookings_a: {values: [a]}}
    exclude:
      - {name: no_overlap, columns: [{column: room, with: "OPERATOR(pg_catalog.=)"}, during with &&]}
"""
    assert "room WITH OPERATOR(pg_catalog.=)" in compile_text(spec).sql
    with pytest.raises(Exception, match="partitioned by 'room' must include 'room with ='"):
        compile_text(spec.replace('with: "OPERATOR(pg_catalog.=)"', 'with: "OPERATOR(pg_catalog.<>)"'))
