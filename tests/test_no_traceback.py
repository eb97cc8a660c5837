"""No input ends in a traceback: every command over every case folder the suite has.

Each command either does its work or stops with a message and an exit code;
an exception that escapes a command is a bug, whatever the input. The inputs
are the suite's own cases: the valid and invalid specs, the diff cases (each
applied, migrated, imported back and documented), and the import cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemac.cli import main

TESTS = Path(__file__).parent
SPECS = sorted((TESTS / "specs" / "valid").glob("*.yaml")) + sorted((TESTS / "specs" / "invalid").glob("*.yaml"))
DIFF_CASES = sorted(p for p in (TESTS / "diffs").iterdir() if p.is_dir())
IMPORT_CASES = sorted((TESTS / "imports").glob("*.sql"))


def _run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["--no-color", *args], catch_exceptions=True)
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, f"schemac {' '.join(args)} ended in a traceback:\n{result.output}\n{escaped!r}"
    assert "Traceback (most recent call last)" not in result.output, result.output
    assert result.exit_code in (0, 1, 2, 3), f"schemac {' '.join(args)}: exit {result.exit_code}\n{result.output}"
    return result


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_offline_commands_end_with_a_result_or_a_message(spec: Path, tmp_path: Path) -> None:
    _run("validate", "--spec", str(spec))
    _run("build", "--spec", str(spec), "--out", str(tmp_path / "generated"))
    _run("lint", "--spec", str(spec), "--out", str(tmp_path / "generated"), "--fail-on", "never")
    _run("docs", "--spec", str(spec), "--out", str(tmp_path / "schema.md"))


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_plan_from_an_empty_database_ends_with_a_result_or_a_message(spec: Path, pg_cluster) -> None:
    _run("plan", "--to", str(spec), "--dev-db", pg_cluster.url(), "--format", "json")


@pytest.mark.slow
@pytest.mark.parametrize("case", DIFF_CASES, ids=lambda p: p.name)
def test_apply_migrate_import_and_docs_end_with_a_result_or_a_message(
    case: Path, database: str, pg_cluster, tmp_path: Path
) -> None:
    dev_db = pg_cluster.url()
    for side in ("from.yaml", "to.yaml"):
        _run("apply", "--db", database, "--to", str(case / side), "--yes", "--allow-hazards", "all", "--dev-db", dev_db)
    imported = tmp_path / "imported.yaml"
    _run("import", "--db", database, "--out", str(imported), "--dev-db", dev_db)
    if imported.exists():
        _run("docs", "--spec", str(imported), "--out", str(tmp_path / "schema.md"))
        _run("plan", "--db", database, "--to", str(imported), "--dev-db", dev_db)


@pytest.mark.parametrize("case", IMPORT_CASES, ids=lambda p: p.name)
def test_import_of_an_sql_file_ends_with_a_result_or_a_message(case: Path, pg_cluster, tmp_path: Path) -> None:
    _run("import", "--from", str(case), "--out", str(tmp_path / "schema.yaml"), "--dev-db", pg_cluster.url())
