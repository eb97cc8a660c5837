"""plan / apply / check --db against real PostgreSQL: convergence, drift, hazards, faults."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac import live, scratch
from schemac.apply import ADVISORY_LOCK_KEY, ApplyError, HazardRefused, Settings, apply
from schemac.cli import main
from schemac.plan import HAZARDS, Phase, Plan, Step

ROOT = Path(__file__).parents[1]
SPECS = [ROOT / "schema.yaml", *sorted((ROOT / "tests" / "specs" / "valid").glob("*.yaml"))]
ALL = Settings(allowed_hazards=frozenset(HAZARDS))


def _migrate(url: str, spec: Path, dev_db: str) -> None:
    goal = live.desired(str(spec), dev_db)
    if scratch.load(spec).needs_standin:
        with psycopg.connect(url, autocommit=True) as conn:
            from schemac.supabase import install_standin

            install_standin(conn)
    apply(url, live.plan(live.current(url), goal), "", ALL)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_a_spec_applied_plans_empty(spec: Path, database: str, pg_cluster) -> None:
    dev_db = pg_cluster.url()
    _migrate(database, spec, dev_db)
    remaining = live.plan(live.current(database), live.desired(str(spec), dev_db))
    assert remaining.empty, remaining.sql()


def test_hazards_are_refused_unless_allowed(database: str, pg_cluster) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("create table doomed (id int primary key); insert into doomed values (1)")
    goal = live.desired(str(ROOT / "tests" / "specs" / "valid" / "every_kind.yaml"), pg_cluster.url())
    plan = live.plan(live.current(database), goal)
    with pytest.raises(HazardRefused, match="data-loss"):
        apply(database, plan, "", Settings())
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("select count(*) from doomed").fetchone()[0] == 1


def test_a_failing_step_leaves_the_database_as_it_was(database: str) -> None:
    plan = Plan(
        (
            Step("CREATE TABLE first_one (id int)", None),
            Step("CREATE TABLE second_one (id int REFERENCES nowhere)", None),
        )
    )
    with pytest.raises(ApplyError, match="rolled back"):
        apply(database, plan, "", ALL)
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("select to_regclass('first_one')").fetchone()[0] is None
        # Only schemac's own record of the failure remains.
        assert conn.execute("select outcome from schemac.history").fetchall() == [("failed",)]


def test_a_killed_connection_leaves_the_database_as_it_was(database: str) -> None:
    plan = Plan(
        (Step("CREATE TABLE survivor (id int)", None), Step("SELECT pg_terminate_backend(pg_backend_pid())", None))
    )
    with pytest.raises(ApplyError):
        apply(database, plan, "", ALL)
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("select to_regclass('survivor')").fetchone()[0] is None


def test_two_applies_never_interleave(database: str) -> None:
    with psycopg.connect(database, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        with pytest.raises(ApplyError, match=r"another apply is running \(pid \d+, since "):
            apply(database, Plan((Step("CREATE TABLE t (id int)", None),)), "", ALL)


def test_a_plan_larger_than_the_lock_table_stops_before_starting(database: str) -> None:
    steps = tuple(Step(f"CREATE TABLE t{i} (id int)", None) for i in range(20_000))
    with pytest.raises(ApplyError, match="max_locks_per_transaction to at least"):
        apply(database, Plan(steps), "", ALL)
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("select to_regclass('t0')").fetchone()[0] is None


@pytest.mark.slow  # a server of its own, and 3,000 tables in one transaction
def test_a_dev_server_with_a_small_lock_table_is_named_as_the_cause(tmp_path: Path, monkeypatch) -> None:
    # A --dev-db server with few lock slots (2 x 100 connections): the goal's
    # script runs in one transaction there, so it cannot take 3,000 tables.
    from schemac import devdb

    monkeypatch.setitem(devdb.SERVER_SETTINGS, "max_locks_per_transaction", "10")
    goal = tmp_path / "many.sql"
    goal.write_text("\n".join(f"CREATE TABLE t{i} (id int PRIMARY KEY, note text);" for i in range(3000)))
    with devdb.Cluster() as small:
        with pytest.raises(live.LiveError, match="raise max_locks_per_transaction on that server"):
            live.desired(str(goal), small.url())


def test_a_scratch_server_older_than_the_target_is_named_as_the_cause(pg_cluster, tmp_path: Path) -> None:
    # A spec for PostgreSQL 18 with a NOT VALID foreign key on a partitioned table:
    # an older scratch server cannot build it, and the message says why.
    if pg_cluster.server_version_num // 10000 >= 18:
        pytest.skip("needs a scratch server before PostgreSQL 18 (SCHEMAC_PG_BINDIR)")
    spec = tmp_path / "spec.yaml"
    spec.write_text("""\
version: 1
target: {postgres: 18}
tables:
  owners:
    columns:
      id: {type: bigint, primary_key: true}
  events:
    columns:
      id: {type: bigint, not_null: true}
      at: {type: date, not_null: true}
      owner_id: {type: bigint, references: {table: owners, valid: false}}
    primary_key: [id, at]
    partition:
      by: range
      column: at
      partitions: {events_2025: {from: '2025-01-01', to: '2026-01-01'}}
""")
    major = pg_cluster.server_version_num // 10000
    with pytest.raises(
        live.LiveError,
        match=f"the spec targets PostgreSQL 18 .* the scratch server is PostgreSQL {major}: "
        "give a PostgreSQL 18 server with --dev-db",
    ):
        live.desired(str(spec), pg_cluster.url())


def test_a_column_collated_by_a_collation_of_another_schema_is_created_with_it(pg_cluster) -> None:
    # Database to database: the catalog holds the collation as "public.german"; the
    # CREATE TABLE must name it public.german, not "public.german".
    urls = []
    for name, table in (("coll_a", ""), ("coll_b", "CREATE TABLE people (name text COLLATE public.german);")):
        url = pg_cluster.create_database(f"{name}_{uuid.uuid4().hex[:6]}")
        urls.append(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE COLLATION public.german (provider = libc, locale = 'C'); {table}")
    start, goal = urls
    try:
        plan = live.plan(live.current(start), live.desired(goal))
        assert "name text COLLATE public.german" in plan.sql()
        apply(start, plan, "", ALL)
        assert live.plan(live.current(start), live.desired(goal)).empty
    finally:
        for url in urls:
            pg_cluster.drop_database(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


def test_history_records_what_ran(database: str) -> None:
    apply(database, Plan((Step("CREATE TABLE recorded (id int)", None),)), "abc123", ALL)
    with psycopg.connect(database, autocommit=True) as conn:
        fingerprint, sql = conn.execute("select fingerprint, sql from schemac.history").fetchone()
    assert fingerprint == "abc123"
    assert "CREATE TABLE recorded" in sql


def test_cli_plan_apply_and_drift(database: str, pg_cluster, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "tests" / "diffs" / "03_add_and_drop_columns" / "from.yaml", tmp_path / "schema.yaml")
    runner = CliRunner()
    dev = ["--dev-db", pg_cluster.url()]
    result = runner.invoke(main, ["plan", "--db", database, *dev])
    assert result.exit_code == 0, result.output
    assert "create table public.vehicles" in result.output
    result = runner.invoke(main, ["apply", "--db", database, "--yes", *dev])
    assert result.exit_code == 0, result.output
    assert "the database matches the spec" in result.output
    assert runner.invoke(main, ["build"]).exit_code == 0
    result = runner.invoke(main, ["check", "--db", database, *dev])
    assert result.exit_code == 1  # the vehicles table has no RLS in this small spec: a lint error
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("alter table vehicles add column colour text")
    result = runner.invoke(main, ["plan", "--db", database, "--format", "json", "--out", "plan.json", *dev])
    assert result.exit_code == 0, result.output
    assert "drop column public.vehicles.colour" in (tmp_path / "plan.json").read_text()
    result = runner.invoke(main, ["apply", "--db", database, "--yes", *dev])
    assert result.exit_code == 3  # dropping a column loses data: refused without --allow-hazards
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("alter table vehicles add column trim_level text")
    saved = ["--plan", "plan.json", "--yes", "--allow-hazards", "data-loss,breaks-clients"]
    result = runner.invoke(main, ["apply", "--db", database, *saved, *dev])
    assert result.exit_code == 1
    assert "the database changed since plan.json was made" in result.output


def test_a_failed_concurrent_index_leaves_no_invalid_index(database: str, pg_cluster, tmp_path: Path) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(
            "create table cars (id bigint primary key, plate text); insert into cars values (1, 'A'), (2, 'A')"
        )
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\ntables:\n  cars:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
        "      plate: text\n    indexes:\n      - {columns: [plate], unique: true}\n"
    )
    plan = live.plan(live.current(database), live.desired(str(spec), pg_cluster.url()))
    (step,) = plan.steps
    assert step.phase == Phase.AFTER and "CONCURRENTLY" in step.sql
    with pytest.raises(ApplyError, match="could not create unique index"):
        apply(database, plan, "", ALL)
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("select count(*) from pg_index where not indisvalid").fetchone()[0] == 0


def test_partitions_made_at_run_time_are_kept(database: str, pg_cluster, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\nconventions:\n  partitions: true\ntables:\n  events:\n    columns:\n"
        "      id: {type: bigint, not_null: true}\n      at: {type: timestamptz, not_null: true}\n"
        "    primary_key: [id, at]\n"
        "    partition: {by: range, column: at, interval: year, start: 2024, until: 2025}\n"
    )
    _migrate(database, spec, pg_cluster.url())
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("create table events_2031 partition of events for values from ('2031-01-01') to ('2032-01-01')")
    remaining = live.plan(live.current(database), live.desired(str(spec), pg_cluster.url()))
    assert remaining.empty, remaining.sql()
