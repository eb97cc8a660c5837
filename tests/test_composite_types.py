"""Composite types (CREATE TYPE ... AS (...)): imported, planned and converged on a real PostgreSQL."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.diff import Renames, compare
from schemac.pipeline import compile_text
from schemac.plan import HAZARDS, PlanError, make_plan

ALL = Settings(allowed_hazards=frozenset(HAZARDS))


def _load(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute(sql)


def _import(url: str, spec, dev_db: str):
    result = CliRunner().invoke(main, ["import", "--db", url, "--out", str(spec), "--dev-db", dev_db])
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output, result.output
    return yaml.safe_load(spec.read_text())


def test_a_table_with_a_column_of_a_composite_type_imports_exactly(tmp_path, database, pg_cluster) -> None:
    # Before, the type was named as not managed, the table refused with it, and a plan to the spec dropped it.
    _load(database, "create type r as (a int); create table h (id bigint primary key, x r);")
    data = _import(database, tmp_path / "schema.yaml", pg_cluster.url())
    assert data["composite_types"] == {"r": {"attributes": {"a": "integer"}}}
    assert data["tables"]["h"]["columns"]["x"] == "r"
    migration = live.plan(live.current(database), live.desired(str(tmp_path / "schema.yaml"), pg_cluster.url()))
    assert migration.empty, migration.sql()


RICH = """
create schema geo;
create type status_type as enum ('active', 'inactive');
-- Taken from PUBLIC, and so from everyone: before, import lost this (of an enum's too).
revoke usage on type status_type from public;
create domain latitude as double precision check (value between -90 and 90);
create type geo."Coordinates" as (lat latitude, lon double precision, "Label" text collate "C");
create type record_type as (id integer, status status_type, place geo."Coordinates", tags text[], empty_after int);
alter type record_type drop attribute empty_after;
create type nothing_inside as ();
create type "odd type, too" as ("Left Side" geo."Coordinates"[], "x,y" text);
revoke usage on type record_type from public;
comment on type record_type is 'A record? Yes: one.';
create table items (id bigint primary key, r record_type, rs record_type[], o "odd type, too");
create function place_of(p record_type) returns geo."Coordinates" language sql as $$ select (p).place $$;
"""


def test_composite_types_round_trip_with_collations_privileges_comments_and_quoted_names(
    tmp_path, database, pg_cluster
) -> None:
    _load(database, RICH)
    data = _import(database, tmp_path / "schema.yaml", pg_cluster.url())
    types = data["composite_types"]
    # A dropped attribute is gone; the others keep their order.
    assert types["record_type"]["attributes"] == {
        "id": "integer",
        "status": "status_type",
        "place": 'geo."Coordinates"',
        "tags": "text[]",
    }
    assert types["record_type"]["comment"] == "A record? Yes: one."
    assert types["record_type"]["revokes"] == [{"from": "public", "privileges": "usage"}]
    assert data["enums"]["status_type"]["revokes"] == [{"from": "public", "privileges": "usage"}]
    assert types["geo.Coordinates"]["attributes"]["Label"] == {"type": "text", "collation": "C"}
    assert types["nothing_inside"] == {"attributes": {}}
    assert types["odd type, too"] == {"attributes": {"Left Side": 'geo."Coordinates"[]', "x,y": "text"}}
    migration = live.plan(live.current(database), live.desired(str(tmp_path / "schema.yaml"), pg_cluster.url()))
    assert migration.empty, migration.sql()
    # Built from the spec on an empty database, it reads back as the source.
    rebuilt = pg_cluster.create_database(f"rebuilt_{abs(hash(str(tmp_path))) % 10**8}")
    try:
        goal = live.desired(str(tmp_path / "schema.yaml"), pg_cluster.url())
        apply(rebuilt, live.plan(live.current(rebuilt), goal), "", ALL)
        assert live.plan(live.current(rebuilt), live.desired(database)).empty
    finally:
        pg_cluster.drop_database(rebuilt.split("/")[-1].split("?")[0])


PAIRS = """
version: 1
composite_types:
  pair:
    attributes: {a: TYPE}
tables:
  t:
    columns:
      id: {type: bigint, primary_key: true}
      ps: {type: "pair[]"USING}
"""


def _plan(before: str, after: str):
    today = date(2026, 12, 8)
    current = compile_text(before, "from.yaml", today).catalog
    desired = compile_text(after, "to.yaml", today).catalog
    return make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))


def test_an_array_of_a_type_remade_under_it_needs_using() -> None:
    before = PAIRS.replace("TYPE", "integer").replace("USING", "")
    after = PAIRS.replace("TYPE", "bigint")
    with pytest.raises(PlanError) as refused:
        _plan(before, after.replace("USING", ""))
    message = str(refused.value)
    assert "column public.t.ps (public.pair[]) holds the composite type public.pair" in message
    assert "give the column a 'using:'" in message
    using = ', using: "ARRAY[]::public.pair[]"'
    plan = _plan(before, after.replace("USING", using))
    assert "ALTER TABLE public.t ALTER COLUMN ps TYPE public.pair[] USING ARRAY[]::public.pair[];" in plan.sql()


def test_a_type_remade_under_an_array_column_converges_with_using(database, pg_cluster, tmp_path) -> None:
    before = PAIRS.replace("TYPE", "integer").replace("USING", "")
    # The text form of the values reads back as the new type's: the attributes keep their order.
    after = PAIRS.replace("TYPE", "bigint").replace("USING", ', using: "ps::text::public.pair[]"')
    (tmp_path / "from.yaml").write_text(before)
    (tmp_path / "to.yaml").write_text(after)
    for spec in ("from.yaml", "to.yaml"):
        goal = live.desired(str(tmp_path / spec), pg_cluster.url())
        apply(database, live.plan(live.current(database), goal), "", ALL)
        if spec == "from.yaml":
            _load(database, "insert into t values (1, array[row(7)::pair, null]), (2, null)")
    assert live.plan(live.current(database), goal).empty
    with psycopg.connect(database) as conn:
        rows = conn.execute("select id, ps::text, pg_typeof((ps[1]).a)::text from t order by id").fetchall()
    assert rows == [(1, "{(7),NULL}", "bigint"), (2, None, "bigint")]


def test_a_type_held_through_a_domain_is_not_remade_under_its_columns() -> None:
    spec = """
version: 1
composite_types:
  pair:
    attributes: {a: TYPE}
domains:
  checked_pair:
    type: pair
    check: (VALUE).a > 0
tables:
  t:
    columns:
      id: {type: bigint, primary_key: true}
      p: checked_pair
"""
    with pytest.raises(PlanError) as refused:
        _plan(spec.replace("TYPE", "integer"), spec.replace("TYPE", "bigint"))
    assert "column public.t.p (public.checked_pair) holds the composite type public.pair" in str(refused.value)
    assert "through a domain or another composite type" in str(refused.value)
