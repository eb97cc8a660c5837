"""Grants are an allow-list (issue 12, item 8): after apply, every role the spec names, PUBLIC and
the API roles hold exactly what the spec grants on each object, on a database whose default
privileges (Supabase's: ALL on new tables, sequences and functions in public to the API roles)
give them more. Roles the spec does not name keep what they have."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from schemac.cli import main
from schemac.supabase import install_standin

SPEC = """\
version: 1
target: {postgres: 15, flavor: supabase}
tables:
  notes:
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      body: text
    grants:
      - {to: authenticated, privileges: [select, insert]}
  counters:
    columns:
      id: {type: bigint, primary_key: true}
sequences:
  tickets:
    grants:
      - {to: authenticated, privileges: [usage]}
views:
  note_bodies:
    query: select body from notes
    grants:
      - {to: anon, privileges: [select]}
functions:
  note_count:
    returns: bigint
    body: select count(*) from public.notes
    grants:
      - {to: authenticated, privileges: [execute]}
  internal:
    returns: integer
    body: select 1
"""

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


def table_privileges(conn: psycopg.Connection) -> tuple[str, ...]:
    """Every table privilege the server has: MAINTAIN from PostgreSQL 17."""
    return TABLE_PRIVILEGES + (("MAINTAIN",) if conn.info.server_version >= 170000 else ())


def held(conn: psycopg.Connection, role: str, relation: str) -> set[str]:
    """The table privileges ``role`` has on ``relation``, directly or through PUBLIC."""
    return {
        p
        for p in table_privileges(conn)
        if conn.execute("SELECT has_table_privilege(%s, %s, %s)", (role, relation, p)).fetchone()[0]
    }


def explicit(conn: psycopg.Connection, relation: str) -> dict[str, set[str]]:
    """The entries of the relation's ACL, by grantee (PUBLIC as 'public'), the owner's left out."""
    out: dict[str, set[str]] = {}
    rows = conn.execute(
        "SELECT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type"
        "  FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a"
        " WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        (relation,),
    ).fetchall()
    for grantee, privilege in rows:
        out.setdefault(grantee, set()).add(privilege)
    return out


@pytest.fixture
def supabase_like(database: str) -> str:
    """A database with the Supabase stand-in's default privileges, and a table made under them
    by hand, the way a dashboard or another tool makes one."""
    with psycopg.connect(database, autocommit=True) as conn:
        install_standin(conn)
        conn.execute("CREATE TABLE public.counters (id bigint PRIMARY KEY)")
    return database


def test_apply_leaves_exactly_the_granted_privileges(tmp_path: Path, pg_cluster, supabase_like: str) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    dev = ("--dev-db", pg_cluster.url())
    with psycopg.connect(supabase_like) as conn:
        everything = table_privileges(conn)
        assert held(conn, "anon", "public.counters") == set(everything)  # the defaults at work

    planned = run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev)
    assert planned.exit_code == 0, planned.output
    steps = json.loads(planned.output)["steps"]
    revokes = [s for s in steps if s["sql"].startswith("REVOKE") and "counters" in s["sql"]]
    # The table made by hand: what the defaults gave the API roles is taken back, each a hazard.
    assert {s["sql"] for s in revokes} == {
        f"REVOKE {', '.join(sorted(everything))} ON TABLE public.counters FROM {role};"
        for role in ("anon", "authenticated")
    }
    assert all(s["hazards"] == ["breaks-clients"] for s in revokes)
    refused = run("apply", "--db", supabase_like, "--to", str(spec), "--yes", *dev)
    assert refused.exit_code == 3, refused.output

    applied = run("apply", "--db", supabase_like, "--to", str(spec), "--yes", "--allow-hazards", "breaks-clients", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(supabase_like) as conn:
        assert held(conn, "anon", "public.notes") == set()
        assert held(conn, "authenticated", "public.notes") == {"SELECT", "INSERT"}
        assert held(conn, "anon", "public.counters") == held(conn, "authenticated", "public.counters") == set()
        assert explicit(conn, "public.notes").get("authenticated") == {"SELECT", "INSERT"}
        assert "anon" not in explicit(conn, "public.notes") and "public" not in explicit(conn, "public.notes")
        # service_role is not named by the spec: it keeps what the platform gives it.
        assert held(conn, "service_role", "public.notes") == set(everything)
        assert held(conn, "anon", "public.note_bodies") == {"SELECT"}
        assert held(conn, "authenticated", "public.note_bodies") == set()
        for sequence, role, expected in (
            ("public.tickets", "authenticated", True),
            ("public.tickets", "anon", False),
            ("public.notes_id_seq", "anon", False),
            ("public.notes_id_seq", "authenticated", False),
        ):
            for privilege in ("USAGE", "SELECT", "UPDATE"):
                has = conn.execute("SELECT has_sequence_privilege(%s, %s, %s)", (role, sequence, privilege)).fetchone()
                assert has[0] == (expected and privilege == "USAGE"), (sequence, role, privilege)
        functions = dict(
            conn.execute(
                "SELECT proname, array[has_function_privilege('anon', p.oid, 'EXECUTE'),"
                "                      has_function_privilege('authenticated', p.oid, 'EXECUTE'),"
                "                      has_function_privilege('public', p.oid, 'EXECUTE')]"
                "  FROM pg_proc p WHERE pronamespace = 'public'::regnamespace"
            ).fetchall()
        )
        assert functions == {"note_count": [False, True, False], "internal": [False, False, False]}

    again = run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev)
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["steps"] == []


def test_a_default_granted_later_is_revoked_by_the_next_plan(tmp_path: Path, pg_cluster, supabase_like: str) -> None:
    """Drift in the privileges of a managed role is found and taken back; an unmanaged role's is left."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    dev = ("--dev-db", pg_cluster.url())
    applied = run("apply", "--db", supabase_like, "--to", str(spec), "--yes", "--allow-hazards", "breaks-clients", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(supabase_like, autocommit=True) as conn:
        conn.execute("GRANT TRUNCATE, TRIGGER ON public.notes TO authenticated")
        conn.execute("GRANT EXECUTE ON FUNCTION public.internal() TO PUBLIC")
        conn.execute("REVOKE DELETE ON public.notes FROM service_role")
    planned = run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev)
    assert planned.exit_code == 0, planned.output
    assert [(s["sql"], s["hazards"]) for s in json.loads(planned.output)["steps"]] == [
        ("REVOKE EXECUTE ON FUNCTION public.internal() FROM PUBLIC;", ["breaks-clients"]),
        ("REVOKE TRIGGER, TRUNCATE ON TABLE public.notes FROM authenticated;", ["breaks-clients"]),
    ]


COLUMNS = """\
version: 1
target: {postgres: 15, flavor: supabase}
tables:
  profiles:
    columns:
      id: {type: bigint, primary_key: true}
      name: text
      bio: text
    grants:
      - {to: authenticated, privileges: select}
      - {to: authenticated, privileges: [update], columns: [name, bio]}
      - {to: anon, privileges: select, columns: name}
      - {to: service_role, privileges: [select, insert], with_grant_option: true}
"""


def column_privileges(conn: psycopg.Connection) -> dict[tuple[str, str], set[str]]:
    """(grantee, column) -> privileges on the columns of public.profiles, '*' for WITH GRANT OPTION."""
    out: dict[tuple[str, str], set[str]] = {}
    for grantee, column, privilege, grantable in conn.execute(
        "SELECT pg_get_userbyid(a.grantee), t.attname, a.privilege_type, a.is_grantable"
        "  FROM pg_attribute t, aclexplode(t.attacl) a"
        " WHERE t.attrelid = 'public.profiles'::regclass AND t.attacl IS NOT NULL"
    ).fetchall():
        out.setdefault((grantee, column), set()).add(privilege + ("*" if grantable else ""))
    return out


def test_column_grants_and_grant_options_converge(tmp_path: Path, pg_cluster, supabase_like: str) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(COLUMNS)
    dev = ("--dev-db", pg_cluster.url())
    with psycopg.connect(supabase_like, autocommit=True) as conn:
        conn.execute("DROP TABLE public.counters")
    applied = run("apply", "--db", supabase_like, "--to", str(spec), "--yes", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(supabase_like) as conn:
        assert column_privileges(conn) == {
            ("authenticated", "name"): {"UPDATE"},
            ("authenticated", "bio"): {"UPDATE"},
            ("anon", "name"): {"SELECT"},
        }
        assert explicit(conn, "public.profiles")["authenticated"] == {"SELECT"}
        assert "anon" not in explicit(conn, "public.profiles")
        options = conn.execute(
            "SELECT array_agg(a.privilege_type ORDER BY a.privilege_type) FROM pg_class c, aclexplode(c.relacl) a"
            " WHERE c.oid = 'public.profiles'::regclass AND a.grantee = 'service_role'::regrole AND a.is_grantable"
        ).fetchone()[0]
        assert options == ["INSERT", "SELECT"]
        assert (
            conn.execute("SELECT has_column_privilege('anon', 'public.profiles', 'bio', 'SELECT')").fetchone()[0]
            is False
        )
    again = run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev)
    assert json.loads(again.output)["steps"] == [], again.output

    # Drift by hand on a column, and the spec changed: one column and one grant option fewer.
    with psycopg.connect(supabase_like, autocommit=True) as conn:
        conn.execute("GRANT UPDATE (id) ON public.profiles TO anon")
    spec.write_text(
        COLUMNS.replace("columns: [name, bio]", "columns: [name]").replace(
            "[select, insert], with_grant_option: true", "[select, insert]"
        )
    )
    planned = run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev)
    assert planned.exit_code == 0, planned.output
    assert sorted((s["sql"], s["hazards"]) for s in json.loads(planned.output)["steps"]) == [
        ("REVOKE GRANT OPTION FOR INSERT, SELECT ON TABLE public.profiles FROM service_role;", ["breaks-clients"]),
        ("REVOKE UPDATE (bio) ON TABLE public.profiles FROM authenticated;", ["breaks-clients"]),
        ("REVOKE UPDATE (id) ON TABLE public.profiles FROM anon;", ["breaks-clients"]),
    ]
    applied = run("apply", "--db", supabase_like, "--to", str(spec), "--yes", "--allow-hazards", "breaks-clients", *dev)
    assert applied.exit_code == 0, applied.output
    again = run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev)
    assert json.loads(again.output)["steps"] == [], again.output


def test_column_grants_and_grant_options_import_exactly(tmp_path: Path, pg_cluster, supabase_like: str) -> None:
    with psycopg.connect(supabase_like, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.profiles (id bigint PRIMARY KEY, name text, bio text)")
        conn.execute("REVOKE ALL ON public.profiles FROM anon, authenticated")
        conn.execute("GRANT SELECT ON public.profiles TO authenticated")
        conn.execute("GRANT UPDATE (name, bio) ON public.profiles TO authenticated")
        conn.execute("GRANT INSERT ON public.profiles TO authenticated WITH GRANT OPTION")
    out = tmp_path / "schema.yaml"
    imported = run("import", "--db", supabase_like, "--out", str(out), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0, imported.output
    text = out.read_text()
    assert "columns: [bio, name]" in text and "with_grant_option: true" in text, text
    again = run("plan", "--db", supabase_like, "--to", str(out), "--format", "json", "--dev-db", pg_cluster.url())
    assert json.loads(again.output)["steps"] == [], again.output


def test_identity_sequence_privileges_import_exactly_and_converge(
    tmp_path: Path, pg_cluster, supabase_like: str
) -> None:
    """A table made under Supabase's default privileges leaves the API roles ALL on its identity column's
    sequence: import writes it as the column's ``sequence_grants`` (not a difference it cannot hold), and
    a spec that grants less there is applied as written."""
    with psycopg.connect(supabase_like, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.todos (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, task text)")
    out = tmp_path / "schema.yaml"
    dev = ("--dev-db", pg_cluster.url())
    imported = run("import", "--db", supabase_like, "--out", str(out), *dev)
    assert imported.exit_code == 0, imported.output
    column = yaml.safe_load(out.read_text())["tables"]["todos"]["columns"]["id"]
    assert column["sequence_grants"] == [{"to": ["anon", "authenticated"], "privileges": "all"}], column
    again = run("plan", "--db", supabase_like, "--to", str(out), "--format", "json", *dev)
    assert json.loads(again.output)["steps"] == [], again.output

    spec = yaml.safe_load(out.read_text())
    spec["tables"]["todos"]["columns"]["id"]["sequence_grants"] = [{"to": "anon", "privileges": "usage"}]
    out.write_text(yaml.safe_dump(spec))
    applied = run("apply", "--db", supabase_like, "--to", str(out), "--yes", "--allow-hazards", "all", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(supabase_like) as conn:
        for role, privilege, expected in (
            ("anon", "USAGE", True),
            ("anon", "UPDATE", False),
            ("authenticated", "USAGE", False),
            ("authenticated", "SELECT", False),
        ):
            has = conn.execute("SELECT has_sequence_privilege(%s, 'public.todos_id_seq', %s)", (role, privilege))
            assert has.fetchone()[0] == expected, (role, privilege)


TYPES = """\
version: 1
roles: [type_user]
enums:
  mood:
    values: [happy, sad]
    grants:
      - {to: type_user, privileges: usage}
  plain: [a, b]
domains:
  positive:
    type: integer
    check: value > 0
    grants:
      - {to: public, privileges: usage}
"""


def test_type_privileges_are_managed_where_the_spec_grants_them(tmp_path: Path, pg_cluster) -> None:
    """An enum or domain with grants holds exactly those; one without keeps PostgreSQL's USAGE for PUBLIC."""
    name = f"types_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    dev = ("--dev-db", pg_cluster.url())
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DO $$ BEGIN CREATE ROLE type_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        spec = tmp_path / "schema.yaml"
        spec.write_text(TYPES)
        applied = run("apply", "--db", url, "--to", str(spec), "--yes", *dev)
        assert applied.exit_code == 0, applied.output

        def usage() -> dict[str, tuple[bool, bool]]:
            with psycopg.connect(url) as conn:
                return {
                    t: conn.execute(
                        "SELECT has_type_privilege('public', %s, 'USAGE'), has_type_privilege('type_user', %s, 'USAGE')",
                        (f"public.{t}", f"public.{t}"),
                    ).fetchone()
                    for t in ("mood", "plain", "positive")
                }

        assert usage() == {"mood": (False, True), "plain": (True, True), "positive": (True, True)}
        again = run("plan", "--db", url, "--to", str(spec), "--format", "json", *dev)
        assert json.loads(again.output)["steps"] == [], again.output

        spec.write_text(TYPES.replace("{to: type_user, privileges: usage}", "{to: public, privileges: usage}"))
        planned = run("plan", "--db", url, "--to", str(spec), "--format", "json", *dev)
        assert [(s["sql"], s["hazards"]) for s in json.loads(planned.output)["steps"]] == [
            ("GRANT USAGE ON TYPE public.mood TO PUBLIC;", ["widens-access"]),
            ("REVOKE USAGE ON TYPE public.mood FROM type_user;", ["breaks-clients"]),
        ]
        applied = run(
            "apply", "--db", url, "--to", str(spec), "--yes", "--allow-hazards", "breaks-clients,widens-access", *dev
        )
        assert applied.exit_code == 0, applied.output
        assert usage()["mood"] == (True, True)

        out = tmp_path / "imported.yaml"
        imported = run("import", "--db", url, "--out", str(out), *dev)
        assert imported.exit_code == 0, imported.output
        text = out.read_text()
        assert "plain: [a, b]" in text, text
        again = run("plan", "--db", url, "--to", str(out), "--format", "json", *dev)
        assert json.loads(again.output)["steps"] == [], again.output
    finally:
        pg_cluster.drop_database(name)


PARTITIONED = """\
version: 1
target: {postgres: 15, flavor: supabase}
conventions:
  partitions: true
tables:
  readings:
    columns:
      id: {type: bigint, not_null: true}
      at: {type: timestamptz, not_null: true}
    primary_key: [id, at]
    partition: {by: range, column: at, interval: year, start: 2024, premake: 1}
    grants:
      - {to: authenticated, privileges: [select, insert]}
"""


def test_partitions_hold_nothing_for_the_api_roles(tmp_path: Path, pg_cluster, supabase_like: str) -> None:
    """A partition is reached by name too (TRUNCATE, LOCK): those the spec makes and those made at run time
    by the partitions convention hold nothing for the managed roles; the parent's grants cover reads."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(PARTITIONED)
    dev = ("--dev-db", pg_cluster.url())
    with psycopg.connect(supabase_like, autocommit=True) as conn:
        conn.execute("DROP TABLE public.counters")
    applied = run("apply", "--db", supabase_like, "--to", str(spec), "--yes", *dev)
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(supabase_like, autocommit=True) as conn:
        made = [
            r[0]
            for r in conn.execute(
                "SELECT i.inhrelid::regclass::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE c.relkind = 'r' ORDER BY 1"
            ).fetchall()
        ]
        assert made and all(held(conn, role, p) == set() for p in made for role in ("anon", "authenticated"))
        latest = made[-2] if made[-1].endswith("_default") else made[-1]
        conn.execute(f"DROP TABLE {latest}")
        assert conn.execute("SELECT * FROM private.create_partitions()").fetchall() == [(f"public.{latest}",)]
        assert held(conn, "anon", latest) == held(conn, "authenticated", latest) == set()
        assert held(conn, "service_role", latest) == set(table_privileges(conn))  # not managed: left as made
        assert held(conn, "authenticated", "public.readings") == {"SELECT", "INSERT"}
    again = run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev)
    assert json.loads(again.output)["steps"] == [], again.output


def test_the_roles_left_alone_are_named_once(tmp_path: Path, pg_cluster, supabase_like: str) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    dev = ("--dev-db", pg_cluster.url())
    applied = run("apply", "--db", supabase_like, "--to", str(spec), "--yes", "--allow-hazards", "breaks-clients", *dev)
    assert applied.exit_code == 0, applied.output
    planned = run("plan", "--db", supabase_like, "--to", str(spec), *dev)
    assert planned.output.startswith("No changes: the database matches.\n"), planned.output
    assert "note: privileges of roles the spec does not name are left as they are: service_role (on " in planned.output
    as_json = json.loads(run("plan", "--db", supabase_like, "--to", str(spec), "--format", "json", *dev).output)
    assert as_json["steps"] == [] and len(as_json["notes"]) == 1
