"""schemac apply"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..apply import ApplyError, HazardRefused, Settings, apply as run_plan
from ..live import LiveError, connect, current, fingerprint, goal_needs_standin
from ..plan import HAZARDS, Phase, Plan, Step
from ..supabase import has_auth_schema, install_standin
from ..config import DATABASE_URL_VARIABLES
from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, output
from .plan import compute, format_plan

EXIT_REFUSED = 3


def _hazard_list(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    names = {h.strip() for h in text.split(",") if h.strip()}
    unknown = sorted(names - set(HAZARDS) - {"all"})
    if unknown:
        raise click.BadParameter(f"unknown hazard {unknown[0]!r}; the hazards are {', '.join(HAZARDS)}, or all")
    return frozenset(HAZARDS) if "all" in names else frozenset(names)


def _saved_plan(path: Path) -> tuple[Plan, str]:
    try:
        data = json.loads(path.read_text())
        steps = tuple(
            Step(s["sql"], None, frozenset(s["hazards"]), Phase[s["phase"].upper()], note=s.get("title")) for s in data["steps"]
        )
        return Plan(steps), data["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise click.BadParameter(f"{path} is not a plan written by `schemac plan --format json`: {exc}") from None


@click.command()
@click.option("--db", required=True, metavar="URL", envvar=list(DATABASE_URL_VARIABLES),
              help="The database to migrate; default: $SCHEMAC_DATABASE_URL, then $DATABASE_URL.")
@click.option("--to", "goal", default="schema.yaml", show_default=True, metavar="SPEC|FILE.sql|URL",
              help="What the database should become.")
@click.option("--plan", "plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run this saved plan (from `schemac plan --format json`) instead of planning now.")
@click.option("--dry-run", is_flag=True, help="Show the plan and stop.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before running.")
@click.option("--allow-hazards", metavar="LIST", help=f"Comma-separated hazards to allow: {', '.join(HAZARDS)}, or all.")
@click.option("--lock-timeout", default="5s", show_default=True, help="How long a step may wait for a lock.")
@click.option("--statement-timeout", default="0", show_default=True, help="How long a step may run (0: no limit).")
@click.option("--dev-db", metavar="URL", envvar="SCHEMAC_DEV_DB", help="A server for the scratch database.")
def apply(db: str, goal: str, plan_file: Path | None, dry_run: bool, yes: bool, allow_hazards: str | None,
          lock_timeout: str, statement_timeout: str, dev_db: str | None) -> None:
    """Migrate a database to the spec: plan, show, ask, run, verify.

    Steps with a hazard run only when it is allowed with --allow-hazards
    (exit 3 otherwise). The transactional steps run in one transaction, so
    a failure leaves the database as it was; CREATE INDEX CONCURRENTLY and
    constraint validation run after it. A session advisory lock keeps two
    applies apart, and what ran is recorded in schemac.history. Afterwards
    the database is read again and must match the spec.

    \b
    Examples:
      schemac apply --db postgresql://localhost/app --dry-run
      schemac apply --db "$DATABASE_URL" --yes --allow-hazards long-lock
      schemac plan --db "$DATABASE_URL" --format json --out plan.json && \\
        schemac apply --db "$DATABASE_URL" --plan plan.json --yes
    """
    out = output()
    allowed = _hazard_list(allow_hazards)
    try:
        if plan_file:
            the_plan, expected = _saved_plan(plan_file)
            with out.progress("Reading the database"):
                now = fingerprint(current(db).catalog)
            if now != expected:
                out.error(f"error: the database changed since {plan_file} was made "
                          f"(fingerprint {now}, the plan was made for {expected}); plan again")
                sys.exit(EXIT_FINDINGS)
            start_fingerprint = expected
        else:
            the_plan, start_side = compute(db, goal, dev_db)
            start_fingerprint = fingerprint(start_side.catalog)
    except LiveError as exc:
        out.error(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    out.plan(the_plan, format_plan(the_plan, "text"))
    if the_plan.empty or dry_run:
        return
    if not yes and not click.confirm(f"Apply these {len(the_plan.steps)} steps?", default=False):
        out.echo("Nothing was changed.")
        sys.exit(EXIT_FINDINGS)
    settings = Settings(lock_timeout, statement_timeout, allowed)
    try:
        with connect(db) as conn:
            # A supabase spec on a plain PostgreSQL: the platform's surface comes first.
            if plan_file is None and goal_needs_standin(goal) and not has_auth_schema(conn):
                install_standin(conn)
                out.info("installed the local Supabase stand-in (roles anon, authenticated, service_role; auth)")
        with out.progress(f"Applying {len(the_plan.steps)} steps"):
            ran = run_plan(db, the_plan, start_fingerprint, settings)
    except HazardRefused as exc:
        out.error(f"error: {exc}")
        sys.exit(EXIT_REFUSED)
    except (ApplyError, LiveError) as exc:
        out.error(f"error: {exc}")
        sys.exit(EXIT_FINDINGS)
    out.info(f"applied {len(ran)} steps")
    if plan_file is None:
        remaining, _ = compute(db, goal, dev_db)
        if not remaining.empty:
            click.echo(format_plan(remaining, "text"), nl=False, err=True)
            out.error("error: the database still differs from the spec after applying (see the steps above)")
            sys.exit(EXIT_FINDINGS)
        out.summary("the database matches the spec")
