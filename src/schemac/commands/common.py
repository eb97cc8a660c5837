"""What the commands share: options, exit codes, and turning library errors into output."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import click

from ..errors import SpecError
from ..lint import Finding, LintConfig, Severity, format_text
from ..pipeline import Compiled, compile_file

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

spec_option = click.option(
    "--spec", "spec_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("schema.yaml"),
    show_default=True, help="The spec to read.",
)
out_option = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("generated"),
    show_default=True, help="Folder of the generated SQL.",
)


def print_problems(error: SpecError, spec_path) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} in {spec_path}", err=True)


def compile_or_exit(spec_path: Path) -> Compiled:
    """The compiled spec; on problems, print them all and exit 2."""
    try:
        return compile_file(spec_path)
    except SpecError as exc:
        print_problems(exc, spec_path)
        sys.exit(EXIT_BAD_INPUT)


def project_lint_settings(pyproject: Path = Path("pyproject.toml")) -> dict:
    """``[tool.schemac.lint]`` of the project's pyproject.toml, if it has one; exit 2 if it is invalid."""
    if not pyproject.is_file():
        return {}
    try:
        table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("schemac", {}).get("lint", {})
        LintConfig.from_mapping(table)
    except (tomllib.TOMLDecodeError, ValueError, AttributeError) as exc:
        click.echo(f"{pyproject}: [tool.schemac.lint]: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    return dict(table)


def report_findings(findings: list[Finding]) -> None:
    if findings:
        click.echo(format_text(findings, color=sys.stdout.isatty()), nl=False)
        counts = {s: sum(f.severity == s for f in findings) for s in (Severity.ERROR, Severity.WARNING)}
        click.echo(f"lint: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings")
