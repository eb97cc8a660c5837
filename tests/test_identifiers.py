"""Names as PostgreSQL has them (capitals, spaces, punctuation, up to 63 bytes): written in
the spec, imported, built, planned and documented, on real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from schemac.cli import main
from schemac.spec.names import identifier_problem, key_part_problem

SENTENCE = "Individuals can view their own todos."


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


@pytest.mark.parametrize("name", [SENTENCE, "Order Lines", "Total", "a-b", "x?", 'say "hi"', "é" * 31, "n" * 63])
def test_any_name_postgresql_accepts_is_a_name(name: str) -> None:
    assert identifier_problem(name) is None


@pytest.mark.parametrize("name", ["", "n" * 64, "é" * 32, "nul\0"])
def test_names_postgresql_refuses_are_refused(name: str) -> None:
    assert identifier_problem(name) is not None


def test_a_dot_cannot_be_part_of_a_reference() -> None:
    assert key_part_problem("a.b") is not None
    assert key_part_problem(SENTENCE) is not None  # a table could not be named so, a policy can
    assert key_part_problem("Order Lines") is None


ODD_NAMES = f"""
create table "Order Lines" (
    "Line ID" bigint generated always as identity primary key,
    "Unit Price" numeric not null constraint "price must be > 0!" check ("Unit Price" > 0),
    owner uuid
);
create index "by price, then id" on "Order Lines" ("Unit Price", "Line ID");
alter table "Order Lines" enable row level security;
create policy "{SENTENCE}" on "Order Lines" for select using (owner is not null);
create policy "Owners can't delete: ask support" on "Order Lines" for delete using (false);
create function "Touch"() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger "Keep it fresh" before update on "Order Lines" for each row execute function "Touch"();
"""


def test_names_with_capitals_spaces_and_punctuation_round_trip(tmp_path: Path, pg_cluster, database) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(ODD_NAMES)
    spec = tmp_path / "schema.yaml"
    imported = run("import", "--db", database, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0, imported.output
    assert "not imported" not in imported.output
    table = yaml.safe_load(spec.read_text())["tables"]["Order Lines"]
    assert set(table["policies"]) == {SENTENCE, "Owners can't delete: ask support"}
    assert {"Line ID", "Unit Price"} <= set(table["columns"])

    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.output)["steps"] == []

    built = run("build", "--spec", str(spec), "--out", str(tmp_path / "generated"))
    assert built.exit_code == 0, built.output
    sql = (tmp_path / "generated" / "schema.sql").read_text()
    assert f'CREATE POLICY "{SENTENCE}" ON public."Order Lines"' in sql

    docs = run("docs", "--spec", str(spec), "--out", str(tmp_path / "schema.md"))
    assert docs.exit_code == 0, docs.output
    assert f"`{SENTENCE}`" in (tmp_path / "schema.md").read_text()


def test_a_dotted_table_name_is_named_as_not_imported(tmp_path: Path, pg_cluster) -> None:
    source = tmp_path / "dotted.sql"
    source.write_text('create table "v1.items" (id int primary key);\ncreate table plain (id int primary key);\n')
    spec = tmp_path / "schema.yaml"
    result = run("import", "--from", str(source), "--out", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 1, result.output
    assert "the name 'v1.items' holds a dot" in result.output
    assert "plain" in yaml.safe_load(spec.read_text())["tables"]


def test_a_hand_written_spec_with_such_names_applies_and_plans_empty(tmp_path: Path, pg_cluster, database) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "tables:\n"
        "  Vehicles:\n"
        "    rls: true\n"
        "    columns:\n"
        "      id: {type: uuid, primary_key: true}\n"
        "      display name: text\n"
        "      2fa_enabled: {type: boolean, not_null: true, default: 'false'}\n"
        "    indexes:\n"
        "      - columns: [{column: display name}]\n"
        "    policies:\n"
        f"""      '{SENTENCE}': {{command: select, using: '"2fa_enabled"'}}\n"""
    )
    applied = run(
        "apply",
        "--db",
        database,
        "--to",
        str(spec),
        "--yes",
        "--allow-hazards",
        "widens-access",
        "--dev-db",
        pg_cluster.url(),
    )
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(database) as conn:
        columns = [
            r[0]
            for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'public.\"Vehicles\"'::regclass AND attnum > 0 "
                "ORDER BY attnum"
            )
        ]
        policies = [r[0] for r in conn.execute("SELECT policyname FROM pg_policies WHERE tablename = 'Vehicles'")]
    assert columns == ["id", "display name", "2fa_enabled"]
    assert policies == [SENTENCE]
    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.output)["steps"] == []


def test_a_double_quote_in_a_table_name_stays_inside_its_mermaid_entity() -> None:
    from schemac.catalog.objects import QualifiedName
    from schemac.docgen.mermaid import entity

    assert entity(QualifiedName("public", 'say "hi"')) == '"say #quot;hi#quot;"'
    assert entity(QualifiedName("app", "Order Lines")) == '"app.Order Lines"'
