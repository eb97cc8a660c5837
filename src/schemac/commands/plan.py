"""schemac plan"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import SpecError
from ..live import LiveError, Side, both, fingerprint, plan as make_plan
from ..plan import Plan
from ..redact import redact
from ..config import DATABASE_URL_VARIABLES
from .common import EXIT_BAD_INPUT, output, print_problems

FORMATS = ("text", "sql", "json")


def format_plan(plan: Plan, output_format: str, start_fingerprint: str = "") -> str:
    """The plan as text, SQL or JSON; ``start_fingerprint`` goes into JSON only."""
    if output_format == "sql":
        return plan.sql()
    if output_format == "json":
        return json.dumps({"fingerprint": start_fingerprint, "steps": [s.to_dict() for s in plan.steps]},
                          indent=2) + "\n"
    if plan.empty:
        return "No changes: the database matches.\n"
    lines = []
    for number, step in enumerate(plan.steps, 1):
        where = "" if step.transactional else f"  [{step.phase.name.lower()} the transaction]"
        hazards = f"  !! {', '.join(sorted(step.hazards))}" if step.hazards else ""
        title = step.title
        lines.append(f"{number:>3}. {title}{hazards}{where}")
        lines.extend(f"       {line}" for line in step.sql.splitlines())
    hazards = sorted(plan.hazards)
    lines.append(f"\n{len(plan.steps)} steps" + (f"; hazards: {', '.join(hazards)}" if hazards else ""))
    return "\n".join(lines) + "\n"


def compute(start: str | None, goal: str, dev_db: str | None) -> tuple[Plan, Side]:
    """(plan, the side it starts from), or exit 2 with the problems."""
    out = output()
    try:
        with out.progress(f"Reading {'the database' if start else 'an empty database'} and {redact(goal)}"):
            start_side, goal_side = both(start, goal, dev_db)
        return make_plan(start_side, goal_side), start_side
    except SpecError as exc:
        print_problems(exc, goal)
        sys.exit(EXIT_BAD_INPUT)
    except LiveError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.command()
@click.option("--db", "db", metavar="URL", envvar=list(DATABASE_URL_VARIABLES),
              help="The database to migrate (same as --from URL); default: $SCHEMAC_DATABASE_URL, then "
                   "$DATABASE_URL.")
@click.option("--from", "start", metavar="URL", help="Plan from this database; without it, from an empty one.")
@click.option("--to", "goal", default="schema.yaml", show_default=True, metavar="SPEC|FILE.sql|URL",
              help="What the database should become: a spec, an SQL file, or another database.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people, sql to run by hand, json for tools and `schemac apply --plan`.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the plan here, not to stdout; without --format, a .json or .sql file gets that format.")
@click.option("--dev-db", metavar="URL", envvar="SCHEMAC_DEV_DB",
              help="A server for the scratch database a spec is applied to (default: embedded PostgreSQL).")
def plan(db: str | None, start: str | None, goal: str, output_format: str, out: Path | None,
         dev_db: str | None) -> None:
    """Show the migration from a database to the spec, step by step, with hazards.

    The spec (or SQL file) is applied to a scratch database and read back,
    so both sides are compared in PostgreSQL's own form. Each step shows
    its SQL, whether it runs inside the transaction, and its hazards:
    data-loss, table-rewrite, long-lock, breaks-clients, widens-access.
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
    the_plan, start_side = compute(db or start, goal, dev_db)
    # Only JSON carries the fingerprint (for `apply --plan`); hashing a large
    # catalog is not free.
    text = format_plan(the_plan, output_format,
                       fingerprint(start_side.catalog) if output_format == "json" else "")
    if out:
        out.write_text(text)
        output().summary(f"wrote {out} ({len(the_plan.steps)} steps)")
    elif output_format == "text":
        output().plan(the_plan, text)
    else:
        click.echo(text, nl=False)
