"""Drops: the DROP statement of each object, dependents first, and what dropping a
relation takes with it (made again where the goal keeps it)."""

from __future__ import annotations

from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.graph import order
from ..catalog.objects import Catalog, QualifiedName
from ..catalog.partitions import descendants
from ..diff import changes as ch
from ..render.sql import change_sql, statements
from .hazards import of_drop, rule
from .steps import Step, note, reason


def drop_sql(obj: Any) -> str:
    return change_sql(*kinds.of(obj).drop(obj))


def drop_steps(objects: list[Any], changes_by_object: dict[int, ch.Change]) -> list[Step]:
    """DROP statements for ``objects``, dependents first."""
    if not objects:
        return []
    created = [s for s in order(statements(kinds.catalog_of(objects))) if s.source is not None]
    wanted = {id(o) for o in objects}
    out = []
    seen: set[int] = set()
    for stmt in reversed(created):
        obj = stmt.source
        if id(obj) in seen or id(obj) not in wanted:
            continue
        seen.add(id(obj))
        change = changes_by_object.get(id(obj))
        hazards = of_drop(obj, change)
        if isinstance(obj, cat.Partition):
            # Detached first: PostgreSQL refuses DROP TABLE on a partition of a table
            # that a foreign key references, and DETACH checks no row references it.
            out.append(
                Step(
                    change_sql("detach_partition", obj.parent, obj.qname),
                    change,
                    rule("detach a partition"),
                    note=f"detach partition {obj.qname} from {obj.parent}" + reason(obj, change),
                )
            )
        out.append(Step(drop_sql(obj), change, hazards, note=note("drop", obj, change)))
    return out


def attached(catalog: Catalog) -> dict[QualifiedName, list[Any]]:
    """For each relation: what dropping it takes with it, and must be made again."""
    out: dict[QualifiedName, list[Any]] = {}
    for kind in kinds.KINDS:
        if kind.on is not None:
            for obj in getattr(catalog, kind.slot):
                for relation in kind.on(obj):
                    out.setdefault(relation, []).append(obj)
    return out


def with_dependents(
    current: Catalog,
    desired: Catalog,
    had: dict[QualifiedName, list[cat.Partition]],
    wanted: dict[QualifiedName, list[cat.Partition]],
    drops: list[Any],
    creates: list[Any],
    owner: dict[int, ch.Change],
) -> tuple[list[Any], list[Any]]:
    """Dropping a table or view takes its indexes, policies, triggers, keys and
    partitions with it: make again those the desired side keeps, and drop none
    of them on their own. A foreign key of another table that references it is
    dropped first and made again after. ``had`` and ``wanted`` are the current
    and desired partition trees (``children``)."""
    relations = [(o.qname, owner[id(o)]) for o in drops if isinstance(o, (cat.Table, cat.View, cat.Partition))]
    dropped: dict[QualifiedName, ch.Change] = {}
    attached_to = attached(desired)
    creates = list(creates)
    made = set(creates)

    def remake(obj: Any, change: ch.Change) -> None:
        if obj not in made:
            creates.append(obj)
            made.add(obj)
            owner[id(obj)] = change

    for qname, change in relations:
        # A dropped partition takes its own partitions (and what hangs off them) too.
        for partition in descendants(had, qname):
            dropped.setdefault(partition.qname, change)
        dropped.setdefault(qname, change)
        kept = descendants(wanted, qname)
        for partition in kept:
            dropped.setdefault(partition.qname, change)
            remake(partition, change)
        for relation in (qname, *(p.qname for p in kept)):
            for obj in attached_to.get(relation, ()):
                if not isinstance(obj, cat.Partition):
                    remake(obj, change)
    dropping = {id(o) for o in drops}
    for fk in current.foreign_keys:
        if fk.ref_table in dropped and id(fk) not in dropping:
            drops.append(fk)
            owner[id(fk)] = dropped[fk.ref_table]
    drops = [
        o
        for o in drops
        if not (
            isinstance(o, (cat.Index, cat.Policy, cat.Trigger, cat.Partition, cat.Distribution))
            and kinds.of(o).on(o)[0] in dropped
            or isinstance(o, cat.Sequence)
            and o.owned_by
            and o.owned_by[0] in dropped
        )
    ]
    return drops, creates
