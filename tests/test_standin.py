"""The scratch server's builder and the Supabase stand-in: what a goal may make there, and what the stand-in
gives a Supabase project before its first migration."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac import scratch
from schemac.cli import main


def _cli(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


def _unique(stem: str) -> str:
    # Roles belong to the whole server the session shares: a name of its own keeps each test alone.
    return f"{stem}_{uuid.uuid4().hex[:8]}"


def test_the_roles_a_script_creates_are_found_in_do_blocks_too() -> None:
    script = (
        "CREATE ROLE app_owner NOLOGIN;\n"
        'CREATE USER "Report Reader";\n'
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user') THEN "
        "CREATE ROLE app_user NOLOGIN; END IF; EXECUTE 'CREATE ROLE ' || 'dynamic'; END $$;\n"
        "DO LANGUAGE plpgsql $body$ BEGIN CREATE GROUP app_group; END $body$;\n"
        "CREATE TABLE users (id int);\n"
    )
    assert scratch.roles_created(script) == ["app_owner", "Report Reader", "app_user", "app_group"]


def test_a_goal_that_creates_roles_builds_on_a_fresh_scratch_server(tmp_path: Path, pg_cluster) -> None:
    # The builder could not create roles: a goal making its own (as migrations do, once) failed unless an
    # earlier build had already made them on the same server.
    app, reader = _unique("goal_app"), _unique("goal_reader")
    goal = tmp_path / "goal.sql"
    goal.write_text(
        f"DO $$ BEGIN\n"
        f"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN CREATE ROLE {app} NOLOGIN; END IF;\n"
        f"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{reader}') THEN CREATE ROLE {reader}; END IF;\n"
        f"END $$;\n"
        f"CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n"
        f"GRANT SELECT, INSERT ON notes TO {app};\n"
        f"GRANT SELECT ON notes TO {reader};\n"
    )
    result = _cli("plan", "--to", str(goal), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    assert f"grant insert, select on table public.notes to {app}" in result.output.lower()
    assert f"grant select on table public.notes to {reader}" in result.output.lower()


@pytest.mark.parametrize(
    "statement",
    [
        "GRANT pg_execute_server_program TO {role}",
        "CREATE ROLE {role} IN ROLE pg_read_server_files",
        "CREATE ROLE {role} SUPERUSER",
        "CREATE ROLE {role} BYPASSRLS",
        "ALTER ROLE postgres NOLOGIN",
    ],
)
def test_the_builder_cannot_raise_its_rights_through_roles(tmp_path: Path, pg_cluster, statement: str) -> None:
    role = _unique("goal_climber")
    goal = tmp_path / "goal.sql"
    grant = statement.format(role=role)
    setup = "" if "CREATE ROLE" in grant else f"CREATE ROLE {role};\n"
    goal.write_text(f"{setup}{grant};\nCREATE TABLE t (id int);\n")
    result = _cli("plan", "--to", str(goal), "--dev-db", pg_cluster.url())
    assert result.exit_code == 2, result.output
    assert "does not apply to the scratch database" in result.output
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        held = conn.execute(
            "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(r.oid, 'pg_execute_server_program', 'MEMBER')"
            "    OR pg_has_role(r.oid, 'pg_read_server_files', 'MEMBER')"
            "  FROM pg_roles r WHERE r.rolname = %s",
            (role,),
        ).fetchone()
        assert not (held and held[0])
        assert conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'postgres'").fetchone()[0]
