"""Dependency order of statements: a topological sort that prefers stage, then spec order.

Each statement says which object it creates (``provides``) and which objects
must exist before it (``requires``). Among statements whose requirements are
met, the one of the earliest stage goes first, then the one declared first, so
the output follows a familiar layout (types, functions, tables, keys, indexes,
policies, ...) wherever the dependencies allow, and is the same on every run.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from .objects import QualifiedName


class Stage(IntEnum):
    SCHEMAS = 0
    EXTENSIONS = 1
    TYPES = 2
    SEQUENCES = 3
    FUNCTIONS = 4
    TABLES = 5
    PARTITIONS = 6
    DISTRIBUTION = 7  # Citus: tables become distributed or reference tables, partitions with them
    INDEXES = 8
    FOREIGN_KEYS = 9
    TABLE_FUNCTIONS = 10
    VIEWS = 11
    SECURITY = 12
    TRIGGERS = 13
    GRANTS = 14
    PUBLICATIONS = 15
    # Last: they govern the objects made later, by anything but the spec (whose own objects get their grants).
    DEFAULT_PRIVILEGES = 16


@dataclass(frozen=True)
class Statement:
    stage: Stage
    sql: str
    provides: str | None = None
    requires: frozenset[str] = field(default_factory=frozenset)
    label: str = ""
    # Lint findings accepted for this statement: ((rule, reason), ...).
    ignore: tuple[tuple[str, str], ...] = ()
    # The catalog object this statement creates, for statements that create one.
    source: Any = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The SQL, under one ``-- schemac: ignore[rule] reason`` line per accepted finding."""
        lines = [f"-- schemac: ignore[{rule}] {reason}" for rule, reason in self.ignore]
        return "\n".join([*lines, self.sql])


# Dependency keys: what a statement provides and requires. An object's key comes from its kind
# (catalog.kinds: RELATIONS.key(name), SCHEMA.key(name), ...); these name what no object is.


def column_key(table: QualifiedName | str, column: str) -> str:
    """A column added to a table that exists (a new table's columns come with its relation's key)."""
    return f"col:{table}.{column}"


def dropped_column_key(table: QualifiedName | str, column: str) -> str:
    """A column dropped from a table (a plan's step): the tables that inherited it lose it with it."""
    return f"dropped-col:{table}.{column}"


def persistence_key(name: QualifiedName | str) -> str:
    """A table made logged or unlogged (a plan's step; catalog objects provide none)."""
    return f"persistence:{name}"


class CycleError(ValueError):
    def __init__(self, labels: list[str]):
        self.labels = labels
        super().__init__("dependency cycle between " + ", ".join(labels))


def order(statements: list[Statement]) -> list[Statement]:
    """Statements in an order where each comes after what it requires.

    Requirements on objects no statement provides (built-ins, platform
    objects) are ignored: they exist before the script runs.
    """
    providers: dict[str, int] = {}
    for i, stmt in enumerate(statements):
        if stmt.provides is not None:
            providers[stmt.provides] = i
    waiting_on: list[set[int]] = []
    dependents: dict[int, list[int]] = {}
    for i, stmt in enumerate(statements):
        needs = {providers[r] for r in stmt.requires if r in providers and providers[r] != i}
        waiting_on.append(needs)
        for n in needs:
            dependents.setdefault(n, []).append(i)
    ready = [(stmt.stage, i) for i, stmt in enumerate(statements) if not waiting_on[i]]
    heapq.heapify(ready)
    out: list[Statement] = []
    while ready:
        _, i = heapq.heappop(ready)
        out.append(statements[i])
        for d in dependents.get(i, ()):
            waiting_on[d].discard(i)
            if not waiting_on[d]:
                heapq.heappush(ready, (statements[d].stage, d))
    if len(out) != len(statements):
        stuck = sorted({statements[i].label or statements[i].provides or "?" for i, w in enumerate(waiting_on) if w})
        raise CycleError(stuck)
    return out
