"""PL/pgSQL bodies are checked as PostgreSQL checks them: inside a header with the function's
real arguments and return type; where pglast's parser cannot decide (it has no catalog), the
body is left to PostgreSQL on the scratch server instead of being refused."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import main
from schemac.errors import SpecError
from schemac.pipeline import compile_text


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


# Supabase's documented auth hook: the body assigns to its parameter and returns it.
AUTH_HOOK = """\
version: 1
functions:
  custom_access_token_hook:
    args: [event jsonb]
    returns: jsonb
    language: plpgsql
    body: |
      declare
        claims jsonb;
      begin
        claims := event->'claims';
        event := jsonb_set(event, '{claims}', claims);
        return event;
      end;
"""

# Types of a schema other than public and pg_catalog: libpg_query cannot look such a
# namespace up, in an argument, a return type or a DECLARE.
OTHER_SCHEMA = """\
version: 1
schemas: [app]
domains:
  app.amount: {type: numeric}
tables:
  app.orders:
    columns:
      id: {type: integer, primary_key: true}
      total: app.amount
functions:
  app.doubled:
    args: [value app.amount]
    returns: app.amount
    language: plpgsql
    body: |
      declare
        result app.amount;
        last_order app.orders%rowtype;
      begin
        result := value * 2;
        return result;
      end;
  app.first_of:
    args: [{name: items, type: "integer[]", mode: variadic}]
    returns: integer
    language: plpgsql
    body: begin return items[1]; end;
"""


@pytest.mark.parametrize("text", [AUTH_HOOK, OTHER_SCHEMA], ids=["assigns_to_its_argument", "types_of_another_schema"])
def test_a_valid_body_compiles_and_applies(text: str, tmp_path: Path, database: str, pg_cluster) -> None:
    compile_text(text)
    spec = tmp_path / "schema.yaml"
    spec.write_text(text)
    applied = run("apply", "--db", database, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
    assert applied.exit_code == 0, applied.output


def test_a_body_with_a_mistake_is_still_refused() -> None:
    with pytest.raises(SpecError, match='"result" is not a known variable'):
        compile_text(AUTH_HOOK.replace("event := jsonb_set", "result := jsonb_set"))
    with pytest.raises(SpecError, match="RETURN cannot have a parameter in function returning void"):
        compile_text(AUTH_HOOK.replace("returns: jsonb", "returns: void"))


def test_what_the_parser_cannot_decide_postgresql_checks(tmp_path: Path, database: str, pg_cluster) -> None:
    # The parser gives up on app.amount, so the misspelt variable is PostgreSQL's to find,
    # when the goal is built on the scratch server: a message, not a traceback nor a pass.
    text = OTHER_SCHEMA.replace("result := value * 2", "reslt := value * 2")
    compile_text(text)
    spec = tmp_path / "schema.yaml"
    spec.write_text(text)
    planned = run("plan", "--db", database, "--to", str(spec), "--dev-db", pg_cluster.url())
    assert planned.exit_code != 0
    assert "Traceback" not in planned.output
    assert "does not apply to the scratch database" in planned.output
    assert '"reslt" is not a known variable' in planned.output
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'doubled'").fetchone()[0] == 0
