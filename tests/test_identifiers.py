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
from schemac.catalog.objects import QualifiedName
from schemac.spec.names import (
    identifier_problem,
    key_part_problem,
    last_part,
    spell,
    spell_qualified,
    split_name,
    split_qualified,
)

SENTENCE = "Individuals can view their own todos."


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


@pytest.mark.parametrize("name", [SENTENCE, "Order Lines", "Total", "a-b", "x?", 'say "hi"', "é" * 31, "n" * 63])
def test_any_name_postgresql_accepts_is_a_name(name: str) -> None:
    assert identifier_problem(name) is None


@pytest.mark.parametrize("name", ["", "n" * 64, "é" * 32, "nul\0"])
def test_names_postgresql_refuses_are_refused(name: str) -> None:
    assert identifier_problem(name) is not None


@pytest.mark.parametrize("schema", ["public", "app", "my.app", '"', 'say "hi"'])
@pytest.mark.parametrize("name", ["a.b", SENTENCE, "Order Lines", '"quoted"', 'a"b', "trailing.", ".", "plain"])
def test_a_name_with_a_dot_is_written_in_double_quotes_and_read_back(schema: str, name: str) -> None:
    """Any two names, spelled as the spec writes a reference, split back into themselves."""
    assert key_part_problem(name) is None
    qname = QualifiedName(schema, name)
    assert split_qualified(spell_qualified(qname)) == (schema, name)
    assert split_name(f"{spell_qualified(qname)}.{spell(name)}") == [
        *([schema] if schema != "public" else []),
        name,
        name,
    ]
    assert ("." in spell(name)) == ("." in name)


def test_how_the_spec_spells_names() -> None:
    assert spell_qualified(QualifiedName("public", "v1.items")) == '"v1.items"'
    assert spell_qualified(QualifiedName("app", "v1.items")) == 'app."v1.items"'
    assert spell_qualified(QualifiedName("Order Lines", "x")) == "Order Lines.x"  # no dot, no quotes
    assert split_name('"v1.items"."a.b"') == ["v1.items", "a.b"]
    assert split_name('"a""b"') == ['a"b']
    assert last_part('app."v1.items".id') == ('app."v1.items"', "id")
    assert split_qualified('"v1.items') is None and split_qualified('"a"x') is None  # not closed where it ends


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


DOTTED_NAMES = """
create schema "my.app";
create table "a.b" (
    id integer primary key,
    "special.column" text unique,
    constraint "my.constraint" check (id > 0)
);
create index "idx.with.dot" on "a.b" (lower("special.column"));
alter table "a.b" enable row level security;
create policy "policy.with.dot" on "a.b" for select to "user.with.dot" using (true);
grant select, insert on "a.b" to "user.with.dot";
create table "my.app"."c.d" (
    id integer primary key references "a.b" (id),
    ab_special text references "a.b" ("special.column"),
    "x.y" integer
);
create index on "my.app"."c.d" (ab_special);
create sequence "my.app"."s.q" owned by "my.app"."c.d"."x.y";
create view "v.w" as select id, "special.column" from "a.b";
create function "my.app"."f.g"(x integer) returns integer language sql as $$ select x + 1 $$;
create type "my.app"."mood.type" as enum ('ok', 'meh');
create domain "my.app"."pos.int" as integer check (value > 0);
create function "my.app"."touch.it"() returns trigger language plpgsql as $$ begin return new; end $$;
create table "my.app"."e.f" (
    id "my.app"."pos.int" primary key,
    mood "my.app"."mood.type",
    cd_id integer constraint "fk.named" references "my.app"."c.d" (id) on delete cascade
);
create trigger "trg.dot" before update on "my.app"."e.f" for each row execute function "my.app"."touch.it"();
grant usage on schema "my.app" to "user.with.dot";
grant execute on function "my.app"."f.g"(integer) to "user.with.dot";
create table "g.h" (extra text) inherits ("a.b");
create table "p.q" (id integer not null, at date not null) partition by range (at);
create table "p.q_2024" partition of "p.q" for values from ('2024-01-01') to ('2025-01-01');
"""


def test_names_with_a_dot_round_trip(tmp_path: Path, pg_cluster, database) -> None:
    """Schemas, tables, columns, keys, indexes, policies, roles, sequences, views, functions, types,
    triggers and partitions with a dot in their names: imported exactly (the references in double
    quotes), planned empty against their database, built and documented as the spec writes them."""
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'user.with.dot'").fetchone():
            conn.execute('CREATE ROLE "user.with.dot"')
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(DOTTED_NAMES)
    spec = tmp_path / "schema.yaml"
    imported = run("import", "--db", database, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0, imported.output
    assert "the round trip is exact" in imported.output and "not imported" not in imported.output
    written = yaml.safe_load(spec.read_text())
    assert written["tables"]['"my.app"."c.d"']["columns"]["ab_special"]["references"] == '"a.b"."special.column"'
    assert written["sequences"]['"my.app"."s.q"']["owned_by"] == '"my.app"."c.d"."x.y"'
    assert written["tables"]['"g.h"']["inherits"] == ['"a.b"']
    assert written["tables"]['"a.b"']["policies"]["policy.with.dot"]["roles"] == ["user.with.dot"]

    planned = run("plan", "--db", database, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.output)["steps"] == []

    built = run("build", "--spec", str(spec), "--out", str(tmp_path / "generated"))
    assert built.exit_code == 0, built.output
    sql = (tmp_path / "generated" / "schema.sql").read_text()
    assert 'REFERENCES public."a.b" ("special.column")' in sql
    assert 'CREATE TRIGGER "trg.dot"' in sql and 'EXECUTE FUNCTION "my.app"."touch.it"()' in sql

    docs = run("docs", "--spec", str(spec), "--out", str(tmp_path / "schema.md"))
    assert docs.exit_code == 0, docs.output
    assert '### "my.app"."c.d"' in (tmp_path / "schema.md").read_text()


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
