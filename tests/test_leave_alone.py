"""The spec's leave_alone: what it names, a plan to the spec neither creates, alters nor drops, on either
side; import lists there what it left out whole, so that a plan from the source to the imported spec leaves
those objects alone instead of dropping them; an entry that names nothing warns; build ignores the list."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import main
from schemac.diff.unheld import listed
from schemac.pipeline import compile_text
from schemac.catalog import kinds
from schemac.spec.leave_alone import KINDS, entry_for


def run(*args: str):
    return CliRunner().invoke(main, list(args))


NAMED = """\
version: 1
schemas: [private]
tables:
  notes:
    columns:
      id: {type: bigint, primary_key: true}
    indexes:
      - {columns: [id], name: "Notes by id"}
    rls: true
    policies:
      "Users can read": {command: select, using: "true"}
  audit_2023:
    columns:
      id: bigint
  audit_log:
    columns:
      id: bigint
functions:
  private.legacy_fn:
    args: [x integer]
    returns: integer
    body: select x
  private.other_fn:
    args: [x text, y character varying]
    returns: text
    body: select x
"""


@pytest.mark.parametrize(
    ("entry", "names"),
    [
        ("function private.legacy_fn(integer)", ["private.legacy_fn(integer)"]),
        ("function private.legacy_fn(bigint)", []),
        ("function private.*", ["private.legacy_fn(integer)", "private.other_fn(text, character varying)"]),
        ("function private.other_fn(TEXT,character  varying)", ["private.other_fn(text, character varying)"]),
        ("table public.audit_*", ["public.audit_2023", "public.audit_log"]),
        ("table audit_2023", ["public.audit_2023"]),
        ('table "audit_*"', []),
        ("table public.Notes", []),
        ('policy "Users can read" on public.notes', ["Users can read on public.notes"]),
        ('policy "Users can *" on notes', []),
        ("policy Users* on notes", ["Users can read on public.notes"]),
        ('index "Notes by id" on public.notes', ["Notes by id on public.notes"]),
        ("view public.audit_*", []),
    ],
)
def test_an_entry_names_what_it_says(entry: str, names: list[str]) -> None:
    catalog = compile_text(NAMED, "schema.yaml").catalog
    found = listed(catalog, [entry])
    assert _names(catalog, found) == names


def _names(catalog, found: dict) -> list[str]:
    return sorted(
        kind.name(obj)
        for kind in kinds.KINDS
        for obj in getattr(catalog, kind.slot)
        if kind.applies(obj) and (kind.slot, kind.identity(obj)) in found
    )


def test_the_entry_import_writes_names_its_object_and_nothing_else() -> None:
    catalog = compile_text(NAMED, "schema.yaml").catalog
    for kind in kinds.KINDS:
        for obj in getattr(catalog, kind.slot):
            if kind.applies(obj) and kind.noun in KINDS:
                entry = entry_for(obj)
                assert _names(catalog, listed(catalog, [entry])) == [kind.name(obj)], entry


def test_build_ignores_the_list() -> None:
    listing = "leave_alone:\n  - table public.audit_*\n  - function private.legacy_fn(integer)\n"
    assert compile_text(NAMED + listing, "schema.yaml").sql == compile_text(NAMED, "schema.yaml").sql


# What import leaves out whole: a function whose body holds every dollar quote schemac writes a body between
# (the spec refuses it as the database has it).
REFUSED = """
create table public.notes (id bigint primary key, body text);
create function public.quotes() returns text language sql
    as $q$ select '$function$ $body$ $schemac$ $schemac_body$'::text $q$;
"""


def test_import_lists_what_it_left_out_and_a_plan_to_its_spec_leaves_that_alone(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(REFUSED)
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", database, "--out", str(spec), *dev)
    # Before: the round trip was NOT exact (exit 1) and the plan below dropped the function.
    assert imported.exit_code == 0, imported.output
    assert "the round trip is exact for what the spec holds (1 left out, named above)" in imported.output
    text = spec.read_text()
    listing = text[text.index("\nleave_alone:\n") :]
    assert "  # function public.quotes: the spec refuses it as the database has it (the body holds" in listing
    assert listing.endswith("\n  - function public.quotes()\n"), listing

    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev)
    assert planned.exit_code == 0, planned.output
    as_json = json.loads(planned.output)
    assert as_json["steps"] == []
    assert as_json["notes"] == [
        "the spec leaves 1 object of the database alone (leave_alone), untouched: function public.quotes() "
        "(`schemac check --db` lists each with its entry)"
    ]
    assert [(o["kind"], o["name"], o["leave_alone"]) for o in as_json["unmanaged"]] == [
        ("function", "public.quotes()", "function public.quotes()")
    ]
    applied = run("apply", "--db", database, "--to", str(spec), "--yes", "--allow-hazards", "all", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(database) as conn:
        assert conn.execute("select to_regprocedure('public.quotes()') is not null").fetchone() == (True,)


LEGACY = """
create table public.notes (id bigint primary key, body text);
create function public.legacy_fn(x integer) returns integer language sql as $$ select x $$;
create table public.audit_2023 (id bigint, what text);
"""
# Manages notes; audit_2023 is declared otherwise than the database has it, audit_2024 is not there.
HAND = """\
version: 1
tables:
  notes:
    ignore: {rls-disabled: read by the server only}
    columns:
      id: {type: bigint, primary_key: true}
      body: text
  audit_2023:
    ignore: {rls-disabled: read by the server only, no-primary-key: a log}
    columns:
      id: bigint
  audit_2024:
    ignore: {rls-disabled: read by the server only, no-primary-key: a log}
    columns:
      id: bigint
"""


def test_entries_added_by_hand_leave_their_objects_alone_on_both_sides(
    tmp_path: Path, database: str, pg_cluster
) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(LEGACY)
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    # Not listed: the function is dropped, with its hazard; the audit tables are altered and created.
    spec.write_text(HAND)
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev)
    steps = {s["title"]: s["hazards"] for s in json.loads(planned.output)["steps"]}
    assert steps["drop function public.legacy_fn(integer)"] == ["breaks-clients"], steps
    assert "create table public.audit_2024" in steps and any("audit_2023" in title for title in steps), steps

    # Listed: nothing to do, said once; the entry that names nothing is a warning, not an error.
    spec.write_text(
        HAND + "leave_alone:\n  - function public.legacy_fn(integer)\n  - table public.audit_*\n"
        "  - trigger nothing_here on public.notes\n"
    )
    planned = run("plan", "--db", database, "--to", str(spec), *dev)
    assert planned.exit_code == 0, planned.output
    assert planned.output == (
        "No changes: the database matches.\n"
        "note: the spec leaves 2 objects of the database alone (leave_alone), untouched: "
        "function public.legacy_fn(integer), table public.audit_2023 (`schemac check --db` lists each with its entry)\n"
        "warning: leave_alone: 'trigger nothing_here on public.notes' names nothing in the database; check the name "
        "(a plan leaves nothing alone by it)\n"
    )

    # check --db: left alone, not drift.
    out = tmp_path / "generated"
    assert run("build", "--spec", str(spec), "--out", str(out)).exit_code == 0
    checked = run(
        "check", "--spec", str(spec), "--out", str(out), "--docs", str(tmp_path / "none.md"), "--db", database, *dev
    )
    assert checked.exit_code == 0, checked.output
    assert "left alone, as the spec's leave_alone says (2):\n" in checked.output
    assert "  table public.audit_2023: the spec leaves it alone (leave_alone: table public.audit_*)\n" in checked.output
    assert "warning: leave_alone: 'trigger nothing_here on public.notes' names nothing" in checked.output
    assert "the database matches the spec" in checked.output


# A trigger on a view: the spec written by import does not make it again. Before, import said NOT exact and a
# plan to its spec dropped the trigger; it is listed under leave_alone now (or, once modelled, written).
VIEW_TRIGGER = """
create table public.pets (id bigint primary key, name text);
create view public.pet_names as select id, name from public.pets;
create function public.pet_names_insert() returns trigger language plpgsql
    as $$ begin insert into public.pets (id, name) values (new.id, new.name); return null; end $$;
create trigger pet_names_insert instead of insert on public.pet_names
    for each row execute function public.pet_names_insert();
"""


# A range-partitioned table without partitions (pgschema's testdata/diff create_policy/enable_rls_partitioned): the
# spec written by import makes it unpartitioned, and a plan to it rebuilt the table, its rows not kept.
NO_PARTITIONS = """
create table public.events (id bigint not null, created_at timestamptz not null) partition by range (created_at);
"""


@pytest.mark.parametrize(
    ("sql", "what", "kept"),
    [
        (
            VIEW_TRIGGER,
            "trigger pet_names_insert on public.pet_names: the spec as written does not make it",
            "select count(*) from pg_trigger where tgname = 'pet_names_insert'",
        ),
        (
            NO_PARTITIONS,
            "table public.events: the spec as written makes it otherwise (rebuild table public.events",
            "select count(*) from pg_partitioned_table where partrelid = 'public.events'::regclass",
        ),
    ],
    ids=["trigger-on-a-view", "partitioned-without-partitions"],
)
def test_what_the_imported_spec_does_not_make_again_is_left_alone(
    tmp_path: Path, database: str, pg_cluster, sql: str, what: str, kept: str
) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(sql)
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", database, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    if "leave_alone:" in spec.read_text():  # until the spec holds it as the database has it
        assert " ".join(spec.read_text().split("\nleave_alone:\n")[1].replace("#", "").split()).startswith(what)
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev)
    assert json.loads(planned.output)["steps"] == [], planned.output
    applied = run("apply", "--db", database, "--to", str(spec), "--yes", "--allow-hazards", "all", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(database) as conn:
        assert conn.execute(kept).fetchone() == (1,)
