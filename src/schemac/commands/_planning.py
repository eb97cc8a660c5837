"""What plan, apply and check share: reading the two sides, and a plan written for people or tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..connection import DEFAULT_TIMEOUTS, Timeouts
from ..errors import SpecError
from ..live import Goal, LiveError, Side, both, is_url, plan
from ..plan import Plan
from .common import EXIT_BAD_INPUT, output, print_problems

FORMATS = ("text", "sql", "json")


def timeout_options(command):
    """--lock-timeout and --statement-timeout for a command that reads a database."""
    command = click.option(
        "--statement-timeout",
        default=DEFAULT_TIMEOUTS.statement,
        show_default=True,
        help="How long one query reading the database may run (0: no limit).",
    )(command)
    return click.option(
        "--lock-timeout",
        default=DEFAULT_TIMEOUTS.lock,
        show_default=True,
        help="How long reading the database may wait for a lock another session holds.",
    )(command)


def format_plan(plan: Plan, output_format: str, start_fingerprint: str = "", goal: str = "") -> str:
    """The plan as text, SQL or JSON; ``start_fingerprint`` and ``goal`` (a spec or SQL file, which
    `apply --plan` plans to again to check the file) go into JSON only."""
    if output_format == "sql":
        return plan.sql()
    if output_format == "json":
        head = {"fingerprint": start_fingerprint, **({"goal": goal} if goal else {})}
        notes = {"notes": list(plan.notes)} if plan.notes else {}
        for key, objects in (("unmanaged", plan.unmanaged), ("goal_unmanaged", plan.goal_unmanaged)):
            if objects:
                notes[key] = [_unmanaged(o) for o in objects]
        if plan.unmodelled:
            notes["unmodelled"] = [
                {"object": u.object, "database": list(u.only_first), "goal": list(u.only_second)}
                for u in plan.unmodelled
            ]
        if plan.unmatched:
            notes["leave_alone_unmatched"] = list(plan.unmatched)
        return json.dumps({**head, "steps": [s.to_dict() for s in plan.steps], **notes}, indent=2) + "\n"
    said = "".join(f"note: {note}\n" for note in plan.notes) + unmodelled_text(plan)
    said += "".join(map(unmatched_warning, plan.unmatched))
    if plan.empty:
        return "No changes: the database matches.\n" + said
    lines = []
    for number, step in enumerate(plan.steps, 1):
        where = "" if step.transactional else f"  [{step.phase.name.lower()} the transaction]"
        hazards = f"  !! {', '.join(sorted(step.hazards))}" if step.hazards else ""
        lines.append(f"{number:>3}. {step.title}{hazards}{where}")
        lines.extend(f"       {line}" for line in step.sql.splitlines())
    hazards = sorted(plan.hazards)
    lines.append(f"\n{len(plan.steps)} steps" + (f"; hazards: {', '.join(hazards)}" if hazards else ""))
    return "\n".join(lines) + "\n" + said


def unmodelled_text(plan: Plan) -> str:
    """What an empty plan cannot change: the objects whose definitions differ in what schemac does not model."""
    if not plan.unmodelled:
        return ""
    lines = [
        f"note: the database differs from the goal in ways schemac does not model ({len(plan.unmodelled)}); "
        "no step can change them:"
    ]
    lines += [f"  {u.describe('the database', 'the goal')}" for u in plan.unmodelled]
    return "\n".join(lines) + "\n"


def _unmanaged(obj) -> dict:
    return {
        "kind": obj.kind,
        "name": obj.name,
        "reason": obj.reason,
        **({"leave_alone": obj.listed} if obj.listed else {}),
    }


def unmatched_warning(entry: str) -> str:
    """A line for a leave_alone entry that names nothing in the database."""
    return f"warning: leave_alone: '{entry}' names nothing in the database; check the name (a plan leaves nothing alone by it)\n"


def goal_or_exit(goal: str) -> Goal | str:
    """The goal, compiled once (a database URL stays a URL); exit 2 with the problems of a spec that does not
    compile, or a file that cannot be read."""
    if is_url(goal):
        return goal
    from ..scratch import load

    try:
        return load(Path(goal))
    except SpecError as exc:
        print_problems(exc, goal)
        sys.exit(EXIT_BAD_INPUT)
    except LiveError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def sides(
    start: str | None, goal: Goal | str, dev_db: str | None, timeouts: Timeouts = DEFAULT_TIMEOUTS
) -> tuple[Side, Side]:
    """The start and the goal, read at the same time (LiveError when one cannot be)."""
    label = goal.label if isinstance(goal, Goal) else "the other database"
    with output().progress(f"Reading {'the database' if start else 'an empty database'} and {label}"):
        return both(start, goal, dev_db, timeouts)


def plan_or_exit(
    start: str | None, goal: Goal | str, dev_db: str | None, timeouts: Timeouts = DEFAULT_TIMEOUTS
) -> tuple[Plan, Side]:
    """(plan, the side it starts from), or exit 2 with the problems."""
    loaded = goal if isinstance(goal, Goal) else goal_or_exit(goal)
    try:
        start_side, goal_side = sides(start, loaded, dev_db, timeouts)
        return plan(start_side, goal_side), start_side
    except LiveError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
