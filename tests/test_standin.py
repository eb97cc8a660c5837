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


# ------------------------------------------------------------- the Supabase stand-in

# What a Supabase project's first migration commonly does, written here from the patterns of the
# corpus's projects: the extensions made IF NOT EXISTS in extensions, a default calling uuid-ossp
# unqualified, a bucket inserted and a policy on storage.objects calling storage's helpers.
FIRST_MIGRATION = """\
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create table public.profiles (
    id uuid default uuid_generate_v4() primary key,
    user_id uuid references auth.users,
    avatar_url text
);
insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
create policy "Anyone can upload an avatar into their own folder." on storage.objects
    for insert to authenticated
    with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = auth.uid()::text);
"""


def _goal(script: str) -> scratch.Goal:
    return scratch.Goal(script, "migration.sql")


def test_a_supabase_first_migration_builds_with_the_standin(pg_cluster) -> None:
    # It failed on "schema storage does not exist", then on uuid_generate_v4() and on
    # 'extension "pgcrypto" is not available' (the embedded PostgreSQL has neither).
    goal = _goal(FIRST_MIGRATION)
    assert goal.needs_standin
    with scratch.built(goal, pg_cluster.url()) as built:
        conn = built.conn
        assert conn.execute(
            "SELECT array_agg(extname ORDER BY extname) FROM pg_extension WHERE extnamespace = 'extensions'::regnamespace"
        ).fetchone()[0] == ["pgcrypto", "uuid-ossp"]
        # The database's search_path has extensions, as Supabase's roles have it: later sessions find
        # uuid_generate_v4() unqualified.
        with psycopg.connect(conn.info.dsn, password=conn.info.password, autocommit=True) as later:
            assert later.execute("SELECT current_setting('search_path')").fetchone()[0] == (
                '"$user", public, extensions'
            )
            assert later.execute("SELECT uuid_generate_v4() <> uuid_generate_v4()").fetchone()[0]
        assert [str(t.qname) for t in built.catalog().tables] == ["public.profiles"]  # storage is the platform's


def test_storage_has_its_tables_and_helpers(pg_cluster) -> None:
    with scratch.built(_goal("select from storage.objects;"), pg_cluster.url()) as built:
        conn = built.conn
        tables = conn.execute(
            "SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c"
            " WHERE c.relnamespace = 'storage'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity"
        ).fetchone()[0]
        assert tables == ["buckets", "migrations", "objects", "s3_multipart_uploads", "s3_multipart_uploads_parts"]
        conn.execute("INSERT INTO storage.buckets (id, name) VALUES ('docs', 'docs')")
        conn.execute("INSERT INTO storage.objects (bucket_id, name) VALUES ('docs', 'team/2024/plan.final.pdf')")
        assert conn.execute(
            "SELECT storage.foldername(name), storage.filename(name), storage.extension(name), path_tokens"
            "  FROM storage.objects"
        ).fetchone() == (["team", "2024"], "plan.final.pdf", "pdf", ["team", "2024", "plan.final.pdf"])
        assert conn.execute(
            "SELECT storage.foldername('top.txt'), storage.filename('top.txt'), storage.extension('README')"
        ).fetchone() == ([], "top.txt", "README")
        granted = conn.execute(
            "SELECT bool_and(has_table_privilege(r, 'storage.objects', 'SELECT, INSERT, UPDATE, DELETE'))"
            "  FROM unnest(ARRAY['anon', 'authenticated', 'service_role']) r"
        ).fetchone()[0]
        assert granted


def test_the_platform_roles_exist_and_reach_nothing(pg_cluster) -> None:
    with scratch.built(_goal("select auth.uid();"), pg_cluster.url()) as built:
        rows = built.conn.execute(
            "SELECT rolname, rolcanlogin, rolsuper, rolreplication, rolcreaterole, rolcreatedb FROM pg_roles"
            " WHERE rolname IN ('supabase_auth_admin', 'supabase_storage_admin', 'supabase_admin', 'authenticator',"
            "                   'dashboard_user', 'supabase_replication_admin')"
        ).fetchall()
        assert sorted(r[0] for r in rows) == [
            "authenticator",
            "dashboard_user",
            "supabase_admin",
            "supabase_auth_admin",
            "supabase_replication_admin",
            "supabase_storage_admin",
        ]
        assert not any(any(r[1:]) for r in rows)
        assert built.conn.execute(
            "SELECT bool_and(pg_has_role('authenticator', r, 'MEMBER'))"
            "  FROM unnest(ARRAY['anon', 'authenticated', 'service_role']) r"
        ).fetchone()[0]
        assert built.conn.execute(
            "SELECT has_schema_privilege('supabase_auth_admin', 'auth', 'CREATE, USAGE'),"
            "       has_table_privilege('supabase_auth_admin', 'auth.users', 'SELECT, INSERT, UPDATE, DELETE'),"
            "       has_table_privilege('supabase_storage_admin', 'storage.objects', 'SELECT, INSERT, UPDATE, DELETE')"
        ).fetchone() == (True, True, True)


def test_an_auth_hook_granted_to_supabase_auth_admin_builds(tmp_path: Path, pg_cluster) -> None:
    # Supabase's documented custom access token hook: executable by supabase_auth_admin only.
    goal = tmp_path / "hook.sql"
    goal.write_text(
        "create function public.custom_access_token_hook(event jsonb) returns jsonb language plpgsql stable as $$\n"
        "begin return event; end; $$;\n"
        "grant execute on function public.custom_access_token_hook to supabase_auth_admin;\n"
        "revoke execute on function public.custom_access_token_hook from authenticated, anon, public;\n"
        "grant usage on schema public to supabase_auth_admin;\n"
        "select auth.uid();\n"
    )
    result = _cli("plan", "--to", str(goal), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    assert "to supabase_auth_admin" in result.output.lower()


def _has_real(conn: psycopg.Connection, extension: str) -> bool:
    comment = conn.execute("SELECT comment FROM pg_available_extensions WHERE name = %s", (extension,)).fetchone()
    return comment is not None and not (comment[0] or "").startswith("schemac stand-in")


@pytest.mark.parametrize(
    ("call", "extension"),
    [("extensions.gen_random_bytes(16)", "pgcrypto"), ("uuid_generate_v5(uuid_ns_url(), 'x')", "uuid-ossp")],
)
def test_a_function_the_standin_lacks_is_named_with_the_way_out(
    tmp_path: Path, pg_cluster, call: str, extension: str
) -> None:
    # On the embedded PostgreSQL the stand-in has only what core does identically: a call to anything else
    # is refused naming the function, its extension and --dev-db; a server with the extension builds it.
    goal = tmp_path / "goal.sql"
    goal.write_text(f"create table public.tokens (token text default {call}, owner uuid references auth.users);\n")
    result = _cli("plan", "--to", str(goal), "--dev-db", pg_cluster.url())
    with psycopg.connect(pg_cluster.url()) as conn:
        real = _has_real(conn, extension)
    if real:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2, result.output
        name = call.split("(")[0].rsplit(".")[-1]
        assert f"function {name}" in result.output.replace("extensions.", "")
        assert f"it is {extension}'s" in result.output and "--dev-db" in result.output


def test_the_standin_extensions_make_no_cryptographic_function() -> None:
    from schemac.devdb import standin_extensions_dir
    from schemac.supabase import STANDIN_LACKS

    scripts = "\n".join(p.read_text() for p in (standin_extensions_dir() / "extension").glob("*.sql"))
    made = {line.split()[2].split("(")[0] for line in scripts.splitlines() if line.startswith("CREATE FUNCTION")}
    assert made == {"gen_random_uuid", "uuid_generate_v4", "uuid_nil", "uuid_ns_dns", "uuid_ns_oid", "uuid_ns_url",
                    "uuid_ns_x500"}  # fmt: skip
    assert not made & set(STANDIN_LACKS)


# ------------------------------------------------------------- schemac test builds as plan does


def test_schemac_test_runs_no_program_of_the_spec(tmp_path: Path, marker: Path, pg_cluster) -> None:
    # schemac test built the goal as the scratch server's superuser: a materialized view (built with its
    # data, as the tests need) selecting a function that runs COPY ... TO PROGRAM ran the program.
    spec = tmp_path / "schema.yaml"
    spec.write_text(f"""\
version: 1
functions:
  sneaky:
    returns: int
    language: plpgsql
    volatility: volatile
    body: |
      begin
        copy (select 1) to program 'id > {marker}';
        return 1;
      end;
materialized_views:
  looks_harmless:
    query: select sneaky() as n
""")
    result = _cli("test", "--spec", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 2, result.output
    assert "not a superuser" in result.output
    assert not marker.exists()


def test_schemac_test_acts_through_the_untrusted_builder(tmp_path: Path, pg_cluster) -> None:
    # The spec's own tests see the role that built the goal: no superuser, none of the roles that reach the
    # server's programs or files; yet the tests still act as the API roles and read the materialized
    # view's rows.
    spec = tmp_path / "schema.yaml"
    spec.write_text("""\
version: 1
target: {flavor: supabase}
tables:
  notes:
    columns:
      id: {type: bigint, primary_key: true}
materialized_views:
  note_count:
    query: select count(*) as n from public.notes
tests:
  builder_is_no_superuser:
    sql: >-
      select rolsuper, pg_has_role(session_user, 'pg_execute_server_program', 'MEMBER'),
             pg_has_role(session_user, 'pg_read_server_files', 'MEMBER') from pg_roles where rolname = session_user
    expect: {rows: [[false, false, false]]}
  acts_as_anon:
    role: anon
    sql: select current_user
    expect: {rows: [[anon]]}
  reads_the_view:
    sql: select n from public.note_count
    expect: {rows: [[0]]}
""")
    result = _cli("test", "--spec", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    for name in ("builder_is_no_superuser", "acts_as_anon", "reads_the_view"):
        assert f"PASS  tests: {name}" in result.output


# ------------------------------------------------------------- apply installs it only when asked


def test_apply_installs_the_standin_only_when_asked(tmp_path: Path, pg_cluster) -> None:
    # apply installed the stand-in into any database without an auth schema, a self-hosted production
    # server included, as a side effect of applying a supabase spec.
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\ntarget: {flavor: supabase}\ntables:\n  cars:\n    columns:\n"
        "      id: {type: bigint, primary_key: true}\n"
    )
    name = _unique("standin_target")
    url = pg_cluster.create_database(name)
    try:
        refused = _cli("apply", "--db", url, "--to", str(spec), "--dev-db", pg_cluster.url(), "--yes")
        assert refused.exit_code == 2, refused.output
        assert "--supabase-standin" in refused.output and "nothing was changed" in refused.output
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT to_regnamespace('auth'), to_regclass('public.cars')").fetchone() == (None, None)
        applied = _cli(
            "apply", "--db", url, "--to", str(spec), "--dev-db", pg_cluster.url(), "--yes", "--supabase-standin",
            "--allow-hazards", "all",
        )  # fmt: skip
        assert applied.exit_code == 0, applied.output
        assert "stand-in" in applied.output
        with psycopg.connect(url) as conn:
            assert conn.execute(
                "SELECT to_regclass('auth.users') IS NOT NULL, to_regclass('storage.objects') IS NOT NULL,"
                "       to_regclass('public.cars') IS NOT NULL"
            ).fetchone() == (True, True, True)
    finally:
        pg_cluster.drop_database(name)


def test_a_goal_leaves_no_login_behind(tmp_path: Path, pg_cluster) -> None:
    # With CREATEROLE (16+) a goal could leave a role that logs in with a password its author knows on a
    # --dev-db server. The roles it made stay (a migration's roles do; import builds the spec after the SQL)
    # but cannot log in, and the builder itself is gone.
    planted = _unique("Goal Planted")
    goal = tmp_path / "goal.sql"
    goal.write_text(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{planted}') THEN\n"
        f"  CREATE ROLE \"{planted}\" LOGIN PASSWORD 'known'; END IF; END $$;\n"
        f'CREATE TABLE t (id int);\nGRANT SELECT ON t TO "{planted}";\n'
    )
    result = _cli("plan", "--to", str(goal), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    with psycopg.connect(pg_cluster.url()) as conn:
        assert conn.execute(
            "SELECT rolcanlogin OR rolpassword IS NOT NULL FROM pg_authid WHERE rolname = %s", (planted,)
        ).fetchall() == [(False,)]
        assert conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'schemac\\_goal\\_%%'").fetchall() == []
