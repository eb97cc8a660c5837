"""The ``schemac`` command: thin click commands over the library.

Exit codes: 0 success, 1 findings (stale generated files, lint errors),
2 bad input or usage (an invalid spec, a missing file, a wrong option).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import SpecError
from .lint import (
    Finding, LintConfig, Severity, UnknownRule, at_or_above, explain, format_github, format_json, format_sarif,
    format_text, lint_files,
)
from .pipeline import compile_file, lint_compiled, stale_diff, write_generated

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

spec_option = click.option(
    "--spec", "spec_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("schema.yaml"),
    show_default=True, help="The spec to read.",
)
out_option = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("generated"),
    show_default=True, help="Folder of the generated SQL.",
)


def _compile(spec_path: Path):
    try:
        return compile_file(spec_path)
    except SpecError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} in {spec_path}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="schemac")
def main() -> None:
    """schemac: PostgreSQL schema as code.

    Describe the database in schema.yaml; schemac validates it, compiles it
    to dependency-ordered SQL and checks that generated/ is up to date.

    \b
    Typical use:
      schemac validate          # is schema.yaml right?
      schemac build             # write generated/schema.sql
      schemac check             # in CI: valid, generated/ up to date, lint clean
      schemac lint [FILE.sql]   # lint the compiled spec, or any SQL files

    Exit codes: 0 ok, 1 findings (e.g. generated/ is stale), 2 bad input.
    """


@main.command()
@spec_option
def validate(spec_path: Path) -> None:
    """Check schema.yaml: its shape, names, references, types and SQL fragments.

    Every problem is reported as FILE:LINE:COL: path.in.spec: message.

    \b
    Example:
      schemac validate --spec schema.yaml
    """
    compiled = _compile(spec_path)
    catalog = compiled.catalog
    click.echo(
        f"{spec_path}: valid ({len(catalog.tables)} tables, {len(catalog.partitions)} partitions, "
        f"{len(catalog.indexes)} indexes, {len(catalog.policies)} policies, {len(catalog.views)} views, "
        f"{len(catalog.functions)} functions)"
    )


@main.command()
@spec_option
@out_option
def build(spec_path: Path, out_dir: Path) -> None:
    """Compile schema.yaml to SQL in generated/.

    The same spec always gives byte-identical SQL, so generated/ can be
    committed and reviewed.

    \b
    Example:
      schemac build --spec schema.yaml --out generated/
    """
    compiled = _compile(spec_path)
    written = write_generated(compiled, out_dir)
    if written:
        for path in written:
            click.echo(f"wrote {path}")
    else:
        click.echo(f"{out_dir} is up to date")
    _report(at_or_above(lint_compiled(compiled, out_dir), Severity.WARNING))


@main.command()
@spec_option
@out_option
def check(spec_path: Path, out_dir: Path) -> None:
    """For CI: fail unless schema.yaml is valid, generated/ matches it and lint finds no error.

    Builds in memory and compares with the committed files; when they
    differ, prints the diff and exits 1. Error-level lint findings on the
    built SQL also exit 1; warnings are shown and do not fail.

    \b
    Example:
      schemac check && git diff --exit-code generated/
    """
    compiled = _compile(spec_path)
    diff = stale_diff(compiled, out_dir)
    findings = at_or_above(lint_compiled(compiled, out_dir), Severity.WARNING)
    _report(findings)
    if diff:
        click.echo(diff, nl=False)
        click.echo(f"{out_dir} is stale: run `schemac build` and commit the result", err=True)
        sys.exit(EXIT_FINDINGS)
    if at_or_above(findings, Severity.ERROR):
        click.echo("lint found errors: fix them in the spec, or accept one with `ignore: {rule: reason}`", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{spec_path} is valid and {out_dir} is up to date")


def _report(findings: list[Finding]) -> None:
    if findings:
        click.echo(format_text(findings, color=sys.stdout.isatty()), nl=False)
        counts = {s: sum(f.severity == s for f in findings) for s in (Severity.ERROR, Severity.WARNING)}
        click.echo(f"lint: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings")


FORMATTERS = {"text": format_text, "json": format_json, "sarif": format_sarif, "github": format_github}


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@spec_option
@out_option
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
              help="text for people, json for tools, sarif for code scanning, github for workflow annotations.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error",
              show_default=True, help="Exit 1 when a finding of this severity or worse is found.")
@click.option("--explain", "explain_rule", metavar="RULE", help="Print the documentation of one rule and exit.")
def lint(files: tuple[Path, ...], spec_path: Path, out_dir: Path, output_format: str, fail_on: str,
         explain_rule: str | None) -> None:
    """Lint SQL for the mistakes that hurt multi-tenant PostgreSQL schemas.

    With no FILES, lints the SQL compiled from the spec (as it would be
    written to generated/). With FILES, lints any SQL: a hand-written
    schema, a pg_dump --schema-only, a migration; several files are read
    as one sequence, in the order given.

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
    if files:
        findings = lint_files(files, LintConfig())
    else:
        findings = lint_compiled(_compile(spec_path), out_dir)
    formatter = FORMATTERS[output_format]
    if output_format == "text":
        text = format_text(findings, color=sys.stdout.isatty())
    else:
        text = formatter(findings)
    click.echo(text, nl=False)
    if output_format == "text":
        click.echo(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}")
    if fail_on != "never" and at_or_above(findings, Severity(fail_on)):
        sys.exit(EXIT_FINDINGS)


if __name__ == "__main__":  # pragma: no cover
    main()
