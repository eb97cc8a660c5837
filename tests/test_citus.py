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
    assert devdb.citus_settings(tmp_path, 4)["extension_control_path"] == f"{tmp_path}/share:$system"
