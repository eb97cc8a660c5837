"""Default privileges (ALTER DEFAULT PRIVILEGES) in the spec (issue 11 item 2, issue 12's allow-list): read from
pg_default_acl, imported exactly, planned per role until the database converges, PostgreSQL's built-in defaults
kept faithfully (an entry of every schema replaces them; one of a schema only adds), Supabase's left alone by a
spec that does not state them, and another role's built on the scratch server without trusting the goal."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import main
from schemac.supabase import install_standin

ROLES = ("dp_reader", "dp_writer", "dp_owner")


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


@pytest.fixture(scope="module", autouse=True)
def roles(pg_cluster) -> None:
    """The roles the specs name: a spec grants to roles the database already has."""
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        for role in ROLES:
            conn.execute(f"DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


def entries(url: str) -> dict[tuple[str, str, str], str]:
    """(creator, schema or '', type letter) -> the entry's ACL as PostgreSQL prints it, the creator's own left out."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pg_get_userbyid(d.defaclrole), coalesce(n.nspname, ''), d.defaclobjtype::text,"
            "       coalesce(string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END"
            "                           || '=' || a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END,"
            "                           ' '), '')"
            "  FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"
            "  LEFT JOIN LATERAL aclexplode(d.defaclacl) a ON a.grantee <> d.defaclrole"
            " GROUP BY 1, 2, 3"
        ).fetchall()
    return {(role, schema, kind): " ".join(sorted(acl.split())) for role, schema, kind, acl in rows}


def plan_steps(url: str, spec: Path, dev: str) -> list[dict]:
    planned = run("plan", "--db", url, "--to", str(spec), "--format", "json", "--dev-db", dev)
    assert planned.exit_code == 0, planned.output
    return json.loads(planned.output)["steps"]


def converge(url: str, spec: Path, dev: str) -> list[dict]:
    """Apply ``spec``; the steps it ran. A second plan must be empty."""
    steps = plan_steps(url, spec, dev)
    applied = run("apply", "--db", url, "--to", str(spec), "--yes", "--allow-hazards", "all", "--dev-db", dev)
    assert applied.exit_code == 0, applied.output
    assert plan_steps(url, spec, dev) == []
    return steps


SPEC = """\
version: 1
roles: [dp_reader, dp_writer, dp_owner]
schemas: [app]
default_privileges:
  - on: functions
    grants: [{to: dp_reader, privileges: execute}]
  - schema: app
    on: tables
    grants:
      - {to: dp_reader, privileges: select}
      - {to: dp_writer, privileges: [insert, update], with_grant_option: true}
  - for_role: dp_owner
    schema: app
    on: sequences
    grants: [{to: dp_reader, privileges: usage}]
  - on: types
    grants: [{to: public, privileges: usage}, {to: dp_writer, privileges: usage}]
  - on: schemas
    grants: [{to: dp_reader, privileges: usage}]
"""


def test_a_spec_builds_applies_and_converges(tmp_path: Path, pg_cluster, database: str) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    steps = converge(database, spec, pg_cluster.url())
    # Granting on objects made later widens access; the built-in EXECUTE of PUBLIC taken away does not.
    assert {(s["sql"].split("\n")[-1].strip(), tuple(s["hazards"])) for s in steps} >= {
        ("REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;", ()),
        ("GRANT EXECUTE ON FUNCTIONS TO dp_reader;", ("widens-access",)),
    }
    me = psycopg.connect(database).info.user
    assert entries(database) == {
        (me, "", "f"): "dp_reader=EXECUTE",  # PUBLIC's built-in EXECUTE is gone: the entry replaces it
        (me, "app", "r"): "dp_reader=SELECT dp_writer=INSERT* dp_writer=UPDATE*",
        ("dp_owner", "app", "S"): "dp_reader=USAGE",
        (me, "", "T"): "PUBLIC=USAGE dp_writer=USAGE",
        (me, "", "n"): "dp_reader=USAGE",
    }


def test_import_is_exact_and_its_plan_empty(tmp_path: Path, pg_cluster, database: str) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA app")
        conn.execute("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")
        conn.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT, INSERT ON TABLES TO dp_reader")
        conn.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT ALL ON TABLES TO dp_writer WITH GRANT OPTION")
        conn.execute("ALTER DEFAULT PRIVILEGES FOR ROLE dp_owner GRANT USAGE, SELECT ON SEQUENCES TO dp_reader")
        conn.execute("ALTER DEFAULT PRIVILEGES FOR ROLE dp_owner IN SCHEMA app GRANT EXECUTE ON FUNCTIONS TO dp_writer")
    out = tmp_path / "schema.yaml"
    imported = run("import", "--db", database, "--out", str(out), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0, imported.output
    assert "the round trip is exact" in imported.output
    text = out.read_text()
    assert "default_privileges:" in text and "for_role: dp_owner" in text
    assert "{to: dp_writer, privileges: all, with_grant_option: true}" in text
    assert plan_steps(database, out, pg_cluster.url()) == []


def test_a_plan_adds_changes_and_removes_entries(tmp_path: Path, pg_cluster, database: str) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    converge(database, spec, pg_cluster.url())
    # Changed: a privilege more and one fewer, a grant option taken back; the global functions entry and the
    # FOR ROLE entry gone (PUBLIC gets its built-in EXECUTE back); a new entry in public.
    spec.write_text(
        """\
version: 1
roles: [dp_reader, dp_writer, dp_owner]
schemas: [app]
default_privileges:
  - schema: app
    on: tables
    grants:
      - {to: dp_reader, privileges: [select, delete]}
      - {to: dp_writer, privileges: [insert]}
  - schema: public
    on: sequences
    grants: [{to: dp_writer, privileges: [usage, select]}]
"""
    )
    steps = converge(database, spec, pg_cluster.url())
    assert any("GRANT EXECUTE ON FUNCTIONS TO PUBLIC;" in s["sql"] for s in steps)
    assert any("REVOKE GRANT OPTION FOR INSERT ON TABLES FROM dp_writer;" in s["sql"] for s in steps)
    me = psycopg.connect(database).info.user
    assert entries(database) == {
        (me, "app", "r"): "dp_reader=DELETE dp_reader=SELECT dp_writer=INSERT",
        (me, "public", "S"): "dp_writer=SELECT dp_writer=USAGE",
    }
    # Managed but stated nowhere: every entry goes, and PostgreSQL's built-in defaults hold again.
    spec.write_text("version: 1\nroles: [dp_reader, dp_writer, dp_owner]\nschemas: [app]\ndefault_privileges: []\n")
    converge(database, spec, pg_cluster.url())
    assert entries(database) == {}


def test_an_entry_of_a_schema_adds_to_the_built_in_defaults_and_one_of_every_schema_replaces_them(
    tmp_path: Path, pg_cluster, database: str
) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\nroles: [dp_reader]\nschemas: [app]\ndefault_privileges:\n"
        "  - {schema: app, on: functions, grants: [{to: dp_reader, privileges: execute}]}\n"
    )
    converge(database, spec, pg_cluster.url())

    def executes(function: str) -> tuple[bool, bool]:
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(f"CREATE FUNCTION {function}() RETURNS int LANGUAGE sql AS 'select 1'")
            return conn.execute(
                f"SELECT has_function_privilege('dp_reader', '{function}()', 'EXECUTE'),"
                f"       has_function_privilege('public', '{function}()', 'EXECUTE')"
            ).fetchone()

    # In app, dp_reader is given EXECUTE, and PUBLIC keeps the built-in one: an entry of a schema cannot take
    # it away, and the spec's (which grants only) cannot say so.
    assert executes("app.made_later") == (True, True)
    spec.write_text(
        "version: 1\nroles: [dp_reader]\nschemas: [app]\ndefault_privileges:\n"
        "  - {schema: app, on: functions, grants: [{to: dp_reader, privileges: execute}]}\n"
        "  - {on: functions}\n"
    )
    converge(database, spec, pg_cluster.url())
    assert executes("app.made_after") == (True, False)
    assert executes("public.made_after") == (False, False)


SUPABASE = """\
version: 1
target: {postgres: 15, flavor: supabase}
tables:
  notes:
    columns:
      id: {type: bigint, primary_key: true}
    grants: [{to: authenticated, privileges: select}]
"""


@pytest.fixture
def supabase_like(database: str) -> str:
    """A database with the Supabase stand-in: its default privileges give the API roles ALL in public."""
    with psycopg.connect(database, autocommit=True) as conn:
        install_standin(conn)
    return database


def test_a_supabase_spec_without_default_privileges_leaves_the_platforms_alone(
    tmp_path: Path, pg_cluster, supabase_like: str
) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SUPABASE)
    before = entries(supabase_like)
    assert any("anon=" in acl for acl in before.values())
    steps = converge(supabase_like, spec, pg_cluster.url())
    assert not any("DEFAULT PRIVILEGES" in s["sql"] for s in steps)
    assert entries(supabase_like) == before
    # Imported, the spec leaves them to the platform too: it writes no default_privileges.
    out = tmp_path / "imported.yaml"
    imported = run("import", "--db", supabase_like, "--out", str(out), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0 and "the round trip is exact" in imported.output, imported.output
    assert "default_privileges" not in out.read_text()


def test_a_supabase_spec_that_states_default_privileges_takes_the_api_roles_out(
    tmp_path: Path, pg_cluster, supabase_like: str
) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        SUPABASE
        + "default_privileges:\n  - {schema: public, on: tables, grants: [{to: authenticated, privileges: select}]}\n"
    )
    steps = converge(supabase_like, spec, pg_cluster.url())
    defaults = [s for s in steps if "DEFAULT PRIVILEGES" in s["sql"]]
    assert defaults and all("service_role" not in s["sql"] for s in defaults)
    me = psycopg.connect(supabase_like).info.user
    after = entries(supabase_like)
    # anon and authenticated hold exactly what the spec gives; service_role, which it does not name, is left.
    for kind, granted in (("r", {"authenticated=SELECT"}), ("S", set()), ("f", set())):
        held = set(after[(me, "public", kind)].split())
        kept = {p for p in held if p.startswith("service_role=")}
        assert kept and held - kept == granted, (kind, held)
    planned = run("plan", "--db", supabase_like, "--to", str(spec), "--dev-db", pg_cluster.url())
    assert "note: default privileges the spec does not manage are left as they are: to service_role (3 entries)" in (
        planned.output
    )


def test_an_sql_file_cannot_have_another_roles_default_privileges_built_as_the_superuser(
    tmp_path: Path, pg_cluster, database: str
) -> None:
    """An SQL goal is the user's code: its FOR ROLE statement runs as the untrusted builder, which is refused
    with a message saying why and what to write instead."""
    goal = tmp_path / "goal.sql"
    goal.write_text("ALTER DEFAULT PRIVILEGES FOR ROLE dp_owner GRANT SELECT ON TABLES TO dp_reader;\n")
    planned = run("plan", "--db", database, "--to", str(goal), "--dev-db", pg_cluster.url())
    assert planned.exit_code == 2, planned.output
    # PostgreSQL 16 and later: "permission denied to change default privileges"; 15: "must be member of role".
    assert (
        "default privileges" in planned.output.split("; ")[0] or 'must be member of role "dp_owner"' in planned.output
    )
    assert "write it in a spec's default_privileges" in planned.output
