"""What the commands share: options, exit codes, and turning library errors into output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from .. import config as project_config
from ..console import Output, current
from ..errors import SpecError
from ..lint import Finding, Severity, format_text

if TYPE_CHECKING:
    from ..pipeline import Compiled

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

spec_option = click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("schema.yaml"),
    show_default=True,
    help="The spec to read.",
)
out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("generated"),
    show_default=True,
    help="Folder of the generated SQL.",
)


def output() -> Output:
    """How this run prints (colour, -q/-v), as the ``schemac`` group set it up."""
    return current()


def settings() -> project_config.Config:
    """The project's settings (schemac.toml or [tool.schemac]); exit 2 if they are invalid."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if "schemac.config" in ctx.meta:
            return ctx.meta["schemac.config"]
        ctx = ctx.parent
    try:
        return project_config.load()
    except project_config.ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def in_project(option: str, spec_path: Path) -> Path:
    """The path of ``option`` (--out, --docs) for ``spec_path``: as given on the command line, else
    the setting of the spec's project or the default, in that project's folder, so that
    ``--spec other/schema.yaml`` works on other/generated rather than the current folder's."""
    ctx = click.get_current_context()
    if ctx.get_parameter_source(option) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
        return ctx.params[option]
    folder = project_config.project_folder(spec_path)
    try:
        settings = project_config.load(folder)
    except project_config.ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    configured = settings.out if option == "out_dir" else settings.docs
    default = next(p.default for p in ctx.command.params if p.name == option)
    return folder / (configured or default)


def print_problems(error: SpecError, spec_path) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} in {spec_path}", err=True)


def compile_or_exit(spec_path: Path) -> Compiled:
    """The compiled spec; on problems, print them all and exit 2."""
    # Imported here: `schemac lint FILE` needs no compiler (0.3 s of start-up).
    from ..pipeline import compile_file

    try:
        return compile_file(spec_path)
    except SpecError as exc:
        print_problems(exc, spec_path)
        sys.exit(EXIT_BAD_INPUT)


def project_lint_settings() -> dict:
    """The project's lint settings: [lint] of schemac.toml or [tool.schemac.lint] of pyproject.toml."""
    return dict(settings().lint)


def report_findings(findings: list[Finding]) -> None:
    if findings:
        out = output()
        out.findings(findings, format_text(findings))
        counts = {s: sum(f.severity == s for f in findings) for s in (Severity.ERROR, Severity.WARNING)}
        out.summary(
            f"lint: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings",
            ok=not counts[Severity.ERROR] and not counts[Severity.WARNING],
        )
