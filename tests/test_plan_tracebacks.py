"""Plans the real-world corpus (bench/corpus.py) ended in a traceback, each reduced to a minimal
case and proved by convergence: plan, apply, then nothing left to do."""

from __future__ import annotations

from pathlib import Path

import psycopg
from click.testing import CliRunner

from schemac.cli import main


def _schemac(*args: str):
    result = CliRunner().invoke(main, ["--no-color", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_a_table_that_stops_being_partitioned_is_rebuilt(tmp_path: Path, database: str, pg_cluster) -> None:
    """migra's 'partitioning' fixture: the step title read the partition key of the new side."""
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("create table t (id int, d date) partition by range (d)")
    goal = tmp_path / "goal.sql"
    goal.write_text("create table t (id int, d date);\n")
    planned = _schemac("plan", "--db", database, "--to", str(goal), "--dev-db", pg_cluster.url())
    assert planned.exit_code == 0, planned.output
    assert "create table public.t again, not partitioned" in planned.output
    applied = _schemac(
        "apply", "--db", database, "--to", str(goal), "--yes", "--allow-hazards", "all", "--dev-db", pg_cluster.url()
    )
    assert applied.exit_code == 0, applied.output
    with psycopg.connect(database) as conn:
        assert conn.execute("select relkind from pg_class where relname = 't'").fetchone() == ("r",)
