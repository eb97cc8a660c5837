"""An index key's collation is part of the index: an index on ``name COLLATE "C"`` beside one on ``name`` is
another index, imported, built and compared as such."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.cli import main
from schemac.pipeline import compile_text

SOURCE = """
create table people (id bigint primary key, name text not null, code varchar(20));
create index people_name on people (name);
create index people_name_c on people (name collate "C");
create index people_lower_c on people (lower(name) collate "C" text_pattern_ops);
create index people_code_posix on people (code collate "POSIX" desc);
"""


def test_index_key_collations_import_build_and_plan_back_exactly(tmp_path: Path, pg_cluster) -> None:
    name = f"coll_{uuid.uuid4().hex[:8]}"
    source = pg_cluster.create_database(name)
    try:
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(SOURCE)
        spec = tmp_path / "schema.yaml"
        result = CliRunner().invoke(
            main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
        )
        assert result.exit_code == 0, result.output
        assert "the round trip is exact" in result.output
        indexes = yaml.safe_load(spec.read_text())["tables"]["people"]["indexes"]
        keys = {i["name"]: i["columns"] for i in indexes}
        assert keys == {
            "people_name": ["name"],
            "people_name_c": [{"column": "name", "collation": "C"}],
            "people_lower_c": [{"expression": "lower(name)", "collation": "C", "opclass": "text_pattern_ops"}],
            "people_code_posix": [{"column": "code", "collation": "POSIX", "order": "desc"}],
        }
        assert live.plan(live.current(source), live.desired(str(spec), pg_cluster.url())).empty
    finally:
        pg_cluster.drop_database(name)


def test_an_index_key_collation_is_rendered_and_not_a_duplicate() -> None:
    compiled = compile_text(
        "version: 1\ntables:\n  people:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
        "      name: text\n    indexes:\n      - {columns: [name]}\n"
        "      - {columns: [{column: name, collation: C}], name: people_name_c}\n"
    )
    assert 'CREATE INDEX people_name_c\n    ON public.people (name COLLATE "C");' in compiled.sql


OWN_COLLATIONS = """
create schema app;
create collation app.plain (provider = libc, locale = 'C');
create collation app.posix (provider = libc, locale = 'POSIX');
create table app.people (id bigint primary key, name text collate app.plain not null);
create index people_name on app.people (name);
create index people_name_posix on app.people (name collate app.posix);
"""


def test_a_collation_the_spec_names_is_made_on_the_scratch_server_from_the_target(tmp_path: Path, pg_cluster) -> None:
    # The spec does not make collations (import names them as left out); its columns and index keys name the
    # database's, so the scratch database a plan or import builds the spec on makes them first, from the
    # database the plan goes to.
    name = f"colls_{uuid.uuid4().hex[:8]}"
    source = pg_cluster.create_database(name)
    try:
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(OWN_COLLATIONS)
        spec = tmp_path / "schema.yaml"
        result = CliRunner().invoke(
            main,
            [
                "--no-color",
                "import",
                "--db",
                source,
                "--schema",
                "app",
                "--out",
                str(spec),
                "--dev-db",
                pg_cluster.url(),
            ],
        )
        assert result.exit_code == 0, result.output
        assert "collation app.plain: the spec has no collations" in result.output
        assert "the round trip is exact for what the spec holds (2 left out, named above)" in result.output
        table = yaml.safe_load(spec.read_text())["tables"]["app.people"]
        assert table["columns"]["name"]["collation"] == "app.plain"
        assert {"columns": [{"column": "name", "collation": "app.posix"}], "name": "people_name_posix"} in table[
            "indexes"
        ]
        result = CliRunner().invoke(
            main, ["--no-color", "plan", "--db", source, "--to", str(spec), "--dev-db", pg_cluster.url()]
        )
        assert result.exit_code == 0, result.output
        assert "No changes" in result.output or "nothing to do" in result.output.lower(), result.output
    finally:
        pg_cluster.drop_database(name)


def test_a_collation_no_database_has_is_a_message(tmp_path: Path, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\ntables:\n  people:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
        "      name: {type: text, collation: public.schemac_no_such_collation}\n"
    )
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(spec), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 2, result.output
    assert 'collation "public.schemac_no_such_collation"' in result.output
    assert "a spec does not make collations, it names those of the database it goes to" in result.output
