"""schemac apply"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from ..apply import ApplyError, HazardRefused, Session, Settings, refused_steps
from ..config import DATABASE_URL_VARIABLES
from ..connection import Timeouts
from ..live import Goal, LiveError, current, fingerprint, plan as plan_between
from ..plan import HAZARDS, Plan
from ..supabase import has_auth_schema
from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, output
from ._planning import format_plan, goal_or_exit, sides

EXIT_REFUSED = 3


def _hazard_list(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    names = {h.strip() for h in text.split(",") if h.strip()}
    unknown = sorted(names - set(HAZARDS) - {"all"})
    if unknown:
        raise click.BadParameter(f"unknown hazard {unknown[0]!r}; the hazards are {', '.join(HAZARDS)}, or all")
    return frozenset(HAZARDS) if "all" in names else frozenset(names)


def _saved_plan(path: Path) -> tuple[list[str], str]:
    """The SQL of each step of a saved plan, and the fingerprint of the database it was made for. Its hazards
    are not read: they are those of the plan made again under the lock."""
    try:
        data = json.loads(path.read_text())
        return [str(step["sql"]) for step in data["steps"]], str(data["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise click.BadParameter(f"{path} is not a plan written by `schemac plan --format json`: {exc}") from None


def _saved_goal(path: Path) -> str | None:
    """The spec or SQL file a saved plan was made for, when it says."""
    try:
        goal = json.loads(path.read_text()).get("goal")
    except (OSError, ValueError, AttributeError):
        return None  # _saved_plan says what is wrong with the file
    return goal if isinstance(goal, str) and goal else None


def _saved_plan_problem(path: Path, the_plan: Plan, start_fingerprint: str) -> str:
    """Why the saved plan may not run, or ''."""
    saved_steps, expected = _saved_plan(path)
    if start_fingerprint != expected:
        return (
            f"the database changed since {path} was made (fingerprint {start_fingerprint}, the plan was made "
            f"for {expected}); plan again"
        )
    if saved_steps != [step.sql for step in the_plan.steps]:
        return (
            f"{path} does not hold the plan from this database to the goal (its steps were edited, or it was "
            "made for another goal); plan again"
        )
    return ""


@click.command()
@click.option(
    "--db",
    required=True,
    metavar="URL",
    envvar=list(DATABASE_URL_VARIABLES),
    help="The database to migrate; default: $SCHEMAC_DATABASE_URL, then $DATABASE_URL.",
)
@click.option(
    "--to",
    "goal",
    default="schema.yaml",
    show_default=True,
    metavar="SPEC|FILE.sql|URL",
    help="What the database should become.",
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run this saved plan (from `schemac plan --format json`), once it is checked to be the plan "
    "from the database, as it is now, to --to (default: the spec the plan was made for).",
)
@click.option("--dry-run", is_flag=True, help="Show the plan and stop.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before running.")
@click.option(
    "--allow-hazards", metavar="LIST", help=f"Comma-separated hazards to allow: {', '.join(HAZARDS)}, or all."
)
@click.option(
    "--lock-timeout", default="5s", show_default=True, help="How long a read or a step may wait for a table's lock."
)
@click.option("--statement-timeout", default="0", show_default=True, help="How long a step may run (0: no limit).")
@click.option(
    "--wait",
    "lock_wait",
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another apply to the same database to end before stopping.",
)
@click.option("--dev-db", metavar="URL", envvar="SCHEMAC_DEV_DB", help="A server for the scratch database.")
@click.option(
    "--supabase-standin",
    is_flag=True,
    help="Where the goal needs Supabase's platform and the database has no auth schema, install schemac's "
    "local stand-in of it first, in the same transaction (for scratch and test databases, never production).",
)
def apply(
    db: str,
    goal: str,
    plan_file: Path | None,
    dry_run: bool,
    yes: bool,
    allow_hazards: str | None,
    lock_timeout: str,
    statement_timeout: str,
    lock_wait: float,
    dev_db: str | None,
    supabase_standin: bool,
) -> None:
    """Migrate a database to the spec: lock, plan, show, ask, run, verify.

    The apply lock of the database is taken first, and the plan is made
    (or a saved plan checked) under it: a second apply to the same database
    waits --wait seconds, then stops. Steps with a hazard run only when it
    is allowed with --allow-hazards (exit 3 otherwise, with nothing changed).
    The transactional steps run in one transaction, so a failure leaves the
    database as it was (but for new enum values, which are committed before
    it, and said so); CREATE INDEX CONCURRENTLY and constraint validation run
    after it. What ran is recorded in schemac.history. Afterwards the database
    is read again and must match the goal the plan was made for.

    A goal that needs Supabase's platform (a supabase spec, or SQL naming
    auth, storage or realtime) applies to a database without an auth schema
    only with --supabase-standin (exit 2 otherwise, with nothing changed).

    \b
    Examples:
      schemac apply --db postgresql://localhost/app --dry-run
      schemac apply --db "$DATABASE_URL" --yes --allow-hazards long-lock
      schemac plan --db "$DATABASE_URL" --format json --out plan.json && \\
        schemac apply --db "$DATABASE_URL" --plan plan.json --yes
    """
    out = output()
    allowed = _hazard_list(allow_hazards)
    if plan_file and click.get_current_context().get_parameter_source("goal") in (
        ParameterSource.DEFAULT,
        ParameterSource.DEFAULT_MAP,
    ):
        goal = _saved_goal(plan_file) or goal  # the goal the plan was made for, unless --to names one
    target = goal_or_exit(goal)  # compiled once: planned to, built once, and checked against
    settings = Settings(lock_timeout, statement_timeout, allowed, lock_wait=lock_wait)
    reads = Timeouts(lock=lock_timeout)  # a step may run without limit; a read of the catalog may not
    try:
        with Session(db, settings) as session:
            start_side, goal_side = sides(db, target, dev_db, reads)
            the_plan = plan_between(start_side, goal_side)
            start_fingerprint = fingerprint(start_side.catalog)
            if plan_file:
                problem = _saved_plan_problem(plan_file, the_plan, start_fingerprint)
                if problem:
                    out.error(f"error: {problem}")
                    sys.exit(EXIT_FINDINGS)
            out.plan(the_plan, format_plan(the_plan, "text"))
            if the_plan.empty or dry_run:
                return
            # The plan was made from the database with the stand-in (live.current): it goes in first, in the
            # same transaction, so a refused or failed apply leaves none behind; and only when asked for.
            standin = isinstance(target, Goal) and target.needs_standin and not has_auth_schema(session.conn)
            if standin and not supabase_standin:
                raise LiveError(
                    f"{target.label} needs Supabase's platform (the auth schema, its roles), which this database "
                    "does not have, so nothing was changed. On a scratch or test database, add --supabase-standin "
                    "to install schemac's local stand-in of it first; on a self-hosted Supabase, run its own "
                    "services' migrations (auth, storage) before this apply (docs/spec.md, Supabase stand-in)"
                )
            refused = refused_steps(the_plan, allowed)
            if refused:
                raise HazardRefused(refused, allowed)
            if not yes and not click.confirm(f"Apply these {len(the_plan.steps)} steps?", default=False):
                out.echo("Nothing was changed.")
                sys.exit(EXIT_FINDINGS)
            if standin:
                out.info(
                    "the local Supabase stand-in (its roles; schemas auth, storage and extensions) "
                    "is installed first, in the same transaction"
                )
            with out.progress(f"Applying {len(the_plan.steps)} steps"):
                ran = session.run(the_plan, start_fingerprint, standin)
            out.info(f"applied {len(ran)} steps")
            remaining = plan_between(current(db, timeouts=reads), goal_side)
    except HazardRefused as exc:
        out.error(f"error: {exc}; nothing was changed")
        sys.exit(EXIT_REFUSED)
    except ApplyError as exc:
        out.error(f"error: {exc}")
        sys.exit(EXIT_FINDINGS)
    except LiveError as exc:
        out.error(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    if not remaining.empty:
        click.echo(format_plan(remaining, "text"), nl=False, err=True)
        out.error("error: the database still differs from the goal after applying (see the steps above)")
        sys.exit(EXIT_FINDINGS)
    out.summary("the database matches the spec")
