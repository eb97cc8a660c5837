"""A spec says what the schemas it declares hold, not that the database's other schemas hold nothing:
`import --schema app` writes a spec that knows nothing of the others, and `plan --db` to it used to
drop every table, view, trigger and foreign key in them (found on MusicBrainz: 287 drops in
cover_art_archive, event_art_archive, sitemaps, ... after importing musicbrainz and public)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from click.testing import CliRunner

from schemac.cli import main

DATABASE = """
create schema app;
create schema legacy;
create table legacy.archive (id bigint primary key, note text);
create index archive_note on legacy.archive (note);
create view legacy.recent as select id from legacy.archive;
create table app.things (id bigint primary key, archive_id bigint references legacy.archive);
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_plan_leaves_the_schemas_the_spec_does_not_declare_alone(tmp_path: Path, databases, pg_cluster) -> None:
    url = databases()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(DATABASE)
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", url, "--schema", "app", "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    planned = run("plan", "--db", url, "--to", str(spec), "--format", "json", *dev)
    assert planned.exit_code == 0, planned.output
    as_json = json.loads(planned.output)
    assert as_json["steps"] == [], as_json["steps"]
    unmanaged = {(o["kind"], o["name"]): o["reason"] for o in as_json["unmanaged"]}
    assert unmanaged[("schema", "legacy")] == (
        "the spec does not declare it; a plan leaves it alone, with what it holds: 1 index, 1 table, 1 view"
    )
    # The foreign key from a declared schema into it cannot be written either, and is left alone.
    assert ("foreign key", "things_archive_id_fkey on app.things") in unmanaged
    # Applied, the plan leaves every object of legacy in place.
    applied = run("apply", "--db", url, "--to", str(spec), "--yes", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(url) as conn:
        left = conn.execute(
            "SELECT to_regclass('legacy.archive') IS NOT NULL AND to_regclass('legacy.archive_note') IS NOT NULL"
            " AND to_regclass('legacy.recent') IS NOT NULL"
            " AND EXISTS (SELECT FROM pg_constraint WHERE conname = 'things_archive_id_fkey')"
        ).fetchone()[0]
    assert left
