"""schemac plan"""

from __future__ import annotations

from pathlib import Path

import click

from ..config import DATABASE_URL_VARIABLES
from ..connection import Timeouts
from ..live import fingerprint, is_url
from .common import output
from ._planning import FORMATS, format_plan, plan_or_exit, timeout_options


@click.command()
@click.option(
    "--db",
    "db",
    metavar="URL",
    envvar=list(DATABASE_URL_VARIABLES),
    help="The database to migrate (same as --from URL); default: $SCHEMAC_DATABASE_URL, then $DATABASE_URL.",
)
@click.option("--from", "start", metavar="URL", help="Plan from this database; without it, from an empty one.")
@click.option(
    "--to",
    "goal",
    default="schema.yaml",
    show_default=True,
    metavar="SPEC|FILE.sql|URL",
    help="What the database should become: a spec, an SQL file, or another database.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, sql to run by hand, json for tools and `schemac apply --plan`.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plan here, not to stdout; without --format, a .json or .sql file gets that format.",
)
@click.option(
    "--dev-db",
    metavar="URL",
    envvar="SCHEMAC_DEV_DB",
    help="A server for the scratch database a spec is applied to (default: embedded PostgreSQL).",
)
@timeout_options
def plan(
    db: str | None,
    start: str | None,
    goal: str,
    output_format: str,
    out: Path | None,
    dev_db: str | None,
    lock_timeout: str,
    statement_timeout: str,
) -> None:
    """Show the migration from a database to the spec, step by step, with hazards.

    The spec (or SQL file) is applied to a scratch database and read back,
    so both sides are compared in PostgreSQL's own form. Each step shows
    its SQL, whether it runs inside the transaction, and its hazards:
    data-loss, table-rewrite, long-lock, breaks-clients, widens-access.
    What the database holds that schemac does not manage (a schema the
    spec does not declare, with all it holds, among others; and, when the
    goal is another database or an SQL file, what the goal holds) is left
    alone and named once, in a note; `--format json` lists each with the
    reason (`unmanaged`, `goal_unmanaged`). Where no step is needed but an
    object both sides hold still differs in what schemac does not model
    (each object's definition as PostgreSQL prints it is compared), a note
    names it and the lines that differ (`unmodelled` in JSON).
    Exit 0 with a plan (empty or not), 2 when an input is bad; for a
    check that fails on drift, use `schemac check --db URL`.

    \b
    Examples:
      schemac plan --db postgresql://localhost/app
      schemac plan --db "$DATABASE_URL" --format json --out plan.json
      schemac plan --from postgresql://localhost/prod --to postgresql://localhost/staging
    """
    ctx = click.get_current_context()
    if db and start and db != start:
        if ctx.get_parameter_source("db") == click.core.ParameterSource.ENVIRONMENT:
            db = None  # --from given on the command line wins over the environment
        else:
            raise click.UsageError("--db and --from name the same thing; give one")
    if out and ctx.get_parameter_source("output_format") == click.core.ParameterSource.DEFAULT:
        # `--out plan.json` is meant for `apply --plan`; `--out plan.sql` to run by hand.
        output_format = {".json": "json", ".sql": "sql"}.get(out.suffix.lower(), output_format)
    the_plan, start_side = plan_or_exit(
        db or start, goal, dev_db, Timeouts(lock=lock_timeout, statement=statement_timeout)
    )
    # Only JSON carries the fingerprint (for `apply --plan`); hashing a large
    # catalog is not free.
    text = format_plan(
        the_plan,
        output_format,
        fingerprint(start_side.catalog) if output_format == "json" else "",
        "" if is_url(goal) else goal,
    )
    if out:
        out.write_text(text)
        output().summary(f"wrote {out} ({len(the_plan.steps)} steps)")
    elif output_format == "text":
        output().plan(the_plan, text)
    else:
        click.echo(text, nl=False)
