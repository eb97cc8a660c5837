"""Citus' placement of tables in `schemac import` (read from the catalog) and in `schemac docs`.

Tests marked ``citus`` need a Citus build ($SCHEMAC_CITUS_DIR) and skip with the reason where there is none.
"""

from __future__ import annotations

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from schemac.cli import main
from schemac.docgen.markdown import markdown
from schemac.pipeline import compile_text

from test_citus import SAAS, apply_sql, login_role


def test_docs_say_where_citus_keeps_each_table():
    spec = SAAS + (
        "  exports:\n    distributed: false\n    columns:\n      id: {type: bigint, primary_key: true}\n"
        "  events:\n    distributed: {column: id, colocate_with: none, shard_count: 8}\n"
        "    columns:\n      id: {type: bigint, primary_key: true}\n"
    )
    lines = [line for line in markdown(compile_text(spec).catalog).splitlines() if "Citus" in line]
    assert lines == [
        "Built from `schema.yaml` for PostgreSQL 18 (postgres, on Citus): 6 tables, 1 function.",
        "On Citus: distributed by `id`, colocated with the tables whose distribution columns have its type and "
        "shard count; the cluster's default number of shards.",
        "On Citus: a reference table, copied whole to every node.",
        "On Citus: distributed by `tenant_id`, colocated with [`tenants`](#tenants); the cluster's default number "
        "of shards.",
        "On Citus: distributed by `tenant_id`, colocated with [`tenants`](#tenants); the cluster's default number "
        "of shards.",
        "On Citus: kept on the coordinator alone (a local table).",
        "On Citus: distributed by `id`, in a colocation group of its own; 8 shards.",
    ]


def test_docs_of_a_spec_without_citus_say_nothing_of_it():
    assert "Citus" not in markdown(compile_text(SAAS.replace("citus: true", "citus: false")).catalog)


@pytest.mark.citus
def test_import_writes_each_tables_placement_and_the_round_trip_is_exact(citus_database, citus_scratch, tmp_path):
    """A Citus database: a colocation group of three tables, a reference table, a local table and a table
    distributed in a group of its own. The imported spec says where each one lives, its round trip is
    exact, and a plan from the database to it is empty."""
    login_role(citus_database, "app_user")
    login_role(citus_scratch, "app_user")
    apply_sql(citus_database, compile_text(SAAS).sql)
    with psycopg.connect(citus_database, autocommit=True) as conn:
        conn.execute("CREATE TABLE exports (id bigint PRIMARY KEY, plan text REFERENCES plans (code))")
        conn.execute("CREATE TABLE events (id uuid PRIMARY KEY)")
        conn.execute("CREATE TABLE stream (id uuid PRIMARY KEY)")
        conn.execute("SELECT create_distributed_table('events', 'id', colocate_with => 'none', shard_count => 2)")
        # The same column type and shard count as the tenants' group, but a group of its own.
        conn.execute("SELECT create_distributed_table('stream', 'id', colocate_with => 'none')")
    out = tmp_path / "schema.yaml"
    result = CliRunner().invoke(main, ["import", "--db", citus_database, "--out", str(out), "--dev-db", citus_scratch])
    assert result.exit_code == 0, result.output + out.read_text()
    spec = yaml.safe_load(out.read_text())
    assert spec["target"]["citus"] is True
    placed = {
        name: {key: table[key] for key in ("distributed", "reference") if key in table}
        for name, table in spec["tables"].items()
    }
    assert placed == {
        "events": {"distributed": {"column": "id", "shard_count": 2}},
        "exports": {"distributed": False},
        "plans": {"reference": True},
        "projects": {"distributed": {"column": "tenant_id", "colocate_with": "none", "shard_count": 4}},
        "stream": {"distributed": {"column": "id", "colocate_with": "none", "shard_count": 4}},
        "tasks": {"distributed": {"column": "tenant_id", "colocate_with": "projects"}},
        "tenants": {"distributed": {"column": "id", "colocate_with": "projects"}},
    }
    again = CliRunner().invoke(main, ["plan", "--db", citus_database, "--to", str(out), "--dev-db", citus_scratch])
    assert again.exit_code == 0 and "No changes" in again.output, again.output
