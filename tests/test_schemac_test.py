"""schemac test: the generated checks pass on the reference schema and on the conventions spec,
and fail, naming the check, on schemas that break what the conventions promise."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from schemac.cli import main
from schemac.scratch import scratch_database
from schemac.pipeline import compile_text
from schemac.render.sql import render
from schemac.supabase import install_standin
from schemac.testing import run

ROOT = Path(__file__).parents[1]
CONVENTIONS = ROOT / "tests" / "specs" / "valid" / "conventions.yaml"


def _test(*args: str):
    return CliRunner().invoke(main, ["test", *args])


def _lines(output: str) -> list[str]:
    return output.strip().splitlines()


@pytest.fixture(scope="module")
def tested(pg_cluster) -> Callable[[Path], Result]:
    """`schemac test --spec SPEC` on the session's server, run once per spec for the tests that read its output."""
    return functools.cache(lambda spec: _test("--spec", str(spec), "--dev-db", pg_cluster.url()))


@pytest.mark.parametrize("spec", [ROOT / "schema.yaml", CONVENTIONS], ids=["reference", "conventions"])
def test_passes(tested, spec: Path) -> None:
    result = tested(spec)
    assert result.exit_code == 0, result.output
    last = _lines(result.output)[-1]
    passed, failed = last.split(", ")
    assert failed == "0 failed" and int(passed.split()[0]) >= 30
    assert "FAIL" not in result.output
    for kind in ("tenancy:", "soft_delete:", "append_only:", "anon:", "security_definer:", "partitions:"):
        assert f"PASS  {kind}" in result.output, kind


def test_reference_checks_every_convention(tested) -> None:
    out = tested(ROOT / "schema.yaml").output
    assert "PASS  tenancy: vehicles: tenant A cannot move its row to B" in out
    assert "PASS  tenancy: documents: tenant A cannot attach a row to B's vehicle_events" in out
    assert "PASS  audit: documents: tenant A cannot set created_by of its row to B's user" in out
    assert "PASS  soft_delete: vehicles: a soft-deleted row is invisible to its own tenant" in out
    assert "PASS  append_only: vehicle_events: UPDATE fails for service_role" in out
    assert "PASS  append_only: audit_log: DELETE fails for the owner" in out
    assert "PASS  security_definer: private.current_tenant_id(): search_path is pinned" in out
    assert "PASS  partitions: private.create_partitions() is idempotent (a second call creates nothing)" in out


PERMISSIVE = CONVENTIONS.read_text().replace(
    "    unique: [[org_id, name]]\n",
    "    unique: [[org_id, name]]\n"
    "    policies:\n"
    "      projects_everything:\n"
    "        command: all\n"
    "        roles: [authenticated]\n"
    "        using: true\n"
    "        with_check: true\n"
    "    grants:\n"
    "      - {to: authenticated, privileges: [select, insert, update, delete]}\n",
    1,
)


def test_a_permissive_policy_fails(pg_cluster, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(PERMISSIVE)
    result = _test("--spec", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 1, result.output
    lines = _lines(result.output)
    failing = [line for line in lines if line.startswith("FAIL")]
    assert "FAIL  tenancy: projects: tenant A sees its own rows and none of B's" in failing
    assert "FAIL  tenancy: projects: tenant A cannot insert a row of B" in failing
    assert "FAIL  tenancy: projects: tenant A cannot update B's rows" in failing
    # Moving A's project to B is still refused, by the tasks that reference it through (org_id, project_id).
    assert "FAIL  tenancy: projects: tenant A cannot move its row to B" not in failing
    assert "FAIL  soft_delete: projects: a soft-deleted row is invisible to its own tenant" not in failing
    assert "seen: saw 1 rows of A and 1 of other tenants (1 of B)" in result.output
    assert lines[-1] == f"{sum(1 for line in lines if line.startswith('PASS'))} passed, {len(failing)} failed"


def test_an_append_only_table_without_its_guard_fails(pg_cluster) -> None:
    compiled = compile_text(CONVENTIONS.read_text(), "conventions.yaml")
    catalog = compiled.catalog
    catalog = replace(catalog, triggers=tuple(t for t in catalog.triggers if "append_only" not in t.name))
    compiled = replace(compiled, catalog=catalog, sql=render(catalog))
    with scratch_database(pg_cluster.url()) as url, psycopg.connect(url, autocommit=True) as conn:
        install_standin(conn)
        conn.execute(compiled.sql)
        results = run(compiled, conn)
    failing = {r.name: r.seen for r in results if not r.passed}
    # service_role is named by the spec (monitoring's roles), so it holds only what the spec grants it:
    # nothing on task_events, and its UPDATE and DELETE are refused for want of the privilege.
    assert set(failing) == {
        "append_only: task_events: UPDATE fails for the owner",
        "append_only: task_events: DELETE fails for the owner",
    }  # TRUNCATE keeps its own statement-level trigger
    assert all(r.passed for r in results if "TRUNCATE" in r.name)
    assert failing["append_only: task_events: DELETE fails for the owner"] == "1 row"


def test_keys_without_the_tenant_and_client_set_authors_fail(pg_cluster) -> None:
    """The conventions' schema as it was before keys carried the tenant and triggers set the authors."""
    compiled = compile_text(CONVENTIONS.read_text(), "conventions.yaml")
    catalog = compiled.catalog
    keys = tuple(
        replace(fk, name="tasks_project_id_fkey", columns=("project_id",), ref_columns=("id",))
        if fk.name == "tasks_org_id_project_id_fkey"
        else fk
        for fk in catalog.foreign_keys
    )
    triggers = tuple(t for t in catalog.triggers if not t.name.endswith(("_set_created_by", "_set_updated_by")))
    catalog = replace(catalog, foreign_keys=keys, triggers=triggers)
    compiled = replace(compiled, catalog=catalog, sql=render(catalog))
    with scratch_database(pg_cluster.url()) as url, psycopg.connect(url, autocommit=True) as conn:
        install_standin(conn)
        conn.execute(compiled.sql)
        results = run(compiled, conn)
    failing = {r.name: r.seen for r in results if not r.passed}
    assert set(failing) == {
        "tenancy: tasks: tenant A cannot attach a row to B's projects",
        "audit: projects: tenant A cannot insert a row with author_id = B's user",
        "audit: projects: tenant A cannot set author_id of its row to B's user",
        "audit: projects: tenant A cannot insert a row with updated_by = B's user",
        "audit: projects: tenant A cannot set updated_by of its row to B's user",
        "audit: tasks: tenant A cannot insert a row with author_id = B's user",
        "audit: tasks: tenant A cannot set author_id of its row to B's user",
        "audit: task_events: tenant A cannot insert a row with author_id = B's user",
    }, failing
    assert failing["tenancy: tasks: tenant A cannot attach a row to B's projects"] == (
        "the row was inserted with tasks (project_id) naming B's row"
    )


SPEC_TESTS = """
  tests:
    members_see_their_org:
      role: authenticated
      claims: {sub: 00000000-0000-0000-0000-00000000000b, app_metadata: {org: 00000000-0000-0000-0000-00000000000a}}
      setup: insert into orgs (id, name) values ('00000000-0000-0000-0000-00000000000a', 'mine')
      sql: select name from orgs
      expect: {rows: [[mine]]}
    anon_cannot_insert:
      role: anon
      sql: insert into projects (org_id, name) values ('00000000-0000-0000-0000-00000000000a', 'x')
      expect: {error: insufficient_privilege}
    counts_rows:
      sql: select * from orgs
      expect: {count: 5}
"""


def test_the_specs_own_tests(pg_cluster, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(CONVENTIONS.read_text() + SPEC_TESTS.replace("\n  ", "\n"))
    result = _test("--spec", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 1, result.output
    assert "PASS  tests: members_see_their_org" in result.output
    assert "PASS  tests: anon_cannot_insert" in result.output
    # Two orgs made by the checks: 2 rows, not 5.
    assert "FAIL  tests: counts_rows\n        seen: 2 rows (expected 5)" in result.output


def test_bad_input_exits_2(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntests:\n  t: {sql: select 1, expect: {count: 1, error: '42501'}}\n")
    result = _test("--spec", str(spec))
    assert result.exit_code == 2
    assert "expect one of 'count', 'rows' or 'error', not count and error" in result.output
    result = _test("--spec", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2


def test_db_is_left_as_it_was(pg_cluster) -> None:
    with scratch_database(pg_cluster.url()) as url:
        result = _test("--spec", str(CONVENTIONS), "--db", url)
        assert result.exit_code == 0, result.output
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT to_regclass('public.projects'), to_regclass('auth.users')").fetchone() == (
                None,
                None,
            )


UNFILLABLE = """
version: 1
target: {flavor: supabase}
conventions:
  tenancy: {references: tenants.id}
tables:
  tenants:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
    rls: true
  shapes:
    tenant_scoped: true
    columns:
      id:   {type: bigint, identity: always, primary_key: true}
      area: {type: polygon, not_null: true}
"""


def test_a_table_that_cannot_be_filled_is_named(pg_cluster, tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(UNFILLABLE)
    result = _test("--spec", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 1, result.output
    assert (
        "FAIL  fill: shapes: rows for two tenants\n        seen: column area is NOT NULL without a default, "
        "and schemac cannot make a value of type polygon; give it a default"
    ) in result.output
    assert "tenancy: shapes" not in result.output


def test_what_rls_does_not_filter_is_refused_to_the_api_roles(pg_cluster) -> None:
    """TRUNCATE, CREATE TRIGGER, LOCK TABLE and setval() pass by row level security. With the spec's
    grants an allow-list they are refused; with what the stand-in's default privileges gave before
    (ALL to anon and authenticated), the checks name each breach."""
    compiled = compile_text(CONVENTIONS.read_text(), "conventions.yaml")
    with scratch_database(pg_cluster.url()) as url, psycopg.connect(url, autocommit=True) as conn:
        install_standin(conn)
        conn.execute(compiled.sql)
        results = run(compiled, conn)
    checked = [r for r in results if r.name.startswith("privileges:")]
    assert checked and all(r.passed for r in checked), [r for r in checked if not r.passed]
    verbs = {r.name.rsplit(": ", 1)[1] for r in checked}
    assert verbs >= {"anon cannot TRUNCATE it", "authenticated cannot create a trigger on it", "anon cannot LOCK it"}
    assert any("setval()" in r.name for r in checked)

    # What Supabase's default privileges gave the API roles before grants were an allow-list.
    with scratch_database(pg_cluster.url()) as url, psycopg.connect(url, autocommit=True) as conn:
        install_standin(conn)
        conn.execute(compiled.sql)
        conn.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO anon, authenticated")
        conn.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO anon, authenticated")
        results = run(compiled, conn)
    failing = {r.name for r in results if not r.passed and r.name.startswith("privileges:")}
    assert "privileges: tasks: authenticated cannot TRUNCATE it" in failing
    assert "privileges: tasks: anon cannot create a trigger on it" in failing
    assert any("setval()" in name for name in failing)


def test_a_not_null_column_of_a_composite_type_is_filled(pg_cluster, tmp_path: Path) -> None:
    # A value of null attributes is not null itself; before, the table could not be filled.
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        UNFILLABLE.replace("area: {type: polygon, not_null: true}", "area: {type: corners, not_null: true}")
        + "composite_types:\n  corners:\n    attributes: {a: point, b: point}\n"
    )
    result = _test("--spec", str(spec), "--dev-db", pg_cluster.url())
    assert "FAIL  fill: shapes" not in result.output, result.output
    assert "PASS  tenancy: shapes: tenant A sees its own rows and none of B's" in result.output, result.output
