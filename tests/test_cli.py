"""The schemac command, through click's CliRunner: exit codes, messages, help."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac import __version__
from schemac.cli import main

ROOT = Path(__file__).parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", ["validate", "build", "check", "lint"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"schemac {command}" in result.output


def test_validate_reports_a_summary(project: Path) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert re.match(r"schema\.yaml: valid \(\d+ tables, \d+ partitions", result.output)


def test_build_then_check(project: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "wrote generated/schema.sql" in result.output
    first = (project / "generated" / "schema.sql").read_bytes()
    assert first == (ROOT / "generated" / "schema.sql").read_bytes()
    assert run("build").output.startswith("generated is up to date\n")
    assert (project / "generated" / "schema.sql").read_bytes() == first
    result = run("check")
    assert result.exit_code == 0, result.output


def test_check_fails_with_a_diff_when_generated_is_stale(project: Path) -> None:
    assert run("build").exit_code == 0
    spec = project / "schema.yaml"
    spec.write_text(spec.read_text().replace("\ntables:\n", "\nsequences:\n  ticket_no: {start: 100}\ntables:\n", 1))
    result = run("check")
    assert result.exit_code == 1
    assert "+CREATE SEQUENCE public.ticket_no" in result.output
    assert "run `schemac build`" in result.output


def test_check_fails_when_generated_is_missing(project: Path) -> None:
    result = run("check")
    assert result.exit_code == 1
    assert "generated/schema.sql (built from spec)" in result.output


def test_bad_spec_exits_2_with_located_problems(project: Path) -> None:
    (project / "schema.yaml").write_text(
        "version: 1\ntables:\n  cars:\n    columns:\n      made: timestampz\n      id: {type: uuid, primary_key: true}\n"
    )
    result = run("validate")
    assert result.exit_code == 2
    assert (
        "schema.yaml:5:13: tables.cars.columns.made.type: unknown type 'timestampz'; did you mean 'timestamptz'?"
        in result.output
    )
    assert "Traceback" not in result.output


def test_missing_spec_exits_2(project: Path) -> None:
    result = run("build", "--spec", "nope.yaml")
    assert result.exit_code == 2
    assert "no such file: nope.yaml" in result.output


def test_unknown_option_is_a_usage_error() -> None:
    result = run("build", "--frobnicate")
    assert result.exit_code == 2


def test_lint_explains_a_rule() -> None:
    result = run("lint", "--explain", "composite-pk-fk-trap")
    assert result.exit_code == 0
    assert "## Why is this bad" in result.output


def test_lint_unknown_rule_is_a_usage_error() -> None:
    result = run("lint", "--explain", "no-such-rule")
    assert result.exit_code == 2


def test_lint_fails_on_the_seed_trap(tmp_path: Path) -> None:
    sql = tmp_path / "seed.sql"
    sql.write_text(
        "create table events (id uuid not null, occurred_at timestamptz not null,"
        " primary key (id, occurred_at)) partition by range (occurred_at);\n"
        "create table documents (id uuid primary key, event_id uuid references events (id));\n"
    )
    result = run("lint", str(sql), "--format", "json")
    assert result.exit_code == 1
    assert '"name": "composite-pk-fk-trap"' in result.output


NOTES = """\
version: 1
tables:
  notes:
    columns:
      id: {type: bigint, primary_key: true}
"""


def test_check_fails_on_lint_errors_and_ignore_accepts_them(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "schema.yaml"
    spec.write_text(NOTES)
    assert run("build").exit_code == 0
    result = run("check")
    assert result.exit_code == 1
    assert "rls-disabled" in result.output
    spec.write_text(NOTES + "    ignore:\n      rls-disabled: read by the API only through a view.\n")
    assert run("build").exit_code == 0
    result = run("check")
    assert result.exit_code == 0, result.output


def test_spec_ignore_names_a_real_rule(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.yaml").write_text(NOTES + "    ignore:\n      rls-disabld: read through a view.\n")
    result = run("validate")
    assert result.exit_code == 2
    assert "unknown lint rule 'rls-disabld'; did you mean 'rls-disabled'?" in result.output


def test_lint_settings_from_pyproject_and_spec(project: Path) -> None:
    sql = project / "plain.sql"
    sql.write_text("create table notes (id bigint primary key);\n")
    assert run("lint", str(sql)).exit_code == 1  # rls-disabled: public is exposed
    (project / "pyproject.toml").write_text('[tool.schemac.lint]\nexposed-schemas = ["api"]\n')
    assert run("lint", str(sql)).exit_code == 0
    (project / "pyproject.toml").write_text('[tool.schemac.lint]\nexposed-schemaz = ["api"]\n')
    result = run("lint", str(sql))
    assert result.exit_code == 2
    assert "unknown lint option 'exposed-schemaz'" in result.output


def test_spec_lint_section_is_checked(project: Path) -> None:
    spec = project / "schema.yaml"
    spec.write_text(spec.read_text() + "lint:\n  soft-delete-colum: removed_at\n")
    result = run("validate")
    assert result.exit_code == 2
    assert "lint: unknown lint option 'soft-delete-colum'" in result.output
