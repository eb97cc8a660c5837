"""schemac lint"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from ..lint import (
    LintConfig,
    Severity,
    UnknownRule,
    at_or_above,
    explain,
    format_github,
    format_json,
    format_sarif,
    format_text,
    lint_files,
)
from .common import EXIT_FINDINGS, compile_or_exit, in_project, out_option, output, project_lint_settings, spec_option


FORMATTERS = {"text": format_text, "json": format_json, "sarif": format_sarif, "github": format_github}


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@spec_option
@out_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="text for people, json for tools, sarif for code scanning, github for workflow annotations.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding of this severity or worse is found.",
)
@click.option("--explain", "explain_rule", metavar="RULE", help="Print the documentation of one rule and exit.")
def lint(
    files: tuple[Path, ...], spec_path: Path, out_dir: Path, output_format: str, fail_on: str, explain_rule: str | None
) -> None:
    """Lint SQL for the mistakes that hurt multi-tenant PostgreSQL schemas.

    With no FILES, lints the SQL compiled from the spec (as it would be
    written to generated/). With FILES, lints any SQL: a hand-written
    schema, a pg_dump --schema-only, a migration; several files are read
    as one sequence, in the order given.

    Settings come from [tool.schemac.lint] in pyproject.toml, and from the
    spec's `lint:` section, which wins (see docs/rules/README.md).

    Accept a finding with a comment in the SQL,
    `-- schemac: ignore[rule-name] reason`, or in the spec with
    `ignore: {rule-name: reason}` on the table, index, policy, view or
    function.

    \b
    Examples:
      schemac lint
      schemac lint migrations/*.sql --format sarif > schemac.sarif
      schemac lint --explain composite-pk-fk-trap
    """
    if explain_rule:
        try:
            click.echo(explain(explain_rule))
        except UnknownRule as exc:
            raise click.BadParameter(str(exc), param_hint="--explain") from None
        return
    # Everything alive now (the modules: click, pglast's AST classes, the rules)
    # lives until the process ends; frozen, the interpreter's last collection at
    # exit does not walk it again: about 30 ms of a 100-table lint's 0.2 s of CPU.
    gc.freeze()
    settings = project_lint_settings()
    if files:
        findings = lint_files(files, LintConfig.from_mapping(settings))
    else:
        from ..pipeline import lint_compiled

        findings = lint_compiled(compile_or_exit(spec_path), in_project("out_dir", spec_path), settings)
    failed = fail_on != "never" and at_or_above(findings, Severity(fail_on))
    if output_format == "text":
        out = output()
        out.findings(findings, format_text(findings))
        out.summary(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}", ok=not findings)
    else:
        click.echo(FORMATTERS[output_format](findings), nl=False)
    if failed:
        sys.exit(EXIT_FINDINGS)
