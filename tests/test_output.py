"""Terminal output: colour and tables on a terminal or with --color; the plain text otherwise; -q and -v."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac import console
from schemac.cli import main
from schemac.lint import format_text, lint_sql

ROOT = Path(__file__).parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TRAP = (
    "create table events (id uuid not null, occurred_at timestamptz not null,"
    " primary key (id, occurred_at)) partition by range (occurred_at);\n"
    "create table documents (id uuid primary key, event_id uuid references events (id));\n"
)
NOTES = (
    "version: 1\ntables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true}\n"
    "    rls: true\n    policies:\n      notes_all: {roles: [public], using: 'true'}\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SCHEMAC_DATABASE_URL", raising=False)
    (tmp_path / "trap.sql").write_text(TRAP)
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    return tmp_path


def run(*args: str, **env: str):
    return CliRunner(env=env or None).invoke(main, list(args))


def test_plain_output_is_the_formatter_text(project: Path) -> None:
    findings = lint_sql(TRAP, "trap.sql")
    for args in ((), ("--no-color",)):
        result = run(*args, "lint", "trap.sql")
        assert result.exit_code == 1
        assert result.stdout == format_text(findings) + f"{len(findings)} findings\n"
        assert not ANSI.search(result.stdout)


def test_color_findings_keep_their_words(project: Path) -> None:
    result = run("--color", "lint", "trap.sql")
    assert result.exit_code == 1
    assert ANSI.search(result.stdout)
    assert "\x1b[1;31merror\x1b[0m" in result.stdout  # the severity in bold red
    assert ANSI.sub("", result.stdout).splitlines()[0] == format_text(lint_sql(TRAP, "trap.sql")).splitlines()[0]


def test_on_a_terminal_color_unless_no_color(project: Path, monkeypatch) -> None:
    monkeypatch.setattr(console, "stdout_is_terminal", lambda: True)
    assert ANSI.search(run("lint", "trap.sql").stdout)
    assert not ANSI.search(run("lint", "trap.sql", NO_COLOR="1").stdout)
    assert not ANSI.search(run("--no-color", "lint", "trap.sql").stdout)
    assert ANSI.search(run("--color", "lint", "trap.sql", NO_COLOR="1").stdout)  # the flag wins
    assert not ANSI.search(run("lint", "trap.sql", TERM="dumb").stdout)


def test_machine_formats_are_never_colored(project: Path) -> None:
    result = run("--color", "lint", "trap.sql", "--format", "json")
    assert not ANSI.search(result.stdout)


def test_quiet_says_only_what_matters(project: Path) -> None:
    result = run("-q", "build")
    assert result.exit_code == 0
    assert result.output == ""
    result = run("-q", "check")
    assert result.exit_code == 0
    assert result.output == ""
    result = run("-q", "lint", "trap.sql")
    assert result.exit_code == 1
    assert result.stdout == format_text(lint_sql(TRAP, "trap.sql"))  # findings, no summary line
    (project / "generated" / "schema.sql").write_text("-- stale\n")
    result = run("-q", "check")
    assert result.exit_code == 1
    assert "generated is stale" in result.stderr


def test_summary_line_is_colored_with_color(project: Path) -> None:
    result = run("--color", "validate")
    assert result.exit_code == 0
    assert result.stdout.startswith("\x1b[32m\x1b[1mschema.yaml: valid")  # green and bold
    assert ANSI.sub("", result.stdout) == run("validate").stdout


def _database_with_an_extra_table(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop table if exists doomed; drop table if exists notes;create table doomed (id int primary key)")


def test_plan_as_a_table_with_hazards_highlighted(project: Path, pg_database: str, pg_cluster) -> None:
    _database_with_an_extra_table(pg_database)
    (project / "notes.yaml").write_text(NOTES)
    args = ("plan", "--db", pg_database, "--to", "notes.yaml", "--dev-db", pg_cluster.url())
    plain = run(*args)
    assert plain.exit_code == 0, plain.output
    assert "!! breaks-clients, data-loss" in plain.stdout
    assert not ANSI.search(plain.stdout)
    colored = run("--color", *args)
    assert colored.exit_code == 0, colored.output
    text = ANSI.sub("", colored.stdout)
    assert re.search(r"#\s+step\s+hazards", text)  # the table's header
    assert re.search(r"\x1b\[1;31m[a-z, -]*data-loss", colored.stdout)  # the hazard in bold red
    assert "drop table public.doomed" in text
    assert "hazards: breaks-clients, data-loss, widens-access" in text.splitlines()[-1]
    assert run("--no-color", *args).stdout == plain.stdout


def test_verbose_says_what_runs_and_how_long(project: Path, pg_database: str, pg_cluster) -> None:
    (project / "notes.yaml").write_text(NOTES)
    result = run("-v", "plan", "--db", pg_database, "--to", "notes.yaml", "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    assert re.search(r"Reading the database and notes\.yaml: \d+\.\d+s", result.stderr)
    assert "Reading the database" not in result.stdout
