"""An object import leaves out (a text search configuration, a collation) that imported objects
use is named with what uses it: a database built from the spec lacks it, so the spec cannot be rebuilt on its
own, and import says so. (The scratch database that proves the round trip makes it from the source first.)"""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
from click.testing import CliRunner

from schemac.cli import main

SOURCE = """
create text search configuration plain_words (copy = simple);
create table tracks (id bigint primary key, title text not null, length integer);
create function title_words(t text) returns tsvector language sql immutable
    as $$ select to_tsvector('public.plain_words', t) $$;
create index tracks_title_words on tracks using gin (to_tsvector('plain_words'::regconfig, title));
"""


def test_what_uses_an_object_left_out_is_named(tmp_path: Path, pg_cluster) -> None:
    name = f"uses_{uuid.uuid4().hex[:8]}"
    source = pg_cluster.create_database(name)
    try:
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(SOURCE)
        result = CliRunner().invoke(
            main,
            ["--no-color", "import", "--db", source, "--out", str(tmp_path / "s.yaml"), "--dev-db", pg_cluster.url()],
        )
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        (config,) = [line for line in lines if "text search configuration public.plain_words:" in line]
        assert (
            "used by function public.title_words(text) (its body names it), index public.tracks_title_words" in config
        )
        assert "which a database built from the spec cannot make without it" in config
        assert "the round trip is exact for what the spec holds (1 left out, named above)" in result.output
    finally:
        pg_cluster.drop_database(name)


def test_a_database_search_path_is_named_and_the_scratch_database_builds_under_it(tmp_path: Path, pg_cluster) -> None:
    # The SQL function's unqualified 'tracks' is app.tracks only under the database's search_path, under which
    # PostgreSQL checks the body when it makes the function: import names the setting, and the scratch database
    # that proves the round trip builds the spec under it, as a plan's apply there would. An extension the spec
    # gives no schema is public's, as the search_path is set after the extensions are made.
    name = f"path_{uuid.uuid4().hex[:8]}"
    source = pg_cluster.create_database(name)
    try:
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET search_path = app, public')
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(
                "create extension citext with schema public;"
                "create schema app; create table app.tracks (id bigint primary key, title public.citext);"
                "create function app.track_count() returns bigint language sql stable as $$ select count(*) from tracks $$;"
            )
        spec = tmp_path / "s.yaml"
        result = CliRunner().invoke(
            main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
        )
        assert result.exit_code == 0, result.output
        (line,) = [line for line in result.output.splitlines() if "database setting search_path:" in line]
        assert "this database sets search_path = app, public (ALTER DATABASE ... SET)" in line
        assert "the round trip is exact for what the spec holds (1 left out, named above)" in result.output
        assert "extensions: [citext]" in spec.read_text()
        result = CliRunner().invoke(
            main, ["--no-color", "plan", "--db", source, "--to", str(spec), "--dev-db", pg_cluster.url()]
        )
        assert result.exit_code == 0, result.output
        assert "No changes" in result.output, result.output
    finally:
        pg_cluster.drop_database(name)
