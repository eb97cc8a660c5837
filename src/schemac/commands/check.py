"""schemac check"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..lint import Severity, at_or_above
from ..pipeline import lint_compiled, stale_diff
from ._planning import timeout_options
from .common import (
    EXIT_FINDINGS,
    compile_or_exit,
    in_project,
    out_option,
    output,
    project_lint_settings,
    report_findings,
    spec_option,
)


def _docs_diff(compiled, docs_file: Path) -> str:
    """How the committed Markdown reference differs from what `schemac docs` writes; empty when it does not exist."""
    from ..docgen.files import stale_diff as docs_stale_diff
    from ..docgen.markdown import markdown

    if not docs_file.is_file():
        return ""
    return docs_stale_diff(docs_file, markdown(compiled.catalog))


@click.command()
@spec_option
@out_option
@click.option(
    "--docs",
    "docs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/schema.md"),
    show_default=True,
    help="The Markdown reference to check, when it exists (see `schemac docs`).",
)
@click.option("--db", metavar="URL", help="Also fail when this database differs from the spec (drift).")
@click.option("--dev-db", metavar="URL", envvar="SCHEMAC_DEV_DB", help="A server for the scratch database.")
@timeout_options
def check(
    spec_path: Path,
    out_dir: Path,
    docs_file: Path,
    db: str | None,
    dev_db: str | None,
    lock_timeout: str,
    statement_timeout: str,
) -> None:
    """For CI: fail unless schema.yaml is valid, generated/ matches it and lint finds no error.

    Builds in memory and compares with the committed files; when they
    differ, prints the diff and exits 1. Error-level lint findings on the
    built SQL also exit 1; warnings are shown and do not fail. When
    docs/schema.md exists, it must be what `schemac docs` writes. With
    --db, the database must match the spec too (the database is never
    taken from DATABASE_URL here: drift is checked only when asked), and
    what it holds that schemac does not manage (schemas the spec does not
    declare, collations, text search configurations,
    ...) is listed, each with the reason, and so is what the spec's
    leave_alone names; that alone does not fail.
    When no plan step is needed but an object both hold still differs in
    what schemac does not model (each object's definition as PostgreSQL
    prints it is compared: a function's SET statement_timeout, a foreign
    key's MATCH FULL, a comment on a constraint, ...), check names each
    object and the lines that differ, and exits 1: a drift gate never
    passes over a change no plan can see.

    \b
    Example:
      schemac check && git diff --exit-code generated/
      schemac check --db "$DATABASE_URL"     # and no drift
    """
    out = output()
    out_dir, docs_file = in_project("out_dir", spec_path), in_project("docs_file", spec_path)
    compiled = compile_or_exit(spec_path)
    diff = stale_diff(compiled, out_dir)
    findings = at_or_above(lint_compiled(compiled, out_dir, project_lint_settings()), Severity.WARNING)
    report_findings(findings)
    if diff:
        out.diff(diff)
        out.error(f"{out_dir} is stale: run `schemac build` and commit the result")
        sys.exit(EXIT_FINDINGS)
    if at_or_above(findings, Severity.ERROR):
        out.error("lint found errors: fix them in the spec, or accept one with `ignore: {rule: reason}`")
        sys.exit(EXIT_FINDINGS)
    docs_diff = _docs_diff(compiled, docs_file)
    if docs_diff:
        out.diff(docs_diff)
        from .docs import docs_command

        out.error(f"{docs_file} is stale: run `{docs_command(spec_path, docs_file)}` and commit the result")
        sys.exit(EXIT_FINDINGS)
    if db:
        from ..connection import Timeouts
        from ..scratch import Goal
        from ._planning import format_plan, plan_or_exit, unmatched_warning

        with out.progress("Comparing the database with the spec"):
            drift, _ = plan_or_exit(
                db,
                Goal.of_compiled(compiled, str(spec_path)),
                dev_db,
                Timeouts(lock=lock_timeout, statement=statement_timeout),
            )
        listed = [obj for obj in drift.unmanaged if obj.listed is not None]
        if listed:
            out.info(f"left alone, as the spec's leave_alone says ({len(listed)}):")
            for obj in listed:
                out.info(f"  {obj.kind} {obj.name}: {obj.reason}")
        unmanaged = [obj for obj in drift.unmanaged if obj.listed is None]
        if unmanaged:
            out.info(f"not managed by schemac, left as they are ({len(unmanaged)}):")
            for obj in unmanaged:
                out.info(f"  {obj.kind} {obj.name}: {obj.reason}")
        for entry in drift.unmatched:
            out.info(unmatched_warning(entry).rstrip("\n"))
        if not drift.empty:
            out.plan(drift, format_plan(drift, "text"))
            out.error(f"the database differs from {spec_path}: the {len(drift.steps)} steps above would fix it")
            sys.exit(EXIT_FINDINGS)
        if drift.unmodelled:
            # A drift gate that passes here would hide a change no plan can see: it fails, and says what.
            for difference in drift.unmodelled:
                out.error(f"  {difference.describe('the database', 'the spec')}")
            out.error(
                f"the database differs from {spec_path} in ways schemac does not model "
                f"({len(drift.unmodelled)}, above): no plan can change them; make the database match by hand"
            )
            sys.exit(EXIT_FINDINGS)
        out.info("the database matches the spec")
    out.summary(f"{spec_path} is valid and {out_dir} is up to date")
