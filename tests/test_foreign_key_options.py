"""Every option of a foreign key is modelled: MATCH FULL (MATCH SIMPLE is the default; PostgreSQL does not
implement MATCH PARTIAL), ON DELETE SET NULL / SET DEFAULT (columns), ON UPDATE actions, DEFERRABLE and
INITIALLY DEFERRED, NOT VALID and NOT ENFORCED (PostgreSQL 18). A database that holds each imports exactly,
is rebuilt from the spec with each, and a plan sees one that changes."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.diff import Renames, compare
from schemac.pipeline import compile_file
from schemac.plan import HAZARDS, make_plan

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

KEYS = """
create table tenants (id bigint primary key);
create table projects (tenant_id bigint references tenants, id bigint, code text default 'none',
    primary key (tenant_id, id), unique (tenant_id, code));
create table tasks (
    id bigint primary key,
    tenant_id bigint,
    project_id bigint,
    code text default 'none',
    owner_id bigint references tenants match full on update cascade,
    foreign key (tenant_id, project_id) references projects match full,
    constraint tasks_project_cleared foreign key (tenant_id, project_id) references projects
        on delete set null (project_id),
    constraint tasks_code_reset foreign key (tenant_id, code) references projects (tenant_id, code)
        on delete set default (code) deferrable initially deferred
);
-- NOT VALID holds only where a key is added to a table that exists.
alter table tasks add constraint tasks_later foreign key (owner_id) references tenants
    deferrable initially immediate not valid;
"""
# PostgreSQL 18: a foreign key that is never checked.
NOT_ENFORCED = (
    "alter table tasks add constraint tasks_unchecked foreign key (project_id, tenant_id) "
    "references projects (id, tenant_id) match full not enforced;"
)


def _definitions(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'tasks'::regclass"
        )
        return dict(rows.fetchall())


def test_every_foreign_key_option_imports_back_exactly(tmp_path: Path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(KEYS)
        if conn.info.server_version >= 180000:
            conn.execute(NOT_ENFORCED)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(main, ["import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    tasks = yaml.safe_load(spec.read_text())["tables"]["tasks"]
    written = [{"columns": ["owner_id"], **tasks["columns"]["owner_id"]["references"]}, *tasks["foreign_keys"]]
    by_name = {fk.get("name") or f"tasks_{'_'.join(fk['columns'])}_fkey": fk for fk in written}
    assert by_name["tasks_owner_id_fkey"] == {
        "columns": ["owner_id"],
        "references": {"table": "tenants", "columns": ["id"]},
        "on_update": "cascade",
        "match": "full",
    }
    assert by_name["tasks_later"] == {
        "columns": ["owner_id"],
        "table": "tenants",
        "column": "id",
        "name": "tasks_later",
        "deferrable": "initially immediate",
        "valid": False,
    }
    assert by_name["tasks_tenant_id_project_id_fkey"]["match"] == "full"
    assert by_name["tasks_project_cleared"]["on_delete_columns"] == ["project_id"]
    assert by_name["tasks_code_reset"]["on_delete_columns"] == ["code"]
    assert by_name["tasks_code_reset"]["deferrable"] is True

    target = databases()
    apply(target, live.plan(live.current(target), live.desired(str(spec), pg_cluster.url())), "", ALL)
    assert _definitions(target) == _definitions(source)
    remaining = live.plan(live.current(target), live.desired(source))
    assert remaining.empty, remaining.sql()

    # As PostgreSQL enforces them: a half-NULL key is refused under MATCH FULL, and deleting a project
    # clears only the task's project, and puts its code back to the default.
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("insert into tenants values (1); insert into projects values (1, 10, 'p10'), (1, 11, 'none')")
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="MATCH FULL"):
            conn.execute("insert into tasks (id, tenant_id, project_id) values (1, null, 10)")
        conn.execute("alter table tasks drop constraint tasks_tenant_id_project_id_fkey")
        conn.execute("insert into tasks (id, tenant_id, project_id, code) values (1, 1, 10, 'p10')")
        conn.execute("delete from projects where id = 10")
        assert conn.execute("select tenant_id, project_id, code from tasks").fetchall() == [(1, None, "none")]


def test_a_plan_sees_the_match_type_change(tmp_path: Path, database, pg_cluster) -> None:
    """The loss this models: MATCH FULL dropped by hand, and no plan said so."""
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "tables:\n"
        "  tenants:\n"
        "    columns: {id: {type: bigint, primary_key: true}}\n"
        "  tasks:\n"
        "    columns:\n"
        "      id: {type: bigint, primary_key: true}\n"
        "      tenant_id: {type: bigint, references: {table: tenants, match: full}}\n"
    )
    goal = live.desired(str(spec), pg_cluster.url())
    apply(database, live.plan(live.current(database), goal), "", ALL)
    assert live.plan(live.current(database), goal).empty
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("alter table tasks drop constraint tasks_tenant_id_fkey")
        conn.execute("alter table tasks add constraint tasks_tenant_id_fkey foreign key (tenant_id) references tenants")
    drift = live.plan(live.current(database), goal)
    assert any("MATCH FULL" in step.sql for step in drift.steps), drift.sql()
    apply(database, drift, "", ALL)
    assert "MATCH FULL" in _definitions(database)["tasks_tenant_id_fkey"]


def _plan_titles(tmp_path: Path, before: str, after: str) -> list[str]:
    (tmp_path / "from.yaml").write_text(before)
    (tmp_path / "to.yaml").write_text(after)
    start, goal = compile_file(tmp_path / "from.yaml").catalog, compile_file(tmp_path / "to.yaml").catalog
    return [step.title for step in make_plan(start, goal, compare(start, goal, Renames.from_catalog(goal))).steps]


def test_a_renamed_column_stays_in_the_keys_that_name_it(tmp_path: Path) -> None:
    """PostgreSQL follows a renamed column in a foreign key's columns, in its ON DELETE SET NULL columns, and
    in the referenced columns of a key from the table to itself: a rename alone, no key made again."""
    before = """
version: 1
tables:
  nodes:
    columns:
      tenant_id: bigint
      id: bigint
      parent_id: bigint
    primary_key: [tenant_id, id]
    foreign_keys:
      - columns: [tenant_id, parent_id]
        references: {table: nodes, columns: [tenant_id, id]}
        on_delete: set null
        on_delete_columns: [parent_id]
"""
    after = (
        before.replace("      id: bigint", "      node_id: {type: bigint, renamed_from: id}")
        .replace("      parent_id: bigint", "      parent: {type: bigint, renamed_from: parent_id}")
        .replace("[tenant_id, id]", "[tenant_id, node_id]")
        .replace("[tenant_id, parent_id]", "[tenant_id, parent]")
        .replace("[parent_id]", "[parent]")
        .replace("    foreign_keys:", "    foreign_keys:\n      - name: nodes_tenant_id_parent_id_fkey")
        .replace("      - columns: [tenant_id, parent]", "        columns: [tenant_id, parent]")
    )
    assert _plan_titles(tmp_path, before, after) == [
        "rename column public.nodes.id to node_id",
        "rename column public.nodes.parent_id to parent",
    ]
