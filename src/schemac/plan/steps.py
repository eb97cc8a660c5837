"""A plan: its steps, the phase each runs in, and the titles they carry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from ..catalog.objects import Unmanaged
from ..diff import changes as ch


class PlanError(Exception):
    """No plan can take the database to the goal on its server; the message says why."""


class Phase(IntEnum):
    BEFORE = 0  # committed on its own, before the transaction
    TRANSACTION = 1
    AFTER = 2  # one by one, after the transaction commits


@dataclass(frozen=True)
class Step:
    sql: str
    change: ch.Change | None
    hazards: frozenset[str] = frozenset()
    phase: Phase = Phase.TRANSACTION
    # What to run if the step fails outside a transaction, so it leaves nothing
    # half-made behind (an invalid index after a failed CREATE INDEX CONCURRENTLY).
    undo: str | None = None
    # What the step does, when it is one of several for its change (a partition's
    # index, a dependent made again); else the change says it.
    note: str | None = None

    @property
    def transactional(self) -> bool:
        return self.phase == Phase.TRANSACTION

    @property
    def title(self) -> str:
        """One line for a person reading the plan."""
        if self.note:
            return self.note
        return self.change.describe() if self.change else self.sql.splitlines()[0]

    def to_dict(self) -> dict:
        return {
            "sql": self.sql,
            "change": self.change.describe() if self.change else None,
            "title": self.title,
            "transactional": self.transactional,
            "phase": self.phase.name.lower(),
            "hazards": sorted(self.hazards),
        }


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...] = ()
    # What the plan leaves alone on purpose and says so once (what schemac does not manage, privileges of
    # roles the spec does not name).
    notes: tuple[str, ...] = ()
    # What the database the plan starts from holds that schemac does not manage, every one (the notes name a few).
    unmanaged: tuple[Unmanaged, ...] = ()
    # What a goal that is not a spec (a database, an SQL file) holds that schemac does not manage and the
    # start does not: the plan does not make it.
    goal_unmanaged: tuple[Unmanaged, ...] = ()
    # Where the plan is empty: the objects both sides hold whose definitions still differ, in what schemac
    # does not model (introspect.definitions.Unmodelled): no step can make them equal.
    unmodelled: tuple = ()
    # The spec's leave_alone entries that name nothing in the database (a warning: most likely a name misspelt).
    unmatched: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.steps

    @property
    def hazards(self) -> frozenset[str]:
        return frozenset(h for step in self.steps for h in step.hazards)

    def sql(self) -> str:
        """The plan as one script; non-transactional steps are marked where they run."""
        out = []
        for phase in Phase:
            steps = [s for s in self.steps if s.phase == phase]
            if not steps:
                continue
            if phase == Phase.TRANSACTION:
                out.append("BEGIN;\n\n" + "\n\n".join(s.sql for s in steps) + "\n\nCOMMIT;")
            else:
                label = "before" if phase == Phase.BEFORE else "after"
                out.append(f"-- Outside the transaction, {label} it:\n\n" + "\n\n".join(s.sql for s in steps))
        return "\n\n".join(out) + "\n" if out else ""


# -- titles of steps made for another object's change ---------------------------------


def reason(obj: Any, change: ch.Change | None) -> str:
    """Why ``obj`` is dropped or made, when the change is about another object: ' (table x is rebuilt)'."""
    if not isinstance(change, ch.Replace) or obj is change.before or obj is change.after:
        return ""
    verb = "rebuilt" if isinstance(change, ch.Repartition) else "replaced"
    return f" ({ch.kind_of(change.after)} {ch.name_of(change.after)} is {verb})"


def note(verb: str, obj: Any, change: ch.Change | None) -> str | None:
    """A step's title when its change alone would not say what it does; else None."""
    if type(change) is ch.Replace and (obj is change.before or obj is change.after):
        # Dropped, then made again: one title for each step.
        what = f"{verb} {ch.kind_of(obj)} {ch.name_of(obj)}{' again' if verb == 'create' else ''}"
        return what + (f" ({change.because})" if change.because else " (replaced)")
    if isinstance(change, ch.Repartition) and obj is change.after:
        key = obj.partition_key
        how = f"partitioned by {key.strategy} ({key.text})" if key else "not partitioned"
        return f"create {ch.kind_of(obj)} {ch.name_of(obj)} again, {how}"
    why = reason(obj, change)
    if not why:
        return None
    return f"{verb} {ch.kind_of(obj)} {ch.name_of(obj)}{' again' if verb == 'create' else ''}{why}"
