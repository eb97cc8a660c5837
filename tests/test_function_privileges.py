"""A new function gets exactly the privileges the spec says: CREATE FUNCTION already lets
PUBLIC execute it, so a plan writes no GRANT for that and the ACL stays PostgreSQL's default."""

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
  private_one:
    returns: integer
    body: select 2
    revokes:
      - {from: public, privileges: [execute]}
    grants:
      - {to: reader, privileges: [execute]}
"""


def test_a_new_function_keeps_the_default_acl_and_the_spec_grants(tmp_path: Path, pg_cluster) -> None:
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
        assert "TO PUBLIC" not in sql
        assert "REVOKE EXECUTE ON FUNCTION public.private_one() FROM PUBLIC;" in sql
        assert "GRANT EXECUTE ON FUNCTION public.private_one() TO reader;" in sql

        applied = run("apply", "--db", url, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
        assert applied.exit_code == 0, applied.output
        with psycopg.connect(url) as conn:
            plain, private = conn.execute(
                "SELECT proname = 'plain', has_function_privilege('public', p.oid, 'EXECUTE'),"
                "       has_function_privilege('reader', p.oid, 'EXECUTE'), proacl IS NULL"
                "  FROM pg_proc p WHERE pronamespace = 'public'::regnamespace ORDER BY proname"
            ).fetchall()
        # plain: as CREATE FUNCTION leaves it (a NULL ACL: PUBLIC may execute).
        assert plain == (True, True, True, True)
        assert private == (False, False, True, False)
        again = run("plan", "--db", url, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
        assert again.exit_code == 0, again.output
        assert json.loads(again.output)["steps"] == []
    finally:
        pg_cluster.drop_database(name)
