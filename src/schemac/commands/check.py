"""schemac check"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..lint import Severity, at_or_above
from ..pipeline import lint_compiled, stale_diff
from .common import project_lint_settings, EXIT_FINDINGS, compile_or_exit, out_option, report_findings, spec_option


@click.command()
@spec_option
@out_option
@click.option("--db", metavar="URL", help="Also fail when this database differs from the spec (drift).")
@click.option("--dev-db", metavar="URL", envvar="SCHEMAC_DEV_DB", help="A server for the scratch database.")
def check(spec_path: Path, out_dir: Path, db: str | None, dev_db: str | None) -> None:
    """For CI: fail unless schema.yaml is valid, generated/ matches it and lint finds no error.

    Builds in memory and compares with the committed files; when they
    differ, prints the diff and exits 1. Error-level lint findings on the
    built SQL also exit 1; warnings are shown and do not fail.

    \b
    Example:
      schemac check && git diff --exit-code generated/
      schemac check --db "$DATABASE_URL"     # and no drift
    """
    compiled = compile_or_exit(spec_path)
    diff = stale_diff(compiled, out_dir)
    findings = at_or_above(lint_compiled(compiled, out_dir, project_lint_settings()), Severity.WARNING)
    report_findings(findings)
    if diff:
        click.echo(diff, nl=False)
        click.echo(f"{out_dir} is stale: run `schemac build` and commit the result", err=True)
        sys.exit(EXIT_FINDINGS)
    if at_or_above(findings, Severity.ERROR):
        click.echo("lint found errors: fix them in the spec, or accept one with `ignore: {rule: reason}`", err=True)
        sys.exit(EXIT_FINDINGS)
    if db:
        from .plan import compute, format_plan

        drift, fingerprint = compute(db, str(spec_path), dev_db)
        if not drift.empty:
            click.echo(format_plan(drift, "text", fingerprint), nl=False)
            click.echo(f"the database differs from {spec_path}: the {len(drift.steps)} steps above would fix it", err=True)
            sys.exit(EXIT_FINDINGS)
        click.echo("the database matches the spec")
    click.echo(f"{spec_path} is valid and {out_dir} is up to date")
