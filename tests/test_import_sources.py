"""`schemac import` from an SQL file relies on what the file made as an import from a database relies on what
the database has; and what the importer writes (an extension in public written without its schema) means in
every database what it meant in the source."""

from __future__ import annotations

from pathlib import Path

import psycopg
from click.testing import CliRunner

from schemac.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


COLLATED = """\
create collation public.plain (provider = libc, locale = 'C');
create table public.words (id bigint primary key, word text collate public.plain);
"""


def test_import_from_an_sql_file_proves_its_spec_with_the_collations_the_file_made(tmp_path: Path, pg_cluster) -> None:
    source = tmp_path / "schema.sql"
    source.write_text(COLLATED)
    spec = tmp_path / "schema.yaml"
    imported = run("import", "--from", str(source), "--out", str(spec), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0, imported.output
    assert "the round trip is exact for what the spec holds (1 left out, named above)" in imported.output
    assert "word: {type: text, collation: public.plain}" in spec.read_text()


def test_an_extension_in_public_is_written_without_its_schema_and_lands_in_public(
    tmp_path: Path, databases, pg_cluster
) -> None:
    # No schema means public, whatever schema leads the search_path of the database it is applied to.
    source, other = databases(), databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("create extension btree_gist; create table public.slots (id bigint primary key, n int)")
    with psycopg.connect(other, autocommit=True) as conn:
        conn.execute(
            f"create schema extensions; alter database {conn.info.dbname} set search_path = extensions, public"
        )
    spec = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", source, "--out", str(spec), *dev)
    assert imported.exit_code == 0, imported.output
    assert "\nextensions: [btree_gist]\n" in spec.read_text()
    applied = run("apply", "--db", other, "--to", str(spec), "--yes", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(other) as conn:
        schema = conn.execute("select extnamespace::regnamespace::text from pg_extension where extname = 'btree_gist'")
        assert schema.fetchone()[0] == "public"
