"""Diff cases as data: each folder of tests/diffs is one migration, proved by convergence.

A case holds ``from.yaml`` and ``to.yaml`` (specs), the expected steps in
``expected.txt`` (one line per step: what it does, then its hazards), and
optionally ``seed.sql`` (rows written after ``from`` is applied) and
``verify.sql`` (a query that must return true after the migration). The test
applies ``from``, seeds it, plans to ``to``, checks the steps, applies them,
plans again and expects nothing left to do, then runs ``verify.sql``. A case whose
``from`` targets Supabase starts from a database with the platform's stand-in. A case
whose specs target a PostgreSQL newer than the server's is skipped. To
accept a deliberate change of the expected steps, run with
``SCHEMAC_UPDATE_GOLDEN=1`` and review the diff.

The steps of most cases are also checked with no server: both specs compiled, their
catalogs compared and planned (``test_diff_case_offline``). Those cases' runs on a server
(apply, seed, migrate, verify, converge) are marked ``slow``: the fast loop checks their
plans, the full suite proves them. The cases in ``SERVER_READ`` plan differently from
compiled catalogs than from what PostgreSQL reads back, so they stay in the fast loop on a
server.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
import yaml

from schemac import live
from schemac.apply import Settings, apply
from schemac.diff import Renames, compare
from schemac.diff.compare import same_schema
from schemac.pipeline import compile_file
from schemac.plan import HAZARDS, Plan, make_plan
from schemac.supabase import install_standin

CASES = sorted(p for p in (Path(__file__).parent / "diffs").iterdir() if p.is_dir())

# Cases whose expected steps hold only for catalogs read back from PostgreSQL, and why.
SERVER_READ = {
    "04_column_type_with_dependent_view": "the view and the policy as the server prints them are replaced, not kept",
    "13_sub_partitions_added": "the partitions' row level security is read from the server",
    "15_index_on_sub_partitioned_table": "the partitions' own indexes are the server's, made when the index is",
    "18_sub_partition_key_rebuilt": "the partitions' row level security is read from the server",
    "32_procedures": "PUBLIC's EXECUTE on a new procedure is the server's default",
    "36_serial_to_identity_in_place": "a serial column's sequence and NOT NULL are the server's",
    "43_identity_on_a_nullable_column": "an identity column is NOT NULL as the server reads it",
    "45_enum_column_to_another_enum": "the column's default is read back cast to the old enum",
    "48_enum_value_removed_while_in_use": "the enum's dependants are read from the server",
    "64_identity_and_serial_changes": "a serial column's sequence, default and NOT NULL are the server's",
}
OFFLINE = [case for case in CASES if case.name not in SERVER_READ]


def _summary(plan: Plan) -> str:
    lines = []
    for step in plan.steps:
        title = step.title
        hazards = f" [{', '.join(sorted(step.hazards))}]" if step.hazards else ""
        where = "" if step.transactional else f" ({step.phase.name.lower()})"
        lines.append(f"{title}{hazards}{where}")
    return "\n".join(lines) + "\n"


def _target(case: Path) -> int:
    """The newest PostgreSQL the case's specs target (``target: {postgres: N}``, 15 when they say nothing)."""
    return max(
        (yaml.safe_load((case / name).read_text()).get("target") or {}).get("postgres", 15)
        for name in ("from.yaml", "to.yaml")
    )


@pytest.mark.parametrize("case", OFFLINE, ids=lambda p: p.name)
def test_diff_case_offline(case: Path) -> None:
    start, goal = compile_file(case / "from.yaml").catalog, compile_file(case / "to.yaml").catalog
    migration = make_plan(start, goal, compare(start, goal, Renames.from_catalog(goal)))
    assert _summary(migration) == (case / "expected.txt").read_text(), migration.sql()


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, marks=() if case.name in SERVER_READ else pytest.mark.slow) for case in CASES],
    ids=lambda p: p.name,
)
def test_diff_case(case: Path, database: str, pg_cluster) -> None:
    major = pg_cluster.server_version_num // 10000
    if _target(case) > major:
        pytest.skip(f"the case targets PostgreSQL {_target(case)}; the server is PostgreSQL {major}")
    dev_db = pg_cluster.url()
    if (yaml.safe_load((case / "from.yaml").read_text()).get("target") or {}).get("flavor") == "supabase":
        with psycopg.connect(database, autocommit=True) as conn:
            install_standin(conn)  # what a Supabase project has before its first migration
    start = live.plan(live.current(database), live.desired(str(case / "from.yaml"), dev_db))
    apply(database, start, "", Settings(allowed_hazards=frozenset(HAZARDS)))
    if (case / "seed.sql").exists():
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute((case / "seed.sql").read_text())

    goal = live.desired(str(case / "to.yaml"), dev_db)
    migration = live.plan(live.current(database), goal)
    expected = case / "expected.txt"
    if os.environ.get("SCHEMAC_UPDATE_GOLDEN"):
        expected.write_text(_summary(migration))
    assert _summary(migration) == expected.read_text(), migration.sql()

    apply(database, migration, "", Settings(allowed_hazards=frozenset(HAZARDS)))
    after = live.current(database)
    assert same_schema(after.catalog, goal.catalog), "the database does not match the goal after the migration"
    assert live.plan(after, goal).empty
    if (case / "verify.sql").exists():
        with psycopg.connect(database, autocommit=True) as conn:
            assert conn.execute((case / "verify.sql").read_text()).fetchone()[0] is True
