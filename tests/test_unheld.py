"""What the spec cannot write because of a type it has no name for (a range or base type made by
CREATE TYPE, and whatever uses one: a domain over it, a table with a column of it, a key, view,
function, trigger or policy that depends on such a table or type) is named as not managed by the
database's read, so that `import` names it and every plan to a spec, the imported one included,
leaves it alone instead of dropping it."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import main
from schemac.supabase import install_standin

HELD = """
create type public.span as range (subtype = float8);
create domain public.window_span as public.span;
create table public.readings (id bigint primary key, during public.span);
create table public.forecasts (id bigint primary key, during public.window_span);
create table public.notes (id bigint primary key, reading_id bigint references public.readings);
create view public.recent as select id from public.readings;
create function public.width(s public.span) returns float8 language sql as 'select upper(s) - lower(s)';
create policy notes_read on public.notes using (exists (select from public.readings));
"""

LEFT_ALONE = [
    ("domain", "public.window_span"),
    ("foreign key", "notes_reading_id_fkey on public.notes"),
    ("function", "public.width(public.span)"),
    ("policy", "notes_read on public.notes"),
    ("range type", "public.span"),
    ("table", "public.forecasts"),
    ("table", "public.readings"),
    ("view", "public.recent"),
]

# A spec written by hand that manages notes only.
SPEC = """\
version: 1
tables:
  notes:
    ignore: {rls-disabled: read by the server only}
    columns:
      id: {type: bigint, primary_key: true}
      reading_id: bigint
"""


@pytest.fixture
def held(databases) -> str:
    url = databases()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(HELD)
    return url


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def still_there(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select (select count(*) from pg_class where relnamespace = 'public'::regnamespace"
            "        and relname in ('readings', 'forecasts', 'recent'))"
            " + (select count(*) from pg_constraint where conname = 'notes_reading_id_fkey')"
            " + (select count(*) from pg_policy where polname = 'notes_read')"
            " + (select count(*) from pg_proc where oid = 'public.width(public.span)'::regprocedure)"
        ).fetchone()[0]


def test_import_names_what_uses_an_unwritable_type_and_a_plan_to_it_leaves_that_alone(
    tmp_path: Path, held: str, pg_cluster
) -> None:
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", held, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    for kind, name in LEFT_ALONE:
        assert f"  {kind} {name}: " in imported.output, (kind, name, imported.output)
    assert "  table public.readings: it depends on public.span, a type the spec cannot write;" in imported.output
    assert "readings" not in spec.read_text().split("version: 1", 1)[1]
    planned = run("plan", "--db", held, "--to", str(spec), "--format", "json", *dev)
    assert planned.exit_code == 0, planned.output
    as_json = json.loads(planned.output)
    assert as_json["steps"] == []
    assert sorted((o["kind"], o["name"]) for o in as_json["unmanaged"]) == LEFT_ALONE


def test_a_plan_to_a_spec_without_them_never_drops_them(tmp_path: Path, held: str, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    dev = ("--dev-db", pg_cluster.url())
    planned = run("plan", "--db", held, "--to", str(spec), *dev)
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith("No changes: the database matches.\n"), planned.output
    assert "note: the database holds 8 objects schemac does not manage" in planned.output
    applied = run("apply", "--db", held, "--to", str(spec), "--yes", "--allow-hazards", "all", *dev)
    assert applied.exit_code == 0, applied.output
    assert still_there(held) == 6


CALLS = """
create table public.profiles (id bigint primary key, name text, updated_at timestamptz);
create function public.length_of(text) returns integer language internal immutable strict as 'textlen';
create function public.no_dupes() returns trigger language internal as 'suppress_redundant_updates_trigger';
create trigger no_dupes before update on public.profiles for each row execute function public.no_dupes();
"""


def test_a_function_in_another_language_and_a_trigger_calling_it_are_left_alone(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    # The spec writes sql and plpgsql functions: import left the others out, and a plan to its spec dropped
    # them, and the trigger that calls one.
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(CALLS)
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", database, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    assert "  function public.length_of(text): it is written in internal; the spec's functions are written in " in (
        imported.output
    )
    assert (
        "  trigger no_dupes on public.profiles: it calls public.no_dupes(), which schemac does not manage (one of "
        "a schema not read, or one the spec cannot write); a plan leaves it alone\n" in imported.output
    )
    planned = run("plan", "--db", database, "--to", str(spec), *dev)
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith("No changes: the database matches.\n"), planned.output


OVERLOADED = """
create function public.add_one(x integer) returns integer language sql immutable as $$ select x + 1 $$;
create function public.add_one(x bigint) returns bigint language sql immutable as $$ select x + 1 $$;
"""


def test_of_overloaded_routines_a_plan_manages_the_one_the_spec_holds_and_leaves_the_others_alone(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(OVERLOADED)
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    # The spec holds add_one(integer), changed: that one is replaced, add_one(bigint) left alone.
    spec.write_text(
        "version: 1\nfunctions:\n  add_one:\n    args: [x integer]\n    returns: integer\n"
        "    volatility: immutable\n    body: select x + 2\n    grants: [{to: public, privileges: execute}]\n"
    )
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev)
    as_json = json.loads(planned.output)
    assert [s["title"] for s in as_json["steps"]] == ["replace function public.add_one(integer)"], planned.output
    assert [(o["name"], o["reason"]) for o in as_json["unmanaged"]] == [
        (
            "public.add_one(bigint)",
            "it shares its name with public.add_one(integer), which the spec holds: it holds one routine of a name",
        )
    ]
    # Imported, the spec holds the first; a plan to it is empty.
    imported = run("import", "--db", database, "--out", str(tmp_path / "imported.yaml"), *dev)
    assert imported.exit_code == 0, imported.output
    planned = run("plan", "--db", database, "--to", str(tmp_path / "imported.yaml"), *dev)
    assert planned.output.startswith("No changes: the database matches.\n"), planned.output


def test_a_plan_to_another_database_compares_them_like_the_rest(databases, pg_cluster) -> None:
    start, goal = databases(), databases()
    with psycopg.connect(goal, autocommit=True) as conn:
        conn.execute(HELD + CALLS)
    planned = run("plan", "--from", start, "--to", goal, "--format", "json", "--dev-db", pg_cluster.url())
    titles = [s["title"] for s in json.loads(planned.output)["steps"]]
    for made in (
        "create table public.readings",
        "create view public.recent",
        "create trigger no_dupes on public.profiles",
    ):
        assert made in titles, (made, titles)


def test_a_foreign_key_to_a_platform_table_the_spec_cannot_name_is_left_alone(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    # A Supabase project's files point at storage.buckets: import left the key out, and a plan dropped it.
    with psycopg.connect(database, autocommit=True) as conn:
        install_standin(conn)
        conn.execute("create table public.avatars (id bigint primary key, bucket_id text references storage.buckets)")
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", database, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    assert "  foreign key avatars_bucket_id_fkey on public.avatars: it references storage.buckets, " in imported.output
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev)
    assert json.loads(planned.output)["steps"] == [], planned.output


def test_of_indexes_alike_a_plan_to_a_spec_keeps_the_one_it_holds_and_leaves_the_other_alone(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    # The spec refuses two indexes alike: import left the second out, and a plan to its spec dropped it.
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(
            "create table public.artists (id bigint primary key, name text);"
            "create index artists_name_a on public.artists (name); create index artists_name_b on public.artists (name)"
        )
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", database, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    assert "  index artists_name_b on public.artists: it is on the same keys, " in imported.output
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev)
    assert json.loads(planned.output)["steps"] == [], planned.output
    # A spec that holds the second: the first is the one left alone.
    spec.write_text(
        "version: 1\ntables:\n  artists:\n    ignore: {rls-disabled: server only}\n    columns:\n"
        "      id: {type: bigint, primary_key: true}\n      name: text\n"
        "    indexes:\n      - {columns: [name], name: artists_name_b}\n"
    )
    as_json = json.loads(run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev).output)
    assert as_json["steps"] == [] and [o["name"] for o in as_json["unmanaged"]] == ["artists_name_a on public.artists"]


STANDARD_BODIES = """
create table public.counted (id bigint primary key);
create function public.add_one(x int) returns int language sql immutable return x + 1;
create function public.how_many() returns bigint language sql stable begin atomic select count(*) from public.counted; end;
"""


def test_functions_with_sql_standard_bodies_are_named_and_left_alone(tmp_path: Path, databases, pg_cluster) -> None:
    """The spec holds a body as text; import left these out, and a plan to the imported spec dropped them."""
    url = databases()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(STANDARD_BODIES)
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", url, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    for name in ("public.add_one(integer)", "public.how_many()"):
        assert f"  function {name}: it has an SQL-standard body" in imported.output, imported.output
    planned = run("plan", "--db", url, "--to", str(spec), "--format", "json", *dev)
    assert planned.exit_code == 0, planned.output
    as_json = json.loads(planned.output)
    assert as_json["steps"] == []
    assert {("function", "public.add_one(integer)"), ("function", "public.how_many()")} <= {
        (o["kind"], o["name"]) for o in as_json["unmanaged"]
    }
