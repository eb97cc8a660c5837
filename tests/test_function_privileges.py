"""A new function gets exactly the privileges the spec says: the EXECUTE that CREATE FUNCTION
gives PUBLIC stays only where the spec grants it to PUBLIC (grants are an allow-list)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
from click.testing import CliRunner

from schemac.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


SPEC = """\
version: 1
roles: [reader]
functions:
  plain:
    returns: integer
    body: select 1
  everyones:
    returns: integer
    body: select 3
    grants:
      - {to: public, privileges: [execute]}
  private_one:
    returns: integer
    body: select 2
    revokes:
      - {from: public, privileges: [execute]}
    grants:
      - {to: reader, privileges: [execute]}
"""


def test_a_new_function_has_only_the_spec_grants(tmp_path: Path, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    name = f"acl_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DO $$ BEGIN CREATE ROLE reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        planned = run("plan", "--db", url, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
        assert planned.exit_code == 0, planned.output
        sql = "\n".join(step["sql"] for step in json.loads(planned.output)["steps"])
        assert "REVOKE ALL ON FUNCTION public.plain() FROM PUBLIC, reader;" in sql
        assert "GRANT EXECUTE ON FUNCTION public.everyones() TO PUBLIC;" in sql
        assert "GRANT EXECUTE ON FUNCTION public.private_one() TO reader;" in sql

        applied = run("apply", "--db", url, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
        assert applied.exit_code == 0, applied.output
        with psycopg.connect(url) as conn:
            acl = conn.execute(
                "SELECT proname, has_function_privilege('public', p.oid, 'EXECUTE'),"
                "       has_function_privilege('reader', p.oid, 'EXECUTE')"
                "  FROM pg_proc p WHERE pronamespace = 'public'::regnamespace ORDER BY proname"
            ).fetchall()
        assert acl == [("everyones", True, True), ("plain", False, False), ("private_one", False, True)]
        again = run("plan", "--db", url, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
        assert again.exit_code == 0, again.output
        assert json.loads(again.output)["steps"] == []
    finally:
        pg_cluster.drop_database(name)
