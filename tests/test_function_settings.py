"""A function's or procedure's SET clauses (pg_proc.proconfig): every one is modelled, not only search_path.

PostgreSQL's parameter names are case-insensitive and it keeps its own in their canonical case
(``TimeZone``); a placeholder (``myapp.tenant``), a superuser's parameter and ``role`` may be set in a
function only by a role the scratch database's builder is not, so the goal is built there without them
and read back with them (scratch.without_settings)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner
from pglast import parse_sql

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.pipeline import compile_file
from schemac.plan import HAZARDS
from schemac.scratch import without_settings

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

SETTINGS = """
create role fn_settings_owner;
create function report() returns int language plpgsql
    set statement_timeout = '30s' set "TimeZone" = 'UTC' set work_mem = 64 set search_path = public, pg_temp
    as $$ begin return 1; end; $$;
create function tenant() returns text language sql
    set myapp.tenant = 'acme' set datestyle = iso, mdy set enable_seqscan = off set extra_float_digits = -2
    as 'select 1';
create function as_owner() returns int language sql set role = fn_settings_owner as 'select 1';
create procedure purge() language sql set temp_tablespaces = 'pg_default' set "myapp.Level" = 2.50 as 'select 1';
create function plain() returns int language sql as 'select 1';
"""


def _proconfig(url: str) -> dict[str, list[str] | None]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT proname, proconfig FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname"
        )
        return dict(rows.fetchall())


def _settings(url: str) -> dict[str, set[tuple[str, str]]]:
    """Each routine's settings as PostgreSQL compares them: in any order, names in any case."""
    return {
        name: {(n.lower(), v) for n, _, v in (item.partition("=") for item in config or ())}
        for name, config in _proconfig(url).items()
    }


def test_function_settings_import_back_exactly(tmp_path: Path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("drop role if exists fn_settings_owner")
        conn.execute(SETTINGS)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(main, ["import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    data = yaml.safe_load(spec.read_text())
    functions, procedures = data["functions"], data["procedures"]
    # Names as PostgreSQL compares them (lower case), values as it keeps them.
    assert functions["report"]["set"] == {"statement_timeout": "30s", "timezone": "UTC", "work_mem": "64"}
    assert functions["report"]["search_path"] == "public, pg_temp"
    assert functions["tenant"]["set"] == {
        "datestyle": "iso, mdy",
        "enable_seqscan": "off",
        "extra_float_digits": "-2",
        "myapp.tenant": "acme",
    }
    assert functions["as_owner"]["set"] == {"role": "fn_settings_owner"}
    assert procedures["purge"]["set"] == {"myapp.level": "2.50", "temp_tablespaces": "pg_default"}
    assert "set" not in functions["plain"]

    # Built from the spec, a database has the settings the source has, and no plan is left between them.
    target = databases()
    apply(target, live.plan(live.current(target), live.desired(str(spec), pg_cluster.url())), "", ALL)
    assert _settings(target) == _settings(source)
    remaining = live.plan(live.current(target), live.desired(source))
    assert remaining.empty, remaining.sql()


def test_settings_dropped_and_changed_are_seen_by_a_plan(tmp_path: Path, database, pg_cluster) -> None:
    """The loss this models: a database whose functions gain, lose or change a setting is not said to match."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "functions:\n"
        "  report:\n"
        "    returns: integer\n"
        "    set: {statement_timeout: 30s, myapp.tenant: acme}\n"
        "    body: select 1\n"
    )
    goal = live.desired(str(spec), pg_cluster.url())
    apply(database, live.plan(live.current(database), goal), "", ALL)
    assert live.plan(live.current(database), goal).empty
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("alter function report() reset statement_timeout")
        conn.execute("alter function report() set myapp.tenant = 'other'")
        conn.execute("alter function report() set work_mem = '1MB'")
    drift = live.plan(live.current(database), goal)
    assert [step.sql for step in drift.steps] == [
        "ALTER FUNCTION public.report() SET myapp.tenant = 'acme' SET statement_timeout = '30s' RESET work_mem;"
    ]
    apply(database, drift, "", ALL)
    assert _proconfig(database)["report"] == ["myapp.tenant=acme", "statement_timeout=30s"]


def test_an_sql_file_goal_keeps_the_settings_its_builder_may_not_set(tmp_path: Path, database, pg_cluster) -> None:
    goal_sql = tmp_path / "goal.sql"
    goal_sql.write_text(
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
        "    SET myapp.tenant TO 'acme' SET TIME ZONE 'UTC' SET lock_timeout = DEFAULT AS 'select 1';\n"
    )
    goal = live.desired(str(goal_sql), pg_cluster.url())
    (function,) = goal.catalog.functions
    assert function.settings == (("myapp.tenant", "acme"), ("timezone", "UTC"))
    apply(database, live.plan(live.current(database), goal), "", ALL)
    assert _proconfig(database)["f"] == ["myapp.tenant=acme", "TimeZone=UTC"]
    assert live.plan(live.current(database), goal).empty


def test_without_settings_leaves_out_each_clause_but_search_path() -> None:
    script = (
        "CREATE FUNCTION s.f() RETURNS int LANGUAGE sql SET w.x = -5, 'a' SET search_path = public\n"
        "SET z.q TO DEFAULT SET lock_timeout FROM CURRENT SET temp_tablespaces = 'a', 'B c' AS 'select 1';\n"
        "CREATE PROCEDURE p() LANGUAGE sql AS $$ update t set a = 1 $$;\n"
        "UPDATE t SET a = 1;\n"
    )
    built, settings = without_settings(script)
    assert settings == {("s", "f"): (("temp_tablespaces", 'a, "B c"'), ("w.x", "-5, a"))}
    # FROM CURRENT takes the server's value: it stays for the server to read.
    assert "SET search_path = public" in built and "FROM CURRENT" in built
    assert "w.x" not in built and "z.q" not in built and "temp_tablespaces" not in built
    assert "update t set a = 1" in built and "UPDATE t SET a = 1" in built
    parse_sql(built)


@pytest.mark.parametrize("value", ["off", "30s", "it's", "iso, mdy", ""])
def test_a_rendered_setting_parses_back(tmp_path: Path, value: str) -> None:
    spec = tmp_path / "schema.yaml"
    quoted = "'" + value.replace("'", "''") + "'"
    spec.write_text(
        "version: 1\nfunctions:\n  f:\n    returns: integer\n"
        f"    set: {{myapp.x: {quoted}, temp_tablespaces: 'ts, Other'}}\n    body: select 1\n"
    )
    compiled = compile_file(spec)
    (function,) = compiled.catalog.functions
    assert function.settings == (("myapp.x", value), ("temp_tablespaces", 'ts, "Other"'))
    parse_sql(compiled.sql)


def test_a_value_postgres_refuses_is_reported_by_plan(tmp_path: Path, database, pg_cluster) -> None:
    """A parameter any role may set is built as written on the scratch database, so PostgreSQL checks its
    value before a plan is shown (a placeholder's is checked when the plan runs)."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\nfunctions:\n  f:\n    returns: integer\n    set: {statement_timeout: banana}\n    body: select 1\n"
    )
    result = CliRunner().invoke(main, ["plan", "--to", str(spec), "--db", database, "--dev-db", pg_cluster.url()])
    assert result.exit_code == 2, result.output
    assert 'invalid value for parameter "statement_timeout": "banana"' in result.output
