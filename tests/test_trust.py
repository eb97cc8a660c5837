"""plan and apply as a gate: the platform's schemas are never touched, the scratch server is untrusted,
applies serialise, nothing hangs, and "nothing was changed" is true."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner


from schemac.cli import main
from schemac.supabase import NOT_MANAGED

SMALL_SPEC = """\
version: 1
tables:
  cars:
    columns:
      id: {type: bigint, primary_key: true}
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(SMALL_SPEC)
    return path


def _plan(database: str, spec: Path, pg_cluster, *more: str):
    return CliRunner().invoke(
        main, ["--no-color", "plan", "--db", database, "--to", str(spec), "--dev-db", pg_cluster.url(), *more]
    )


PLATFORM = ("_analytics", "_realtime", "_supavisor", "pgmq", "pgtle", "auth", "storage", "cron")


def test_plan_never_touches_the_platforms_schemas(database: str, spec: Path, pg_cluster) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        for schema in PLATFORM:
            conn.execute(
                f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.queue (id int PRIMARY KEY);"
                f" CREATE FUNCTION {schema}.f() RETURNS int LANGUAGE sql AS 'select 1'"
            )
        conn.execute("CREATE TABLE cars (id bigint PRIMARY KEY)")
    result = _plan(database, spec, pg_cluster)
    assert result.exit_code == 0, result.output
    assert "No changes" in result.output, result.output
    assert set(PLATFORM) <= set(NOT_MANAGED)


AUTH_POLICY_SPEC = """\
version: 1
tables:
  notes:
    columns:
      id: {type: bigint, primary_key: true}
      owner: {type: uuid, not_null: true}
    rls: true
    policies:
      notes_own:
        command: select
        roles: [public]
        using: owner = (select auth.uid())
"""


def _apply(database: str, spec: Path, pg_cluster, *more: str):
    return CliRunner().invoke(
        main, ["--no-color", "apply", "--db", database, "--to", str(spec), "--dev-db", pg_cluster.url(), "--yes", *more]
    )


def test_apply_compiles_the_spec_once_and_installs_the_standin_by_the_one_rule(
    database: str, tmp_path: Path, pg_cluster, monkeypatch
) -> None:
    # A postgres-flavored spec whose policy calls auth.uid(): the scratch build installed
    # the stand-in for it, apply did not, and the target then lacked auth.
    from schemac import pipeline

    compiled = []
    compile_text = pipeline.compile_text
    monkeypatch.setattr(pipeline, "compile_text", lambda *a, **k: compiled.append(a[1]) or compile_text(*a, **k))
    spec = tmp_path / "schema.yaml"
    spec.write_text(AUTH_POLICY_SPEC)
    result = _apply(database, spec, pg_cluster, "--allow-hazards", "widens-access", "--supabase-standin")
    assert result.exit_code == 0, result.output
    assert "the database matches the spec" in result.output
    assert compiled == [str(spec)]
    assert "commands.plan" not in (Path(pipeline.__file__).parent / "commands" / "apply.py").read_text()


def test_plan_runs_no_program_of_the_spec(tmp_path: Path, marker: Path, pg_cluster) -> None:
    # A materialized view selecting a function that runs COPY ... TO PROGRAM: built WITH
    # DATA as superuser, planning it ran the program (with the caller's environment).
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
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(spec), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 0, result.output
    assert "create materialized view public.looks_harmless" in result.output
    assert "WITH NO DATA" not in result.output  # the goal is WITH DATA; only its scratch build is not
    assert not marker.exists()


def test_a_goal_that_runs_a_program_is_refused(tmp_path: Path, marker: Path, pg_cluster, monkeypatch) -> None:
    goal = tmp_path / "goal.sql"
    goal.write_text(f"CREATE TABLE seen (line text);\nCOPY seen FROM PROGRAM 'env > {marker}; echo done';\n")
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(goal), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 2
    assert "does not apply to the scratch database" in result.output and "not a superuser" in result.output
    assert not marker.exists()


@pytest.mark.slow  # a server of its own
def test_the_scratch_server_sees_none_of_the_callers_environment(monkeypatch) -> None:
    from schemac import devdb

    monkeypatch.setenv("SCHEMAC_TEST_SECRET", "postgresql://admin:hunter2@prod/app")
    with devdb.Cluster() as cluster, cluster.connect() as conn:
        conn.execute("CREATE TABLE seen (line text)")
        conn.execute("COPY seen FROM PROGRAM 'env'")
        seen = [line for (line,) in conn.execute("SELECT line FROM seen")]
    assert seen and not any("hunter2" in line or "SCHEMAC_TEST_SECRET" in line for line in seen)


def _schemac(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "schemac.cli", "--no-color", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _columns(database: str, table: str) -> set[str]:
    with psycopg.connect(database, autocommit=True) as conn:
        return {
            name
            for (name,) in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
                (table,),
            )
        }


@pytest.mark.slow  # two processes, each with its own scratch build
def test_two_concurrent_applies_of_different_specs_never_both_commit(database: str, tmp_path: Path, pg_cluster) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE TABLE cars (id bigint PRIMARY KEY)")
    specs = []
    for column in ("colour", "plate"):
        spec = tmp_path / f"{column}.yaml"
        spec.write_text(SMALL_SPEC + f"      {column}: text\n")
        specs.append(spec)
    runs = [
        _schemac("apply", "--db", database, "--to", str(spec), "--dev-db", pg_cluster.url(), "--yes") for spec in specs
    ]
    outcomes = [(run.wait(timeout=120), run.stdout.read()) for run in runs]
    committed = [output for code, output in outcomes if code == 0]
    assert len(committed) == 1, outcomes
    assert _columns(database, "cars") in ({"id", "colour"}, {"id", "plate"})
    refused = next(output for code, output in outcomes if code != 0)
    assert "another apply is running (pid" in refused or "data-loss" in refused, refused
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM schemac.history").fetchone()[0] == 1


def test_a_plan_files_hazards_are_not_trusted(database: str, spec: Path, tmp_path: Path, pg_cluster) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE cars (id bigint PRIMARY KEY); CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1)"
        )
    spec.write_text(SMALL_SPEC + "  keep_me:\n    columns:\n      id: int\n")
    plan_file = tmp_path / "plan.json"
    result = _plan(database, spec, pg_cluster, "--format", "json", "--out", str(plan_file))
    assert result.exit_code == 0, result.output
    saved = json.loads(plan_file.read_text())
    assert saved["steps"] == []
    saved["steps"].append(
        {"sql": "DROP TABLE keep_me;", "phase": "transaction", "hazards": [], "title": "a harmless step"}
    )
    plan_file.write_text(json.dumps(saved))
    result = _apply(database, spec, pg_cluster, "--plan", str(plan_file))
    assert result.exit_code == 1, result.output
    assert "does not hold the plan from this database" in result.output
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM keep_me").fetchone()[0] == 1


def test_a_saved_plan_runs_with_the_hazards_of_its_steps(database: str, spec: Path, tmp_path: Path, pg_cluster) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE TABLE cars (id bigint PRIMARY KEY, colour text)")
    plan_file = tmp_path / "plan.json"
    assert _plan(database, spec, pg_cluster, "--format", "json", "--out", str(plan_file)).exit_code == 0
    saved = json.loads(plan_file.read_text())
    for step in saved["steps"]:
        step["hazards"] = []  # edited to look harmless: the hazards come from the steps, not from the file
    plan_file.write_text(json.dumps(saved))
    result = _apply(database, spec, pg_cluster, "--plan", str(plan_file))
    assert result.exit_code == 3, result.output
    assert _columns(database, "cars") == {"id", "colour"}
    result = _apply(database, spec, pg_cluster, "--plan", str(plan_file), "--allow-hazards", "all")
    assert result.exit_code == 0, result.output
    assert _columns(database, "cars") == {"id"}


@pytest.mark.parametrize("given", ["flag", "schemac.toml"])
def test_a_held_lock_makes_plan_fail_naming_the_wait(
    given: str, database: str, spec: Path, pg_cluster, monkeypatch
) -> None:
    # Reading a column's default (pg_get_expr) waits for the table's lock.
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE TABLE cars (id bigint PRIMARY KEY, colour text DEFAULT 'red')")
    monkeypatch.chdir(spec.parent)
    if given == "schemac.toml":
        (spec.parent / "schemac.toml").write_text('lock-timeout = "1s"\n')
    with psycopg.connect(database) as holder:
        holder.execute("LOCK TABLE cars IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        result = _plan(database, spec, pg_cluster, *(["--lock-timeout", "1s"] if given == "flag" else []))
        elapsed = time.monotonic() - started
        holder.rollback()
    assert result.exit_code == 2, result.output
    assert "waited longer than lock_timeout (1s) for a lock: held by public.cars (pid " in result.output
    assert "AccessExclusiveLock" in result.output
    assert elapsed < 30


def test_the_apply_session_has_its_timeouts(database: str) -> None:
    from schemac.apply import Session, Settings

    with Session(database, Settings(lock_timeout="3s", idle_in_transaction_timeout="45s")) as session:
        shown = [
            session.conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("lock_timeout", "idle_in_transaction_session_timeout")
        ]
        parameters = session.conn.info.get_parameters()
    assert shown == ["3s", "45s"]
    assert parameters["connect_timeout"] == "10" and parameters["keepalives"] == "1"


SUPABASE_SPEC = """\
version: 1
target: {flavor: supabase}
tables:
  cars:
    columns:
      id: {type: bigint, primary_key: true}
"""


def test_a_refused_apply_installs_nothing(database: str, tmp_path: Path, pg_cluster) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE TABLE doomed (id int); INSERT INTO doomed VALUES (1)")
    spec = tmp_path / "schema.yaml"
    spec.write_text(SUPABASE_SPEC)
    result = _apply(database, spec, pg_cluster, "--supabase-standin")
    assert result.exit_code == 3, result.output
    assert "nothing was changed" in result.output
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("SELECT to_regnamespace('auth'), to_regclass('cars')").fetchone() == (None, None)
        assert conn.execute("SELECT count(*) FROM doomed").fetchone()[0] == 1


def test_enum_values_committed_before_a_failed_transaction_are_reported(database: str) -> None:
    from schemac.apply import ApplyError, Settings, apply
    from schemac.plan import HAZARDS, Phase, Plan, Step

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE TYPE mood AS ENUM ('ok')")
    plan = Plan(
        (
            Step("ALTER TYPE mood ADD VALUE 'meh'", None, phase=Phase.BEFORE, note="add value meh to mood"),
            Step("CREATE TABLE broken (id int REFERENCES nowhere)", None),
        )
    )
    with pytest.raises(ApplyError) as failure:
        apply(database, plan, "", Settings(allowed_hazards=frozenset(HAZARDS)))
    message = str(failure.value)
    assert "the transaction was rolled back" in message
    assert "as it was" not in message
    assert "1 step(s) before it were committed and stay: add value meh to mood" in message


@pytest.mark.slow  # a second process with its own scratch build, waiting on the lock
def test_apply_plans_under_the_lock(database: str, tmp_path: Path, pg_cluster) -> None:
    # Another apply holds the lock and adds a column while this one waits: this one must plan
    # from the database as the other left it (and so refuse to drop that column), not run a
    # plan it made before it had the lock.
    from schemac.apply import ADVISORY_LOCK_KEY

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("CREATE TABLE cars (id bigint PRIMARY KEY)")
    spec = tmp_path / "plate.yaml"
    spec.write_text(SMALL_SPEC + "      plate: text\n")
    with psycopg.connect(database, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        waiting = _schemac(
            "apply", "--db", database, "--to", str(spec), "--dev-db", pg_cluster.url(), "--yes", "--wait", "60"
        )
        deadline = time.monotonic() + 60
        while not other.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'schemac apply'"
            "   AND datname = current_database()"
        ).fetchone()[0]:
            assert time.monotonic() < deadline and waiting.poll() is None, waiting.stdout.read()
            time.sleep(0.1)
        other.execute("ALTER TABLE cars ADD COLUMN colour text")
        other.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
    code, output = waiting.wait(timeout=120), waiting.stdout.read()
    assert code == 3, output
    assert "drop column public.cars.colour" in output
    assert _columns(database, "cars") == {"id", "colour"}


def test_extensions_on_the_untrusted_scratch_server(tmp_path: Path, pg_cluster) -> None:
    # Trusted (btree_gist) by the goal's role; vector, untrusted but harmless, by the superuser
    # beforehand; dblink (untrusted, reaches other servers) refused.
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\nextensions: [btree_gist, vector]\ntables:\n  cars:\n    columns:\n"
        "      id: {type: bigint, primary_key: true}\n      shape: vector(3)\n"
    )
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(spec), "--dev-db", pg_cluster.url()])
    available = {name for (name,) in pg_cluster.connect().execute("SELECT name FROM pg_available_extensions")}
    if "vector" in available:
        assert result.exit_code == 0, result.output
        assert "CREATE EXTENSION IF NOT EXISTS vector" in result.output
    goal = tmp_path / "goal.sql"
    goal.write_text("CREATE EXTENSION IF NOT EXISTS dblink;\n")
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(goal), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 2, result.output
    assert "only the extensions the server marks trusted" in result.output


def test_an_untrusted_extension_comes_after_the_extensions_it_requires(tmp_path: Path, pg_cluster) -> None:
    # earthdistance (untrusted, made by the superuser beforehand) requires cube (trusted, which the goal's role
    # would make only later): cube is made first, as the goal asks for it.
    available = {name for (name,) in pg_cluster.connect().execute("SELECT name FROM pg_available_extensions")}
    if not {"cube", "earthdistance"} <= available:
        pytest.skip("this server has no cube or earthdistance")
    goal = tmp_path / "goal.sql"
    goal.write_text(
        "CREATE EXTENSION IF NOT EXISTS earthdistance;\nCREATE EXTENSION IF NOT EXISTS cube;\n"
        "CREATE TABLE places (id bigint PRIMARY KEY, at earth);\n"
    )
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(goal), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 0, result.output
    assert "CREATE EXTENSION IF NOT EXISTS earthdistance" in result.output

    goal.write_text("CREATE EXTENSION IF NOT EXISTS earthdistance;\n")
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(goal), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 2, result.output
    assert "extension earthdistance requires extension cube, which the goal does not create" in result.output

    goal.write_text("CREATE EXTENSION cube;\nCREATE EXTENSION IF NOT EXISTS earthdistance;\n")
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(goal), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 2, result.output
    assert "write CREATE EXTENSION IF NOT EXISTS cube" in result.output


def test_an_extension_the_server_lacks_is_a_message(tmp_path: Path, pg_cluster) -> None:
    goal = tmp_path / "goal.sql"
    goal.write_text("CREATE EXTENSION IF NOT EXISTS schemac_no_such_extension;\n")
    result = CliRunner().invoke(main, ["--no-color", "plan", "--to", str(goal), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 2, result.output
    assert 'extension "schemac_no_such_extension" is not available' in result.output
    assert "give a server that has it with --dev-db URL" in result.output
