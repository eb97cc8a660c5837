"""What a database holds that schemac does not manage (ordered-set aggregates, collations, text search
configurations, ...): a plan says so once, in one note, `--format json` and `check --db` list every
one with the reason, and nothing of it is ever touched."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import main
from schemac.supabase import install_standin, roles_sql

HELD = """
create table public.things (id bigint primary key, name text);
create aggregate public.total (integer) (sfunc = int4pl, stype = integer, finalfunc_modify = read_write);
create collation public.plain (provider = libc, locale = 'C');
create text search configuration public.english_plain (copy = pg_catalog.simple);
create text search dictionary public.plain_words (template = pg_catalog.simple);
"""

SPEC = """\
version: 1
tables:
  things:
    ignore: {rls-disabled: read by the server only}
    columns:
      id: {type: bigint, primary_key: true}
      name: text
"""

NOTE = "note: the database holds 4 objects schemac does not manage, left as they are: "


@pytest.fixture
def held(databases) -> str:
    url = databases()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(HELD)
    return url


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_plan_names_what_it_leaves_alone_once(tmp_path: Path, held: str, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    dev = ("--dev-db", pg_cluster.url())
    planned = run("plan", "--db", held, "--to", str(spec), *dev)
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith("No changes: the database matches.\n"), planned.output
    notes = [line for line in planned.output.splitlines() if line.startswith("note:")]
    assert notes == [
        NOTE + "aggregate public.total(integer), collation public.plain, text search configuration "
        "public.english_plain and 1 more (`schemac check --db` and `--format json` list each with the reason)"
    ]
    as_json = json.loads(run("plan", "--db", held, "--to", str(spec), "--format", "json", *dev).output)
    assert as_json["steps"] == [] and as_json["notes"] == [notes[0].removeprefix("note: ")]
    assert [(o["kind"], o["name"]) for o in as_json["unmanaged"]] == [
        ("aggregate", "public.total(integer)"),
        ("collation", "public.plain"),
        ("text search configuration", "public.english_plain"),
        ("text search dictionary", "public.plain_words"),
    ]
    assert all(
        o["reason"].startswith(("the spec has no ", "the spec's aggregates have no ")) for o in as_json["unmanaged"]
    )
    # Nothing of it is touched by apply, which says it once too.
    spec.write_text(SPEC.replace("      name: text\n", "      name: text\n      note: text\n"))
    applied = run("apply", "--db", held, "--to", str(spec), "--yes", *dev)
    assert applied.exit_code == 0, applied.output
    assert applied.output.count("schemac does not manage") == 1, applied.output
    with psycopg.connect(held) as conn:
        kept = conn.execute(
            "select (select count(*) from pg_aggregate where aggfnoid = 'public.total(integer)'::regprocedure)"
            " + (select count(*) from pg_collation where collname = 'plain')"
            " + (select count(*) from pg_ts_config where cfgname = 'english_plain')"
            " + (select count(*) from pg_ts_dict where dictname = 'plain_words')"
        ).fetchone()[0]
    assert kept == 4


def test_check_db_lists_what_it_does_not_manage_and_still_passes(tmp_path: Path, held: str, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "generated"
    assert run("build", "--spec", str(spec), "--out", str(out)).exit_code == 0
    checked = run("check", "--spec", str(spec), "--out", str(out), "--db", held, "--dev-db", pg_cluster.url())
    assert checked.exit_code == 0, checked.output
    assert "not managed by schemac, left as they are (4):\n" in checked.output
    assert (
        "  aggregate public.total(integer): the spec's aggregates have no MFINALFUNC, MFINALFUNC_EXTRA, or "
        "FINALFUNC_MODIFY other than the default (READ_ONLY, and READ_WRITE for an ordered-set aggregate)\n"
        in checked.output
    )
    assert "  text search dictionary public.plain_words: the spec has no text search dictionaries\n" in checked.output
    assert "the database matches the spec" in checked.output


def test_a_plan_to_a_database_or_sql_file_names_what_the_goal_holds_once(
    tmp_path: Path, held: str, databases, pg_cluster
) -> None:
    # The start holds one of the goal's unmanaged objects too: it is named once, as the start's.
    start = databases()
    with psycopg.connect(start, autocommit=True) as conn:
        conn.execute("create collation public.plain (provider = libc, locale = 'C')")
    dev = ("--dev-db", pg_cluster.url())
    sql_goal = tmp_path / "goal.sql"
    sql_goal.write_text(HELD)
    for goal in (held, str(sql_goal)):
        planned = run("plan", "--from", start, "--to", goal, *dev)
        assert planned.exit_code == 0, planned.output
        notes = [line for line in planned.output.splitlines() if line.startswith("note:")]
        assert notes == [
            "note: the database holds 1 object schemac does not manage, left as they are: collation public.plain "
            "(`schemac check --db` and `--format json` list each with the reason)",
            "note: the goal holds 3 objects schemac does not manage, which this plan does not make: "
            "aggregate public.total(integer), text search configuration public.english_plain, "
            "text search dictionary public.plain_words "
            "(`schemac check --db` and `--format json` list each with the reason)",
        ], planned.output
        assert "create table public.things" in planned.output
        as_json = json.loads(run("plan", "--from", start, "--to", goal, "--format", "json", *dev).output)
        assert [o["name"] for o in as_json["unmanaged"]] == ["public.plain"]
        assert [o["kind"] for o in as_json["goal_unmanaged"]] == [
            "aggregate",
            "text search configuration",
            "text search dictionary",
        ]


def test_privileges_a_project_takes_from_the_api_roles_on_the_platforms_objects_are_named(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    # makerkit's migration: the platform's storage schema closed to anon. The spec leaves the platform's
    # privileges to it: import and plan name the change instead of calling the round trip exact.
    with psycopg.connect(database, autocommit=True) as conn:
        install_standin(conn)
        conn.execute(
            "revoke all on schema storage from anon; revoke all on table storage.objects from anon;"
            "revoke select on table storage.buckets from authenticated;"
            # anon holds nothing on the database of its own (PUBLIC does): this changes nothing
            f"revoke all on database {conn.info.dbname} from anon;"
            f"grant connect on database {conn.info.dbname} to authenticated"
        )
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", database, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    assert (
        "  platform privileges schema storage: anon holds nothing here (the platform grants USAGE); the spec "
        "leaves the privileges of the platform's objects to it, so a database built from the spec has the "
        "platform's; a plan leaves it alone\n" in imported.output
    ), imported.output
    assert "  platform privileges table storage.buckets: authenticated holds DELETE, INSERT, " in imported.output
    assert "  platform privileges table storage.objects: anon holds nothing here" in imported.output
    assert "  database privileges " in imported.output and "authenticated=c/" in imported.output
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev)
    as_json = json.loads(planned.output)
    assert as_json["steps"] == []
    assert [o["name"] for o in as_json["unmanaged"] if "privileges" in o["kind"]][1:] == [
        "schema storage",
        "table storage.buckets",
        "table storage.objects",
    ]


def test_a_plain_database_with_a_schema_called_extensions_has_no_platform_privileges(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(roles_sql())
        conn.execute("create schema extensions")
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\n")
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
    assert json.loads(planned.output).get("unmanaged") is None, planned.output
