"""Citus plans and builds: a foreign key changed while its table moves, the shard count every plan path reads,
and `schemac test` of a Citus goal built by the untrusted builder.

Tests marked ``citus`` need a Citus build ($SCHEMAC_CITUS_DIR) and skip with the reason where there is none.
"""

from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest

from schemac import live
from schemac.apply import Settings, apply
from schemac.catalog.objects import Distribution
from schemac.diff import compare
from schemac.pipeline import compile_text
from schemac.plan import make_plan

from test_citus import SAAS, login_role

FK = "tasks_tenant_id_project_id_fkey"
ALL_HAZARDS = frozenset({"long-lock", "table-rewrite", "breaks-clients", "widens-access"})


def with_fk(catalog, **state):
    return replace(
        catalog, foreign_keys=tuple(replace(f, **state) if f.name == FK else f for f in catalog.foreign_keys)
    )


def fk_statements(plan) -> list[str]:
    return [line.strip() for s in plan.steps for line in s.sql.splitlines() if FK in line]


def as_reference(placed):
    return tuple(Distribution(d.table, "reference") for d in placed)


MOVES = {
    "onto the cluster": (lambda placed: (), lambda placed: placed),
    "off the cluster": (lambda placed: placed, lambda placed: ()),
    "reference to distributed": (as_reference, lambda placed: placed),
    "distributed to reference": (lambda placed: placed, as_reference),
}


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize(
    "state", [{"deferrable": True}, {"valid": False}, {"enforced": False, "valid": False}], ids=str
)
def test_a_foreign_key_changed_while_its_table_moves_is_made_again_once(state, move):
    """Offline: tables that move on the cluster (their foreign keys dropped and made again around the
    move) while one key also changes in place (deferrable, validity, enforcement). The key is made again
    once, as the goal has it: no ALTER CONSTRAINT (Citus refuses it on its tables) and no second
    VALIDATE."""
    compiled = compile_text(SAAS).catalog
    before, after = MOVES[move]
    desired = replace(compiled, distributions=after(compiled.distributions))
    current = replace(with_fk(compiled, **state), distributions=before(compiled.distributions))
    plan = make_plan(current, desired, compare(current, desired))
    assert fk_statements(plan) == [
        f"ALTER TABLE public.tasks DROP CONSTRAINT {FK};",
        f"ADD CONSTRAINT {FK}",
        f"ALTER TABLE public.tasks VALIDATE CONSTRAINT {FK};",
    ], plan.sql()
    sql_text = plan.sql()
    calls = [sql_text.index(s.sql) for s in plan.steps if "Citus distribution" in s.title]
    assert calls and sql_text.index(f"DROP CONSTRAINT {FK}") < min(calls)
    assert sql_text.index(f"ADD CONSTRAINT {FK}") > max(calls)


def test_a_foreign_key_of_a_citus_table_changes_its_deferrable_state_by_a_new_key():
    """Offline: tables that stay where they are on the cluster; ALTER CONSTRAINT, which Citus refuses
    on its tables, becomes a drop and an add."""
    desired = compile_text(SAAS).catalog
    current = with_fk(desired, deferrable=True, initially_deferred=True)
    plan = make_plan(current, desired, compare(current, desired))
    assert not any("ALTER CONSTRAINT" in s.sql for s in plan.steps), plan.sql()
    assert fk_statements(plan)[:2] == [f"ALTER TABLE public.tasks DROP CONSTRAINT {FK};", f"ADD CONSTRAINT {FK}"]
    assert not any("create_distributed" in s.sql or "policy" in s.title for s in plan.steps)


DEFERRABLE_FK = SAAS.replace("        on_delete: cascade\n", "        on_delete: cascade\n        deferrable: true\n")


@pytest.mark.citus
def test_foreign_key_state_changes_apply_on_the_cluster(citus_database, citus_scratch, tmp_path):
    """On the cluster: local tables with a deferrable key moved onto Citus while the key becomes not
    deferrable, then made deferrable again on distributed tables; each plan applies and the next is
    empty."""
    login_role(citus_database, "app_user")
    login_role(citus_scratch, "app_user")
    spec = tmp_path / "schema.yaml"

    def migrate(text: str) -> None:
        spec.write_text(text)
        apply(
            citus_database,
            live.plan(*live.both(citus_database, str(spec), citus_scratch)),
            "t",
            Settings(allowed_hazards=ALL_HAZARDS),
        )
        assert live.plan(*live.both(citus_database, str(spec), citus_scratch)).empty

    def deferrable() -> bool:
        with psycopg.connect(citus_database) as conn:
            return conn.execute("SELECT condeferrable FROM pg_constraint WHERE conname = %s", (FK,)).fetchone()[0]

    migrate(DEFERRABLE_FK.replace("citus: true", "citus: false"))
    assert deferrable()
    migrate(SAAS)
    assert not deferrable()
    migrate(DEFERRABLE_FK)
    assert deferrable()


@pytest.mark.citus
def test_every_plan_path_builds_the_spec_with_the_databases_shard_count(citus_database, citus_scratch, tmp_path):
    """A database whose Citus default is 6 shards, where the scratch server's is 4: the plan saved to a
    file, the apply of that file, and a plan from the spec to the database all build the spec with 6, so
    the tables get 6 shards and nothing is left to plan either way."""
    from click.testing import CliRunner

    from schemac.cli import main

    login_role(citus_database, "app_user")
    login_role(citus_scratch, "app_user")
    with psycopg.connect(citus_database, autocommit=True) as conn:
        name = conn.info.dbname
        conn.execute(f'ALTER DATABASE "{name}" SET citus.shard_count = 6')
    spec, saved = tmp_path / "schema.yaml", tmp_path / "plan.json"
    spec.write_text(SAAS)
    cli = CliRunner()
    scratch = ["--dev-db", citus_scratch]
    planned = cli.invoke(main, ["plan", "--db", citus_database, "--to", str(spec), "--out", str(saved), *scratch])
    assert planned.exit_code == 0, planned.output
    hazards = ",".join(sorted(ALL_HAZARDS))
    applied = cli.invoke(
        main, ["apply", "--db", citus_database, "--plan", str(saved), "--yes", "--allow-hazards", hazards, *scratch]
    )
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(citus_database) as conn:
        shards = conn.execute(
            "SELECT DISTINCT g.shardcount FROM pg_dist_partition p JOIN pg_dist_colocation g USING (colocationid)"
            " WHERE p.partmethod = 'h'"
        ).fetchall()
    assert shards == [(6,)]
    for start, goal in ((citus_database, str(spec)), (str(spec), citus_database)):
        again = cli.invoke(main, ["plan", "--from", start, "--to", goal, *scratch])
        assert again.exit_code == 0 and "No changes" in again.output, again.output


@pytest.mark.citus
def test_schemac_test_builds_a_citus_goal_as_the_untrusted_builder(citus_scratch, tmp_path, marker):
    """`schemac test` of a Citus spec builds it as plan does, by a role that is not a superuser: a program
    the spec smuggles into a materialized view (built with its data for the tests) is refused, not run.
    Citus' own calls (create_distributed_table, create_reference_table) need no superuser."""
    from click.testing import CliRunner

    from schemac.cli import main

    login_role(citus_scratch, "app_user")
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        SAAS.replace(
            "tables:\n",
            "functions:\n  sneaky:\n    returns: int\n    language: plpgsql\n"
            "    volatility: volatile\n    body: |\n      begin\n"
            f"        copy (select 1) to program 'id > {marker}';\n        return 1;\n      end;\n"
            "materialized_views:\n  looks_harmless:\n    query: select sneaky() as n\ntables:\n",
            1,
        )
    )
    result = CliRunner().invoke(main, ["test", "--spec", str(spec), "--dev-db", citus_scratch])
    assert result.exit_code == 2, result.output
    assert "not a superuser" in result.output
    assert not marker.exists()

    spec.write_text(SAAS)
    passed = CliRunner().invoke(main, ["test", "--spec", str(spec), "--dev-db", citus_scratch])
    assert passed.exit_code == 0 and "FAIL" not in passed.output, passed.output
