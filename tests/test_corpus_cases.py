"""Tracebacks the real-world corpus (bench/corpus.py) found outside plan/ and diff/, each
as a minimal case: every command ends with a result or a message, never a traceback."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from schemac.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


def test_a_question_mark_in_a_flow_value_imports(tmp_path: Path, pg_cluster) -> None:
    # jsonb's ? operator in a check and an index predicate, a comment ending in ?: PyYAML ends a
    # plain scalar at '?' inside {...}, so the writer must quote them.
    source = tmp_path / "question.sql"
    source.write_text(
        "create table docs (id int primary key, body jsonb check (body ? 'title'), note text);\n"
        "comment on table docs is 'Is this ok?';\n"
        "comment on column docs.note is 'why?';\n"
        "create index docs_titled on docs (id) where body ? 'title';\n"
    )
    spec = tmp_path / "schema.yaml"
    result = run("import", "--from", str(source), "--out", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    table = yaml.safe_load(spec.read_text())["tables"]["docs"]
    assert table["columns"]["note"]["comment"] == "why?"
    assert "?" in table["columns"]["body"]["check"]


def test_docs_when_a_table_and_a_function_share_a_name(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "tables:\n"
        "  items:\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "functions:\n"
        "  items:\n"
        "    returns: integer\n"
        "    language: sql\n"
        "    body: select 1\n"
    )
    result = run("docs", "--spec", str(spec), "--out", str(tmp_path / "schema.md"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "schema.md").read_text()
    assert "- [Tables](#tables): [items](#items)" in text
    assert "- [Functions](#functions): [items](#items-1)" in text


def test_a_table_without_columns_is_planned(tmp_path: Path, pg_cluster) -> None:
    source = tmp_path / "empty.sql"
    source.write_text("create table nothing_yet ();\n")
    result = run("plan", "--to", str(source), "--format", "json", "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    step, privileges = json.loads(result.output)["steps"]
    assert "CREATE TABLE public.nothing_yet (\n)" in step["sql"]
    # What the defaults of the database may give is taken back: the table holds what the SQL file's held.
    assert privileges["sql"] == "REVOKE ALL ON TABLE public.nothing_yet FROM PUBLIC;"


def test_a_security_definer_function_without_search_path_imports_with_the_risk_accepted(
    tmp_path: Path, pg_cluster
) -> None:
    # Supabase's examples write them so (an RBAC helper that policies call): refusing the function
    # also lost every policy that calls it.
    source = tmp_path / "definer.sql"
    source.write_text(
        "create table roles (user_id uuid, role text);\n"
        "alter table roles enable row level security;\n"
        "create function is_admin(uid uuid) returns boolean language sql security definer\n"
        "  as $$ select exists (select 1 from public.roles where user_id = uid and role = 'admin') $$;\n"
        'create policy "Admins can read roles" on roles for select using (is_admin(user_id));\n'
    )
    spec = tmp_path / "schema.yaml"
    result = run("import", "--from", str(source), "--out", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    function = yaml.safe_load(spec.read_text())["functions"]["is_admin"]
    assert function["security_definer"] is True and "search_path" not in function
    assert "security-definer-search-path" in function["ignore"]

    built = run("build", "--spec", str(spec), "--out", str(tmp_path / "generated"))
    assert built.exit_code == 0, built.output
    assert "SC208" not in built.output

    del function["ignore"]
    data = yaml.safe_load(spec.read_text())
    data["functions"]["is_admin"] = function
    spec.write_text(yaml.safe_dump(data))
    refused = run("validate", "--spec", str(spec))
    assert refused.exit_code == 2
    assert "a SECURITY DEFINER function must pin 'search_path'" in refused.output


@pytest.mark.parametrize(
    "body",
    [
        "begin atomic select amount from orders where id = x; end",
        "return (select amount from orders where id = x)",
    ],
)
def test_an_sql_standard_function_body_applies_and_converges(body: str, tmp_path: Path, pg_cluster) -> None:
    # Read from a database, the body was rendered as a string ($$BEGIN ATOMIC ...$$) and pglast's
    # reading of it raised while ordering the statements.
    source = tmp_path / "atomic.sql"
    source.write_text(
        "create table orders (id int, amount numeric);\n"
        f"create function total(x int) returns numeric language sql {body};\n"
    )
    name = f"atomic_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    try:
        applied = run("apply", "--db", url, "--to", str(source), "--yes", "--dev-db", pg_cluster.url())
        assert applied.exit_code == 0, applied.output
        planned = run("plan", "--db", url, "--to", str(source), "--format", "json", "--dev-db", pg_cluster.url())
        assert planned.exit_code == 0, planned.output
        assert json.loads(planned.output)["steps"] == []
    finally:
        pg_cluster.drop_database(name)
