"""A function body is stored byte for byte: what the spec's ``body:`` holds is what
``pg_proc.prosrc`` holds, and a database rebuilt from an imported spec has the bodies of
the original. Checked on real PostgreSQL through prosrc, with the plan empty afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import yaml
from click.testing import CliRunner

from schemac.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


def prosrc(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace")
        return dict(rows.fetchall())


def plan_steps(url: str, to: Path, pg_cluster) -> list:
    planned = run("plan", "--db", url, "--to", str(to), "--format", "json", "--dev-db", pg_cluster.url())
    assert planned.exit_code == 0, planned.output
    return json.loads(planned.output)["steps"]


BODIES = {
    "no_newlines": "select 1",
    "spaces_around": "  select 1  ",
    "newlines_around": "\nselect 1\n",
    "block_scalar": "select 1\nunion all\nselect 2\n",
    "crlf": "select 1\r\nunion all\r\nselect 2\r\n",
    "blank_lines_and_indent": "\n\n    select 1\n      + 1 \n\n",
    # A body ending in '$function' would close a $function$ quote early.
    "ends_like_a_quote": "select 1 -- $function",
}


def test_the_spec_body_is_prosrc(tmp_path: Path, databases, pg_cluster) -> None:
    # Every body in one spec, applied and planned once: the assertion shows each body that differs.
    functions = {name: {"returns": "integer", "language": "sql", "body": body} for name, body in BODIES.items()}
    spec = tmp_path / "schema.yaml"
    spec.write_text(yaml.safe_dump({"version": 1, "functions": functions}))
    url = databases()
    applied = run("apply", "--db", url, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
    assert applied.exit_code == 0, applied.output
    assert prosrc(url) == BODIES
    assert plan_steps(url, spec, pg_cluster) == []


def test_a_block_scalar_keeps_its_final_newline(tmp_path: Path, databases, pg_cluster) -> None:
    # `body: |` ends the text with one newline, as YAML says; PostgreSQL keeps it.
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "functions:\n"
        "  one:\n"
        "    returns: integer\n"
        "    language: plpgsql\n"
        "    body: |\n"
        "      begin\n"
        "        return 1;\n"
        "      end;\n"
        "  two:\n"
        "    returns: integer\n"
        "    language: plpgsql\n"
        "    body: |\n"
        "\n"
        "      begin\n"
        "        return 2;\n"
        "      end;\n"
    )
    url = databases()
    applied = run("apply", "--db", url, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
    assert applied.exit_code == 0, applied.output
    assert prosrc(url) == {"one": "begin\n  return 1;\nend;\n", "two": "\nbegin\n  return 2;\nend;\n"}
    built = run("build", "--spec", str(spec), "--out", str(tmp_path / "generated"))
    assert built.exit_code == 0, built.output
    sql = (tmp_path / "generated" / "schema.sql").read_text()
    # A body on lines of its own reads as a block between its quotes.
    assert "AS $function$\nbegin\n  return 2;\nend;\n$function$;" in sql
    assert "AS $function$begin\n  return 1;\nend;\n$function$;" in sql


def test_a_database_rebuilt_from_its_import_has_the_same_bodies(tmp_path: Path, databases, pg_cluster) -> None:
    original = databases()
    with psycopg.connect(original, autocommit=True) as conn:
        conn.execute(
            "create table items (id int primary key, price numeric);\n"
            "create function one() returns int language sql as $$SELECT 1$$;\n"
            "create function spaced(x int) returns int language sql as $$ select x + 1 $$;\n"
            "create function crlf() returns int language sql as $$\r\nselect 1\r\n$$;\n"
            "create function total() returns numeric language plpgsql as $fn$\n"
            "begin\n  return (select sum(price) from public.items);  \nend;$fn$;\n"
            "create function quoted() returns text language sql as $x$select '$function'$x$;\n"
        )
    spec = tmp_path / "schema.yaml"
    imported = run("import", "--db", original, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0, imported.output
    rebuilt = databases()
    applied = run("apply", "--db", rebuilt, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
    assert applied.exit_code == 0, applied.output
    bodies = prosrc(original)
    assert bodies["spaced"] == " select x + 1 " and bodies["crlf"] == "\r\nselect 1\r\n"
    assert prosrc(rebuilt) == bodies
    assert plan_steps(original, spec, pg_cluster) == []
    assert plan_steps(rebuilt, spec, pg_cluster) == []
