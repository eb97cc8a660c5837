"""Typed tables (``of:``, CREATE TABLE ... OF type) on real PostgreSQL: imported with their type and the options
their columns have of their own, built again exactly, and changed by a plan with their type (ALTER TYPE ...
CASCADE), made typed (OF) and untyped (NOT OF) in place with their rows. Invalid specs: 342."""

from __future__ import annotations

from pathlib import Path

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.plan import HAZARDS

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

SOURCE = """
create type person as (name text, age int, note text collate "C");
create table people of person (primary key (name), age with options default 0 not null);
create table bare of person;
create table later (name text, age int, note text collate "C");
insert into people values ('ann', 41, 'x');
"""

GOAL = """
create type person as (name text, age bigint, note text collate "C", email text);
create table people of person (primary key (name), age with options default 0 not null,
                               email with options default 'none');
create table bare (name text, age int, note text collate "C");
create table later of person;
"""


def _shape(url: str) -> list[tuple]:
    """Each table's type (OF), and each column's type, collation, NOT NULL and default."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT c.relname, c.reloftype::regtype::text, a.attname, format_type(a.atttypid, a.atttypmod),"
            "       a.attcollation::regcollation::text, a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
            "  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            "  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1, a.attnum"
        ).fetchall()


def test_typed_tables_import_and_are_built_again_exactly(tmp_path: Path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output and "not imported" not in result.output, result.output
    tables = yaml.safe_load(spec.read_text())["tables"]
    assert tables["bare"] == {"of": "person"}
    assert tables["people"]["of"] == "person"
    # Only what the table gives its type's columns: its key and NOT NULL, a default.
    assert tables["people"]["columns"] == {
        "name": {"type": "text", "primary_key": True},
        "age": {"type": "integer", "not_null": True, "default": "0"},
    }
    rebuilt = databases()
    assert (
        CliRunner()
        .invoke(main, ["apply", "--db", rebuilt, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url()])
        .exit_code
        == 0
    )
    assert _shape(rebuilt) == _shape(source)


def test_typed_tables_change_with_their_type_and_join_and_leave_it(tmp_path: Path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    goal = tmp_path / "goal.sql"
    goal.write_text(GOAL)
    migration = live.plan(live.current(source), live.desired(str(goal), pg_cluster.url()))
    sql = migration.sql()
    # bare leaves the type before the type changes; the type's changes reach people; later joins it last.
    assert sql.index("ALTER TABLE public.bare NOT OF") < sql.index("ALTER TYPE public.person ALTER ATTRIBUTE age")
    assert "ALTER TYPE public.person ADD ATTRIBUTE email text CASCADE;" in sql
    assert sql.index("ALTER TABLE public.later ADD COLUMN email text") < sql.index("ALTER TABLE public.later OF")
    assert "ALTER TABLE public.people ALTER COLUMN email SET DEFAULT 'none'::text" in sql
    retyped = next(s for s in migration.steps if "ALTER ATTRIBUTE age" in s.sql)
    assert {"table-rewrite", "long-lock"} <= set(retyped.hazards)
    apply(source, migration, "", ALL)
    assert live.plan(live.current(source), live.desired(str(goal), pg_cluster.url())).empty
    with psycopg.connect(source) as conn:
        assert conn.execute("SELECT name, age, note, email FROM people").fetchall() == [("ann", 41, "x", None)]
        assert conn.execute("SELECT pg_typeof(age)::text FROM people").fetchone() == ("bigint",)


def test_dropping_an_attribute_of_a_typed_tables_type_loses_its_column(tmp_path: Path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    goal = tmp_path / "goal.sql"
    goal.write_text(
        SOURCE.split("insert")[0].replace(', note text collate "C");\ncreate table people', ");\ncreate table people")
    )
    migration = live.plan(live.current(source), live.desired(str(goal), pg_cluster.url()))
    (step,) = [s for s in migration.steps if "DROP ATTRIBUTE" in s.sql]
    assert step.sql.strip() == "ALTER TYPE public.person DROP ATTRIBUTE note CASCADE;"
    assert "data-loss" in step.hazards
