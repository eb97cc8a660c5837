"""Tracebacks the real-world corpus (bench/corpus.py) found inside plan/ and diff/, whose fix
belongs to the reshaping of those packages: each is a minimal case marked strict xfail, so it
turns into a failure (and is unmarked) the moment it is fixed."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import main


@pytest.mark.xfail(strict=True, reason="plan/steps.py note() reads key.strategy of the new side, None when a "
                                       "table stops being partitioned (migra's 'partitioning' fixture)")
def test_a_table_that_stops_being_partitioned_is_planned(tmp_path: Path, pg_cluster) -> None:
    name = f"unpart_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("create table t (id int, d date) partition by range (d)")
        goal = tmp_path / "goal.sql"
        goal.write_text("create table t (id int, d date);\n")
        result = CliRunner().invoke(main, ["--no-color", "plan", "--db", url, "--to", str(goal),
                                           "--dev-db", pg_cluster.url()])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == 0, result.output
    finally:
        pg_cluster.drop_database(name)
