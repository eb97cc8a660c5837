"""A text search configuration the spec does not model, named by a function's body (MusicBrainz's
``to_tsvector('musicbrainz.mb_simple', ...)``): PostgreSQL looks it up when an SQL function is made, so the
scratch database that builds the spec for that database makes it first, from the database, with the
dictionaries of its own it maps to, after the extensions whose dictionaries it maps to."""

from __future__ import annotations

import psycopg
from click.testing import CliRunner

from schemac.cli import main
from schemac.scratch import TextSearchObject, with_text_search

SOURCE = """
create extension unaccent;
create schema app;
create text search dictionary app.plain (template = pg_catalog.simple, accept = true);
create text search configuration app.words (copy = pg_catalog.simple);
alter text search configuration app.words alter mapping for word, asciiword with unaccent, app.plain;
create table app.notes (id bigint primary key, body text not null);
create function app.words_of(text) returns tsvector language sql immutable
    as $$ select to_tsvector('app.words', $1) $$;
create index notes_words on app.notes using gin (app.words_of(body));
"""


def test_a_configuration_a_function_names_is_made_on_the_scratch_database(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    output = " ".join(result.output.split())
    assert "the round trip is exact for what the spec holds (2 left out, named above)" in output, result.output
    assert "text search configuration app.words: the spec has no text search configurations" in output
    result = CliRunner().invoke(
        main, ["--no-color", "plan", "--db", source, "--to", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    assert "No changes" in result.output, result.output


def test_only_what_the_script_names_is_made_after_its_extensions_and_schemas() -> None:
    objects = (
        TextSearchObject("app", "plain", "CREATE TEXT SEARCH DICTIONARY app.plain (TEMPLATE = pg_catalog.simple)"),
        TextSearchObject("app", "other", "CREATE TEXT SEARCH DICTIONARY app.other (TEMPLATE = pg_catalog.simple)"),
        TextSearchObject(
            "app", "words", "CREATE TEXT SEARCH CONFIGURATION app.words (PARSER = pg_catalog.default)", ("app.plain",)
        ),
    )
    script = (
        "CREATE SCHEMA app;\nCREATE EXTENSION unaccent;\n"
        "CREATE FUNCTION app.f(text) RETURNS tsvector LANGUAGE sql AS $$ SELECT to_tsvector('app.words', $1) $$;\n"
    )
    assert with_text_search(script, objects) == (
        "CREATE SCHEMA app;\nCREATE EXTENSION unaccent;\n"
        "CREATE TEXT SEARCH DICTIONARY app.plain (TEMPLATE = pg_catalog.simple);\n"
        "CREATE TEXT SEARCH CONFIGURATION app.words (PARSER = pg_catalog.default);\n\n"
        "CREATE FUNCTION app.f(text) RETURNS tsvector LANGUAGE sql AS $$ SELECT to_tsvector('app.words', $1) $$;\n"
    )
    assert with_text_search("CREATE TABLE t (id int);", objects) == "CREATE TABLE t (id int);"
