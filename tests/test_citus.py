"""Citus: the spec's distribution compiled, and proved on a coordinator with two workers.

Tests marked ``citus`` need a Citus build ($SCHEMAC_CITUS_DIR, from
../shared/citus/build.sh) and skip with the reason where there is none.
The traps' messages are checked by tests/specs/invalid/170-182.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pglast import split
from psycopg import sql

from schemac.errors import SpecError
from schemac.pipeline import compile_file, compile_text
from schemac.supabase import install_standin

CITUS_REFERENCE = Path(__file__).parent / "specs" / "citus" / "reference.yaml"

SAAS = """\
version: 1
target: {postgres: 18, citus: true}
roles: [app_user]
conventions:
  tenancy: {references: tenants.id, roles: [app_user], current_tenant: {source: claim}}
tables:
  tenants:
    columns:
      id:   {type: uuid, primary_key: true}
      name: {type: text, not_null: true}
  plans:
    columns:
      code: {type: text, primary_key: true}
  projects:
    tenant_scoped: true
    columns:
      id:   {type: uuid, not_null: true}
      plan: {type: text, references: plans.code}
    primary_key: [tenant_id, id]
  tasks:
    tenant_scoped: true
    columns:
      id:         {type: uuid, not_null: true}
      project_id: {type: uuid, not_null: true}
    primary_key: [tenant_id, id]
    foreign_keys:
      - columns: [tenant_id, project_id]
        references: {table: projects, columns: [tenant_id, id]}
        on_delete: cascade
"""


def distribution_lines(sql: str) -> list[str]:
    return [line for line in sql.splitlines() if line.startswith("SELECT create_")]


def test_tenancy_convention_places_every_table():
    sql = compile_text(SAAS).sql
    assert distribution_lines(sql) == [
        "SELECT create_reference_table('public.plans');",
        "SELECT create_distributed_table('public.tenants', 'id');",
        "SELECT create_distributed_table('public.projects', 'tenant_id', colocate_with => 'public.tenants');",
        "SELECT create_distributed_table('public.tasks', 'tenant_id', colocate_with => 'public.tenants');",
    ]
    # Tables exist before Citus takes them; keys and policies come after, and Citus propagates them.
    assert (
        sql.index("CREATE TABLE public.tasks")
        < sql.index("create_reference_table")
        < sql.index("ADD CONSTRAINT tasks_tenant_id_project_id_fkey")
        < sql.index("CREATE POLICY")
    )


def test_convention_policies_call_the_tenant_function_directly():
    sql = compile_text(SAAS).sql
    assert "USING (tenant_id = private.current_tenant_id())" in sql
    assert "(select private.current_tenant_id())" not in sql


def test_written_placement_wins_over_the_convention():
    spec = (
        SAAS + "  jobs:\n    distributed: false\n    columns:\n      id: {type: bigint, primary_key: true}\n"
    ).replace(
        "  tasks:\n    tenant_scoped: true\n",
        "  tasks:\n    tenant_scoped: true\n    distributed: {column: tenant_id, colocate_with: projects}\n",
    )
    lines = distribution_lines(compile_text(spec).sql)
    assert not any("jobs" in line for line in lines)
    assert (
        lines[-1] == "SELECT create_distributed_table('public.tasks', 'tenant_id', colocate_with => 'public.projects');"
    )


def test_colocation_group_follows_its_head_whatever_the_spec_order():
    spec = """\
version: 1
target: {postgres: 18, citus: true}
tables:
  order_lines:
    distributed: {column: account_id, colocate_with: orders}
    columns:
      account_id: {type: bigint, not_null: true}
      order_id:   {type: bigint, not_null: true}
      line:       {type: integer, not_null: true}
      currency:   {type: text, not_null: true, references: currencies.code}
    primary_key: [account_id, order_id, line]
    foreign_keys:
      - columns: [account_id, order_id]
        references: {table: orders, columns: [account_id, id]}
  orders:
    distributed: {column: account_id, colocate_with: accounts}
    columns:
      account_id: {type: bigint, not_null: true}
      id:         {type: bigint, not_null: true}
    primary_key: [account_id, id]
  accounts:
    distributed: {column: id, shard_count: 8}
    columns:
      id: {type: bigint, primary_key: true}
  currencies:
    columns:
      code: {type: text, primary_key: true}
"""
    assert distribution_lines(compile_text(spec).sql) == [
        "SELECT create_reference_table('public.currencies');",
        "SELECT create_distributed_table('public.accounts', 'id', shard_count => 8);",
        "SELECT create_distributed_table('public.orders', 'account_id', colocate_with => 'public.accounts');",
        "SELECT create_distributed_table('public.order_lines', 'account_id', colocate_with => 'public.orders');",
    ]


def test_on_update_over_the_distribution_column_is_refused():
    spec = SAAS.replace("        on_delete: cascade\n", "        on_delete: cascade\n        on_update: cascade\n")
    with pytest.raises(SpecError) as problems:
        compile_text(spec)
    assert [p.message for p in problems.value.problems] == [
        "on_update: cascade on the foreign key from 'tasks' to 'projects' would change the distribution column "
        "'tenant_id', which Citus refuses; drop 'on_update' (only no action or restrict are allowed)"
    ]


def test_without_citus_the_sql_has_no_distribution():
    sql = compile_text(SAAS.replace("citus: true", "citus: false")).sql
    assert distribution_lines(sql) == []
    assert "(select private.current_tenant_id())" in sql


def test_reference_schema_on_citus_builds():
    compiled = compile_file(CITUS_REFERENCE)
    lines = distribution_lines(compiled.sql)
    assert lines[:2] == [
        "SELECT create_reference_table('public.tenants');",
        "SELECT create_reference_table('public.profiles');",
    ]
    assert "SELECT create_distributed_table('public.vehicle_events', 'tenant_id');" in lines
    # Its partitions are distributed with it, never on their own (Citus refuses that).
    assert not any("vehicle_events_" in line for line in lines)
    # Parents before the tables that reference them: the reference tables first, then the tenant tables.
    assert lines.index("SELECT create_distributed_table('public.vehicles', 'tenant_id');") < lines.index(
        "SELECT create_distributed_table('public.vehicle_events', 'tenant_id');"
    )
    assert compiled.sql.startswith("-- Generated by schemac")
    assert "on Citus." in compiled.sql.splitlines()[2]


# -- on the cluster ----------------------------------------------------------------


def login_role(url: str, role: str) -> None:
    """Create ``role`` with LOGIN unless the cluster has it (roles belong to the cluster, not to a database):
    Citus reaches the workers as the role a query runs as, so that role must be able to log in."""
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))


def apply_sql(url: str, script: str, *, supabase: bool = False) -> None:
    """The built SQL in one transaction, a statement at a time as `schemac apply` runs a plan (Citus
    forwards some statements to the workers as the client sent them, and a whole script is refused)."""
    with psycopg.connect(url) as conn:
        if supabase:
            install_standin(conn)
        for statement in split(script):
            conn.execute(statement)
        conn.commit()


@pytest.mark.citus
def test_reference_schema_applies_on_the_cluster(citus_database):
    apply_sql(citus_database, compile_file(CITUS_REFERENCE).sql, supabase=True)
    with psycopg.connect(citus_database) as conn:
        placed = dict(
            conn.execute(
                "SELECT logicalrelid::text, partmethod FROM pg_dist_partition WHERE logicalrelid::text NOT LIKE '%\\_20%'"
            ).fetchall()
        )
        shards = conn.execute(
            "SELECT count(DISTINCT nodename) FROM citus_shards WHERE table_name = 'vehicles'::regclass"
        ).fetchone()[0]
        policies = conn.execute("SELECT count(*) FROM pg_policies WHERE tablename = 'vehicles'").fetchone()[0]
    assert placed["tenants"] == "n" and placed["profiles"] == "n"  # 'n': a reference table
    assert placed["vehicles"] == "h" and placed["vehicle_events"] == "h"  # 'h': hash-distributed
    assert shards == 2
    assert policies == 3  # select, insert, update: soft delete replaces delete


@pytest.mark.citus
def test_built_sql_adds_a_key_to_a_reference_table_after_one_between_distributed_ones(citus_database):
    """The file `schemac build` writes, run in one transaction (psql --single-transaction, the scratch
    build): a foreign key between distributed tables runs over several connections at once, after which
    Citus refuses the next DDL on a table unless the transaction uses one connection per node."""
    spec = (
        "version: 1\ntarget: {postgres: 18, citus: true}\ntables:\n"
        "  accounts:\n    distributed: {column: id}\n    columns:\n      id: {type: bigint, primary_key: true}\n"
        "  currencies:\n    reference: true\n    columns:\n      code: {type: text, primary_key: true}\n"
        "  orders:\n    distributed: {column: account_id, colocate_with: accounts}\n    columns:\n"
        "      account_id: {type: bigint, not_null: true, references: accounts.id}\n"
        "      id:         {type: bigint, not_null: true}\n"
        "      currency:   {type: text, not_null: true, references: currencies.code}\n"
        "    primary_key: [account_id, id]\n"
    )
    script = compile_text(spec).sql
    assert script.index("orders_account_id_fkey") < script.index("orders_currency_fkey")
    apply_sql(citus_database, script)
    with psycopg.connect(citus_database) as conn:
        keys = conn.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'")
        assert keys.fetchone()[0] == 2


@pytest.mark.citus
def test_distributed_saas_isolates_tenants_on_the_workers(citus_database):
    login_role(citus_database, "app_user")  # the spec names roles the database has
    apply_sql(citus_database, compile_text(SAAS).sql)
    a, b = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"
    with psycopg.connect(citus_database, autocommit=True) as conn:
        conn.execute("INSERT INTO tenants VALUES (%s, 'a'), (%s, 'b')", (a, b))
        conn.execute(
            "INSERT INTO projects (tenant_id, id) VALUES (%s, gen_random_uuid()), "
            "(%s, gen_random_uuid()), (%s, gen_random_uuid())",
            (a, a, b),
        )
    with psycopg.connect(citus_database) as conn:
        # Only SET LOCAL with citus.propagate_set_commands reaches the workers, where the policies run.
        conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        conn.execute(f'SET LOCAL request.jwt.claims = \'{{"app_metadata": {{"tenant_id": "{a}"}}}}\'')
        conn.execute("SET LOCAL ROLE app_user")
        seen = conn.execute("SELECT count(*) FROM projects").fetchone()[0]
        routed = conn.execute("EXPLAIN SELECT count(*) FROM projects WHERE tenant_id = %s", (a,)).fetchall()
    assert seen == 2
    assert any("Task Count: 1" in row[0] for row in routed)


@pytest.mark.citus
def test_local_table_keeps_a_dangling_row_that_schemac_refuses(citus_database):
    """The silent trap: a coordinator-local table's foreign key to a distributed table is accepted
    by Citus and not enforced on delete. schemac refuses the spec (case 176); here is why."""
    spec = (
        SAAS
        + """\
  exports:
    distributed: false
    columns:
      id:        {type: bigint, primary_key: true}
      tenant_id: {type: uuid, not_null: true, references: tenants.id}
"""
    )
    with pytest.raises(SpecError) as problems:
        compile_text(spec)
    assert "never enforces it" in str(problems.value.problems[0])

    tenant = "00000000-0000-0000-0000-0000000000cc"
    with psycopg.connect(citus_database, autocommit=True) as conn:
        conn.execute("CREATE TABLE trap_tenants (id uuid PRIMARY KEY)")
        conn.execute("SELECT create_distributed_table('trap_tenants', 'id')")
        conn.execute(
            "CREATE TABLE trap_exports (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES trap_tenants (id))"
        )
        conn.execute("INSERT INTO trap_tenants VALUES (%s)", (tenant,))
        conn.execute("INSERT INTO trap_exports VALUES (1, %s)", (tenant,))
        conn.execute("DELETE FROM trap_tenants WHERE id = %s", (tenant,))  # PostgreSQL alone would refuse this
        tenants = conn.execute("SELECT count(*) FROM trap_tenants WHERE id = %s", (tenant,)).fetchone()[0]
        exports = conn.execute("SELECT count(*) FROM trap_exports WHERE tenant_id = %s", (tenant,)).fetchone()[0]
    assert (tenants, exports) == (0, 1)  # the export row points at a tenant that no longer exists


def test_lint_catches_a_migration_that_distributes_after_a_bad_key(tmp_path):
    from click.testing import CliRunner

    from schemac.cli import main

    migration = tmp_path / "0007_distribute.sql"
    migration.write_text(
        "create table vehicles (tenant_id uuid not null, id uuid primary key);\n"
        "select create_distributed_table('vehicles', 'tenant_id');\n"
    )
    result = CliRunner().invoke(main, ["lint", str(migration)])
    assert result.exit_code == 1
    assert f"{migration}:1:57: error SC150 citus-key-without-distribution-column" in result.output


@pytest.mark.citus
def test_citus_saas_template_on_the_cluster(citus_database):
    """The template as its comments say to use it: partitions made later are distributed with their
    table, and a tenant passed with SET LOCAL sees its own rows only, routed to one shard."""
    from schemac.starters import template_text

    login_role(citus_database, "app_user")
    apply_sql(citus_database, compile_text(template_text("citus-saas")).sql)
    a, b = "00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000b2"
    with psycopg.connect(citus_database, autocommit=True) as conn:
        conn.execute("INSERT INTO plans VALUES ('free', 'Free', 0)")
        conn.execute("INSERT INTO tenants (id, name) VALUES (%s, 'a'), (%s, 'b')", (a, b))
        conn.execute("INSERT INTO projects (tenant_id, name) VALUES (%s, 'one'), (%s, 'two'), (%s, 'three')", (a, a, b))
        latest = conn.execute(
            "SELECT max(inhrelid::regclass::text) FROM pg_inherits WHERE inhparent = 'activity'::regclass"
        ).fetchone()[0]
        conn.execute(f"DROP TABLE {latest}")  # as if its month had not been made yet
        made = conn.execute("SELECT private.create_partitions()").fetchall()
        undistributed = conn.execute(
            "SELECT count(*) FROM pg_inherits i WHERE i.inhparent = 'activity'::regclass "
            "AND NOT EXISTS (SELECT FROM pg_dist_partition d WHERE d.logicalrelid = i.inhrelid)"
        ).fetchone()[0]
    assert made and undistributed == 0
    with psycopg.connect(citus_database) as conn:
        conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        conn.execute(f"SET LOCAL app.tenant_id = '{a}'")
        conn.execute("SET LOCAL ROLE app_user")
        names = [r[0] for r in conn.execute("SELECT name FROM projects ORDER BY name").fetchall()]
        plan = conn.execute("EXPLAIN SELECT name FROM projects WHERE tenant_id = %s", (a,)).fetchall()
        conn.execute("INSERT INTO activity (tenant_id, kind) VALUES (%s, 'login')", (a,))
        logged = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
    assert names == ["one", "two"]
    assert any("Task Count: 1" in row[0] for row in plan)
    assert logged == 1


def test_citus_build_folder_is_named_or_explained(tmp_path, monkeypatch):
    from schemac import devdb

    monkeypatch.delenv(devdb.CITUS_DIR_ENV, raising=False)
    with pytest.raises(devdb.DevDBError, match="set SCHEMAC_CITUS_DIR to the folder that ../shared/citus/build.sh"):
        devdb.find_citus_dir()
    monkeypatch.setenv(devdb.CITUS_DIR_ENV, str(tmp_path))
    with pytest.raises(devdb.DevDBError, match=r"SCHEMAC_CITUS_DIR=.* is not a Citus build \(no lib/citus.so"):
        devdb.find_citus_dir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "citus.so").write_bytes(b"")
    (tmp_path / "share" / "extension").mkdir(parents=True)
    (tmp_path / "share" / "extension" / "citus.control").write_text("")
    assert devdb.find_citus_dir() == tmp_path
    # Citus's folder, then the server's own extensions, then schemac's stand-ins of uuid-ossp and pgcrypto.
    assert devdb.citus_settings(tmp_path, 4)["extension_control_path"] == (
        f"{tmp_path}/share:$system:{devdb.standin_extensions_dir()}"
    )


# -- plan and apply against the cluster (issue 13 items 5 and 7) ---------------------------


def migrate(url: str, spec: Path, dev_db: str, allow: frozenset[str] = frozenset()):
    """Plan from the database to ``spec`` (built on the Citus scratch server), apply it, and return the plan."""
    from schemac import live
    from schemac.apply import Settings, apply

    plan = live.plan(*live.both(url, str(spec), dev_db))
    apply(url, plan, "test", Settings(allowed_hazards=allow))
    return plan


def replan(url: str, spec: Path, dev_db: str):
    from schemac import live

    return live.plan(*live.both(url, str(spec), dev_db))


@pytest.mark.citus
def test_reference_schema_applies_plans_empty_and_passes_schemac_test_on_the_cluster(
    citus_cluster, citus_scratch, tmp_path
):
    """The issue's "done when": the reference schema on Citus applied to the three-node cluster by
    `schemac apply`, planned empty afterwards, and `schemac test` passing there."""
    from click.testing import CliRunner

    from schemac.cli import main

    url = citus_cluster.create_database("c_reference_apply")
    try:
        applied = CliRunner().invoke(
            main,
            [
                "apply",
                "--db",
                url,
                "--to",
                str(CITUS_REFERENCE),
                "--dev-db",
                citus_scratch,
                "--yes",
                "--supabase-standin",
            ]
            + ["--allow-hazards", "widens-access"],
        )
        assert applied.exit_code == 0, applied.output
        assert replan(url, CITUS_REFERENCE, citus_scratch).empty
        with psycopg.connect(url) as conn:
            placed = dict(conn.execute("SELECT logicalrelid::text, partmethod FROM pg_dist_partition").fetchall())
        assert placed["vehicles"] == "h" and placed["tenants"] == "n"

        # New indexes on a distributed table and a distributed partitioned one: built concurrently
        # after the transaction (on each partition, then attached), as Citus propagates them.
        indexed = tmp_path / "indexed.yaml"
        indexed.write_text(
            CITUS_REFERENCE.read_text()
            .replace(
                "      - [tenant_id, vin]\n",
                "      - [tenant_id, vin]\n    indexes:\n      - {columns: [tenant_id, make]}\n",
            )
            .replace(
                "      - {columns: [tenant_id, vehicle_id, occurred_at desc]}\n",
                "      - {columns: [tenant_id, vehicle_id, occurred_at desc]}\n      - {columns: [tenant_id, type]}\n",
            )
        )
        plan = migrate(url, indexed, citus_scratch)
        concurrent = [s.sql for s in plan.steps if "CONCURRENTLY" in s.sql]
        assert any("ON public.vehicles" in c for c in concurrent), plan.sql()
        assert any("vehicle_events_2024" in c for c in concurrent), plan.sql()
        assert replan(url, indexed, citus_scratch).empty
    finally:
        citus_cluster.drop_database("c_reference_apply")

    for role in ("anon", "authenticated", "service_role"):  # Citus reaches the workers as them
        login_role(citus_cluster.url(), role)
        with psycopg.connect(citus_cluster.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER ROLE {} LOGIN").format(sql.Identifier(role)))
    url = citus_cluster.create_database("c_reference_test")
    try:
        result = CliRunner().invoke(main, ["test", "--spec", str(CITUS_REFERENCE), "--db", url])
    finally:
        citus_cluster.drop_database("c_reference_test")
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output and "FAIL" not in result.output


@pytest.mark.citus
def test_tables_with_rows_are_distributed_redistributed_and_undistributed(citus_database, citus_scratch, tmp_path):
    """A database made without Citus, rows and all, moved onto the cluster by a plan; then a table's
    colocation and shard count changed, and a reference table made distributed and back; each plan
    applied and the next one empty, the rows kept."""
    login_role(citus_database, "app_user")
    login_role(citus_scratch, "app_user")  # the spec names roles the scratch server has too
    spec = tmp_path / "schema.yaml"
    with_logs = SAAS + "  logs:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
    spec.write_text(with_logs.replace("citus: true", "citus: false"))
    migrate(citus_database, spec, citus_scratch, frozenset({"widens-access"}))
    a = "00000000-0000-0000-0000-0000000000a1"
    with psycopg.connect(citus_database, autocommit=True) as conn:
        conn.execute("INSERT INTO plans VALUES ('free')")
        conn.execute("INSERT INTO tenants VALUES (%s, 'a')", (a,))
        conn.execute(
            "INSERT INTO projects (tenant_id, id, plan) SELECT %s, gen_random_uuid(), 'free' FROM generate_series(1, 50)",
            (a,),
        )
        conn.execute(
            "INSERT INTO tasks (tenant_id, id, project_id) SELECT tenant_id, gen_random_uuid(), id FROM projects"
        )
        conn.execute("INSERT INTO logs VALUES (1), (2), (3)")

    def rows() -> tuple[int, int]:
        with psycopg.connect(citus_database) as conn:
            return conn.execute("SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM tasks)").fetchone()

    def placement() -> dict[str, tuple]:
        with psycopg.connect(citus_database) as conn:
            return {
                table: (method, column, shards)
                for table, method, column, shards in conn.execute(
                    "SELECT p.logicalrelid::text, p.partmethod, column_to_column_name(p.logicalrelid, p.partkey),"
                    "       g.shardcount FROM pg_dist_partition p JOIN pg_dist_colocation g USING (colocationid)"
                )
            }

    def groups() -> set[frozenset[str]]:
        with psycopg.connect(citus_database) as conn:
            return {
                frozenset(tables)
                for (tables,) in conn.execute(
                    "SELECT array_agg(logicalrelid::text) FROM pg_dist_partition WHERE partmethod = 'h' GROUP BY colocationid"
                )
            }

    # 1. Onto the cluster: the reference table and the distributed ones, their rows moved.
    spec.write_text(with_logs)
    refused = replan(citus_database, spec, citus_scratch)
    calls = {s.title: s.hazards for s in refused.steps if "Citus distribution" in s.title}
    assert calls == {
        "create Citus distribution public.plans": {"long-lock", "table-rewrite"},
        "create Citus distribution public.logs": {"long-lock", "table-rewrite"},
        "create Citus distribution public.tenants": {"long-lock", "table-rewrite", "breaks-clients"},
        "create Citus distribution public.projects": {"long-lock", "table-rewrite", "breaks-clients"},
        "create Citus distribution public.tasks": {"long-lock", "table-rewrite", "breaks-clients"},
    }
    # The foreign keys between tables that move are made again around the calls.
    assert any("moves on the Citus cluster" in s.title for s in refused.steps)
    everything = frozenset({"long-lock", "table-rewrite", "breaks-clients", "widens-access"})
    migrate(citus_database, spec, citus_scratch, everything)
    assert placement() == {
        "plans": ("n", None, 1),
        "logs": ("n", None, 1),
        "tenants": ("h", "id", 4),
        "projects": ("h", "tenant_id", 4),
        "tasks": ("h", "tenant_id", 4),
    }
    assert rows() == (50, 50)
    assert replan(citus_database, spec, citus_scratch).empty

    # 2. plans distributed by its key, logs with 8 shards: undistributed and distributed again.
    distributed = (
        with_logs.replace("      plan: {type: text, references: plans.code}\n", "      plan: text\n")
        .replace("  plans:\n", "  plans:\n    distributed: {column: code}\n")
        .replace("  logs:\n", "  logs:\n    distributed: {column: id, shard_count: 8}\n")
    )
    spec.write_text(distributed)
    plan = migrate(citus_database, spec, citus_scratch, everything)
    titles = [s.title for s in plan.steps]
    assert "drop Citus distribution public.plans (replaced)" in titles  # undistribute_table
    assert "create Citus distribution public.plans again (replaced)" in titles
    assert placement()["plans"] == ("h", "code", 4) and placement()["logs"] == ("h", "id", 8)
    again = replan(citus_database, spec, citus_scratch)
    assert again.empty, [(s.title, s.sql) for s in again.steps]

    # 3. logs' shard count changed in place (alter_distributed_table).
    spec.write_text(distributed.replace("shard_count: 8", "shard_count: 2"))
    plan = migrate(citus_database, spec, citus_scratch, everything)
    assert [s.sql for s in plan.steps if "alter_distributed_table" in s.sql] == [
        "SELECT alter_distributed_table('public.logs', shard_count => 2, cascade_to_colocated => false);"
    ]
    assert placement()["logs"] == ("h", "id", 2)
    again = replan(citus_database, spec, citus_scratch)
    assert again.empty, [(s.title, s.sql) for s in again.steps]

    # 4. logs back on the coordinator alone (undistribute_table), its rows with it.
    spec.write_text(distributed.replace("distributed: {column: id, shard_count: 8}", "distributed: false"))
    plan = migrate(citus_database, spec, citus_scratch, everything)
    assert [s.sql for s in plan.steps if "undistribute" in s.sql] == ["SELECT undistribute_table('public.logs');"]
    assert "logs" not in placement()
    with psycopg.connect(citus_database) as conn:
        assert conn.execute("SELECT count(*) FROM logs").fetchone()[0] == 3
    assert rows() == (50, 50)
    assert replan(citus_database, spec, citus_scratch).empty


def test_rls_initplan_on_a_citus_table_says_to_keep_the_call(tmp_path):
    """SC301 tells everyone else to wrap auth.uid() as (select auth.uid()); on a Citus table, which
    refuses the wrapper in a policy, its finding and its help say to keep the call."""
    from click.testing import CliRunner

    from schemac.cli import main

    migration = tmp_path / "0008_policies.sql"
    migration.write_text(
        "create table docs (tenant_id uuid not null, owner uuid);\n"
        "select create_distributed_table('docs', 'tenant_id');\n"
        "alter table docs enable row level security;\n"
        "create policy r on docs for select to authenticated using (owner = auth.uid());\n"
        "create table notes (owner uuid);\n"
        "alter table notes enable row level security;\n"
        "create policy r on notes for select to authenticated using (owner = auth.uid());\n"
    )
    result = CliRunner().invoke(main, ["lint", str(migration)])
    findings = [line for line in result.output.splitlines() if "SC301" in line]
    assert len(findings) == 2
    assert "4:68" in findings[0] and "Citus refuses (select auth.uid())" in findings[0]
    assert "7:69" in findings[1] and "wrap it as (select auth.uid())" in findings[1]
    assert "help: keep the call (Citus needs it bare)" in result.output
    assert "help: wrap the call in a scalar subquery" in result.output


@pytest.mark.citus
def test_schemac_test_on_an_embedded_citus_node(citus_scratch):
    """Without --db, `schemac test` of a Citus spec builds it on an embedded node that loads Citus
    (no workers: the roles need not log in) and passes."""
    from click.testing import CliRunner

    from schemac.cli import main

    result = CliRunner().invoke(main, ["test", "--spec", str(CITUS_REFERENCE)])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output


@pytest.mark.citus
def test_nothing_of_citus_is_read_as_the_databases(citus_database):
    """Citus' schemas, views in public, functions and pg_dist_* tables are never managed: an empty Citus
    database reads as an empty catalog, and a distributed table as a table and its placement."""
    from schemac import live

    with psycopg.connect(citus_database) as conn:
        empty = live.read(conn)
    assert empty.schemas == () or [s.name for s in empty.schemas] == ["public"]
    assert (empty.tables, empty.views, empty.functions, empty.distributions) == ((), (), (), ())

    with psycopg.connect(citus_database, autocommit=True) as conn:
        conn.execute("CREATE TABLE accounts (id bigint PRIMARY KEY)")
        conn.execute("CREATE TABLE orders (account_id bigint, id bigint, PRIMARY KEY (account_id, id))")
        conn.execute("CREATE TABLE solo (id bigint PRIMARY KEY)")
        conn.execute("CREATE TABLE codes (code text PRIMARY KEY)")
        conn.execute("SELECT create_distributed_table('orders', 'account_id')")
        conn.execute("SELECT create_distributed_table('accounts', 'id', colocate_with => 'orders')")
        conn.execute("SELECT create_distributed_table('solo', 'id', colocate_with => 'none', shard_count => 2)")
        conn.execute("SELECT create_reference_table('codes')")
        catalog = live.read(conn)
    from schemac.catalog.objects import Distribution, QualifiedName

    def q(name: str) -> QualifiedName:
        return QualifiedName("public", name)

    assert [t.qname.name for t in catalog.tables] == ["accounts", "codes", "orders", "solo"]
    # A colocation group is named by its first table, whichever table it was built around.
    assert catalog.distributions == (
        Distribution(q("accounts"), "distributed", "id", None, 4),
        Distribution(q("codes"), "reference"),
        Distribution(q("orders"), "distributed", "account_id", q("accounts"), 4),
        Distribution(q("solo"), "distributed", "id", None, 2),
    )


def test_a_colocation_group_that_changes_its_shard_count_stays_together():
    """Offline, on catalogs as introspection reads them (a group named by its first table): the head is
    redistributed alone, the other tables are colocated with it again, and the foreign key between them
    is made again around the move (alter_distributed_table would drop it)."""
    from dataclasses import replace

    from schemac.catalog.objects import Catalog, Distribution
    from schemac.diff import compare
    from schemac.plan import make_plan

    compiled = compile_text(SAAS).catalog
    q = {t.qname.name: t.qname for t in compiled.tables}

    def placed(shards: int) -> tuple[Distribution, ...]:
        return (
            Distribution(q["plans"], "reference"),
            Distribution(q["projects"], "distributed", "tenant_id", None, shards),
            Distribution(q["tasks"], "distributed", "tenant_id", q["projects"], shards),
            Distribution(q["tenants"], "distributed", "id", q["projects"], shards),
        )

    current: Catalog = replace(compiled, distributions=placed(4))
    desired: Catalog = replace(compiled, distributions=placed(8))
    plan = make_plan(current, desired, compare(current, desired))
    calls = [s.sql for s in plan.steps if "alter_distributed_table" in s.sql]
    assert calls == [
        "SELECT alter_distributed_table('public.projects', shard_count => 8, cascade_to_colocated => false);",
        "SELECT alter_distributed_table('public.tasks', colocate_with => 'public.projects');",
        "SELECT alter_distributed_table('public.tenants', colocate_with => 'public.projects');",
    ]
    sql_text = plan.sql()
    assert sql_text.index("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'") < sql_text.index("DROP CONSTRAINT")
    assert sql_text.index("DROP CONSTRAINT tasks_tenant_id_project_id_fkey") < sql_text.index("alter_distributed")
    assert sql_text.rindex("alter_distributed_table") < sql_text.index("ADD CONSTRAINT tasks_tenant_id_project_id_fkey")
    hazards = {s.sql.split("(")[1].split(",")[0]: s.hazards for s in plan.steps if "alter_distributed" in s.sql}
    assert hazards == {
        "'public.projects'": {"long-lock", "table-rewrite"},
        "'public.tasks'": {"long-lock", "table-rewrite"},
        "'public.tenants'": {"long-lock", "table-rewrite"},
    }
    assert make_plan(desired, desired, compare(desired, desired)).empty


def test_a_new_table_joins_an_existing_group_without_moving_it():
    """Offline: a new tenant table whose name sorts before every table of its group (introspection names
    a group by its first table) is created colocated with a table that exists; the group stays put."""
    from dataclasses import replace

    from schemac.catalog.objects import Catalog, Distribution
    from schemac.diff import compare
    from schemac.plan import make_plan

    spec = SAAS + (
        "  activity:\n    tenant_scoped: true\n    columns:\n      id: {type: uuid, not_null: true}\n"
        "    primary_key: [tenant_id, id]\n"
    )
    compiled = compile_text(spec).catalog
    q = {t.qname.name: t.qname for t in compiled.tables}
    group = ("projects", "tasks", "tenants")
    column = {"tenants": "id"}

    def placed(names, head) -> tuple[Distribution, ...]:
        return (Distribution(q["plans"], "reference"),) + tuple(
            Distribution(q[n], "distributed", column.get(n, "tenant_id"), None if n == head else q[head], 4)
            for n in names
        )

    current: Catalog = replace(
        compiled,
        tables=tuple(t for t in compiled.tables if t.qname.name != "activity"),
        policies=tuple(p for p in compiled.policies if p.table.name != "activity"),
        indexes=tuple(i for i in compiled.indexes if i.table.name != "activity"),
        foreign_keys=tuple(f for f in compiled.foreign_keys if f.table.name != "activity"),
        distributions=placed(group, "projects"),
    )
    desired: Catalog = replace(compiled, distributions=placed(("activity", *group), "activity"))
    plan = make_plan(current, desired, compare(current, desired))
    calls = [s.sql for s in plan.steps if "distributed_table" in s.sql]
    assert calls == [
        "SELECT create_distributed_table('public.activity', 'tenant_id', colocate_with => 'public.projects');"
    ]
    assert not any(s.hazards & {"long-lock", "table-rewrite"} for s in plan.steps)


DOTTED = """\
version: 1
target: {postgres: 18, citus: true}
schemas:
  my.app: {}
tables:
  '"a.b"':
    distributed: {column: tenant.id, shard_count: 2}
    columns:
      tenant.id: {type: bigint, primary_key: true}
  '"ref.codes"':
    reference: true
    columns:
      code.value: {type: text, primary_key: true}
  '"my.app"."c.d"':
    distributed: {column: tenant.id, colocate_with: '"a.b"'}
    columns:
      tenant.id: {type: bigint, not_null: true, references: '"a.b"."tenant.id"'}
      id: {type: bigint, not_null: true}
      code: {type: text, references: '"ref.codes"."code.value"'}
    primary_key: [tenant.id, id]
"""


@pytest.mark.citus
def test_names_with_a_dot_are_placed_on_the_cluster(citus_database, citus_scratch, tmp_path):
    """Tables and distribution columns with a dot in their names, written in double quotes where the spec
    reads a reference: distributed, colocated and made a reference table; the next plan is empty."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(DOTTED)
    migrate(citus_database, spec, citus_scratch)
    with psycopg.connect(citus_database) as conn:
        placed = {
            table: (method, column, group)
            for table, method, column, group in conn.execute(
                "SELECT logicalrelid::text, partmethod, column_to_column_name(logicalrelid, partkey), colocationid"
                "  FROM pg_dist_partition"
            )
        }
    assert placed['"a.b"'][:2] == ("h", "tenant.id")
    assert placed['"my.app"."c.d"'] == ("h", "tenant.id", placed['"a.b"'][2])
    assert placed['"ref.codes"'][0] == "n"
    again = replan(citus_database, spec, citus_scratch)
    assert again.empty, again.sql()
