"""Drops: the DROP statement of each object, dependents first, and what dropping a
relation takes with it (made again where the goal keeps it)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pglast.parser import ParseError

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.graph import Stage, Statement, order
from ..catalog.objects import Catalog, QualifiedName
from ..catalog.partitions import descendants
from ..diff import changes as ch
from ..render.constraints import constraint_body
from ..render.sql import change_sql, statements
from ..sqltree import SqlProblem, parse_type, references
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
    # What hangs off a dropped relation goes with it; a foreign key is dropped on its own (above).
    drops = [
        o
        for o in drops
        if not (
            kinds.of(o).on is not None
            and not isinstance(o, cat.ForeignKey)
            and kinds.of(o).on(o)[0] in dropped
            or isinstance(o, cat.Sequence)
            and o.owned_by
            and o.owned_by[0] in dropped
        )
    ]
    return drops, creates


def _names_function(functions: set[QualifiedName], *texts: str | None, query: bool = False) -> bool:
    """Whether an expression (or with ``query``, a query) of ``texts`` calls one of ``functions``
    (an unqualified name is taken for public's: a database's expressions print the rest qualified)."""
    return any(not functions.isdisjoint(_functions_called(text, query)) for text in filter(None, texts))


@lru_cache(maxsize=4096)
def _functions_called(text: str, query: bool) -> frozenset[QualifiedName]:
    # Asked once per function a plan drops, of every view, policy, index and trigger: parsed once.
    try:
        refs = references(text if query else f"SELECT {text}")
    except ParseError:  # what cannot be read is left as it is; PostgreSQL says if it is in the way
        return frozenset()
    return frozenset(QualifiedName(schema or "public", name) for schema, name in refs.functions)


def with_type_dependents(
    current: Catalog,
    desired: Catalog,
    remade: list[ch.Replace],
    drops: list[Any],
    creates: list[Any],
    owner: dict[int, ch.Change],
) -> tuple[list[Any], list[Any]]:
    """A composite type made again (dropped and created, or swapped under the columns that hold it)
    cannot be dropped while functions take or return it: those are dropped before it and made again
    after, as the goal has them (and what calls them with them: ``with_function_dependents``)."""
    types = {c.before.qname: c for c in remade}
    if not types:
        return drops, creates
    dropping = {id(o) for o in drops}
    goals = {kinds.FUNCTION.identity(f): f for f in desired.functions}
    made = {kinds.FUNCTION.identity(f) for f in creates if isinstance(f, cat.Function)}
    drops, creates = list(drops), list(creates)
    for function in current.functions:
        used = next((q for q in map(_type_named, _signature_types(function)) if q in types), None)
        if used is None or id(function) in dropping:
            continue
        change = types[used]
        goal = goals.get(kinds.FUNCTION.identity(function))
        if goal is not None and kinds.FUNCTION.identity(goal) not in made:
            change = ch.Replace(function, goal, because=f"composite type {used} is made again")
            creates.append(goal)
            owner[id(goal)] = change
        drops.append(function)
        owner[id(function)] = change
    return drops, creates


def _signature_types(function: cat.Function) -> list[str]:
    return [a.type for a in function.args] + ([function.returns] if function.returns else [])


def _type_named(text: str) -> QualifiedName | None:
    """The type a function's argument or result names (an array's element type, a set's row type)."""
    try:
        ref = parse_type(text.removeprefix("SETOF ").strip())
    except SqlProblem:
        return None
    return QualifiedName(*ref.names) if len(ref.names) == 2 else QualifiedName("public", ref.base)


def with_function_dependents(
    current: Catalog, desired: Catalog, drops: list[Any], creates: list[Any], owner: dict[int, ch.Change]
) -> tuple[list[Any], list[Any]]:
    """Dropping a function or an aggregate (or making it again, where CREATE OR REPLACE cannot) is
    refused while views, policies, indexes, triggers or aggregates use it: those are dropped before it and made again after,
    as the goal has them. So are the views that read a view dropped so."""
    functions = {o.qname: owner[id(o)] for o in drops if kinds.of(o).namespace is kinds.ROUTINES}
    if not functions:
        return drops, creates
    names = set(functions)
    dropping = {(kinds.of(o).slot, kinds.of(o).identity(o)) for o in drops}
    creating = {(kinds.of(o).slot, kinds.of(o).identity(o)) for o in creates}
    drops, creates = list(drops), list(creates)

    def again(obj: Any, change: ch.Change) -> None:
        kind = kinds.of(obj)
        key = (kind.slot, kind.identity(obj))
        if key in dropping:
            return
        dropping.add(key)
        drops.append(obj)
        goal = next((o for o in getattr(desired, kind.slot) if kind.identity(o) == key[1]), None)
        if goal is not None and key not in creating:
            # Its own Replace: made again as it was, it neither narrows nor widens anything.
            function = change.after if isinstance(change, ch.Replace) else change.obj
            verb = "replaced" if isinstance(change, ch.Replace) else "dropped"
            change = ch.Replace(obj, goal, because=f"{kinds.of(function).noun} {function.qname} is {verb}")
            creating.add(key)
            creates.append(goal)
            owner[id(goal)] = change
        owner[id(obj)] = change

    def change_of(*texts: str | None, query: bool = False) -> ch.Change | None:
        for qname, change in functions.items():
            if _names_function({qname}, *texts, query=query):
                return change
        return None

    views: dict[QualifiedName, ch.Change] = {}
    pending = True
    while pending:  # views that call the functions, and views that read those views
        pending = False
        for view in current.views:
            if view.qname in views:
                continue
            change = change_of(view.query, query=True)
            if change is None and views:
                try:
                    refs = references(view.query).relations
                except ParseError:  # PostgreSQL says if it is in the way
                    refs = set()
                read = [views[q] for s, n in refs if (q := QualifiedName(s or "public", n)) in views]
                change = read[0] if read else None
            if change is not None:
                views[view.qname] = change
                again(view, change)
                pending = True
    for policy in current.policies:
        if change := change_of(policy.using, policy.with_check):
            again(policy, change)
    for index in current.indexes:
        if change := change_of(index.where, *(k.expression for k in index.keys)):
            again(index, change)
    # An aggregate is made of its functions: PostgreSQL refuses to drop one while an aggregate uses it.
    qualified = {str(q): q for q in names}
    for aggregate in current.aggregates:
        used = next((qualified[f] for f in aggregate.functions if f in qualified), None)
        if used is not None and aggregate.qname not in names:
            again(aggregate, functions[used])
    for trigger in current.triggers:
        if trigger.function in names:
            again(trigger, functions[trigger.function])
        elif change := change_of(trigger.when):
            again(trigger, change)
    return drops, creates


def function_users_in_tables(
    current: Catalog, desired: Catalog, drops: list[Any], owner: dict[int, ch.Change], alters: list[ch.Change]
) -> tuple[list[Step], list[tuple[Statement, Step]], list[ch.Change]]:
    """The checks and column defaults that call a function the plan drops: (steps that take them
    away before the drop, (ordering statement, step) pairs that put back the goal's after the
    function is made again, ``alters`` without the changes those steps already make)."""
    functions = {o.qname: owner[id(o)] for o in drops if kinds.of(o).namespace is kinds.ROUTINES}
    if not functions:
        return [], [], alters
    goal_tables = {t.qname: t for t in desired.tables}
    before: list[Step] = []
    after: list[tuple[Statement, Step]] = []
    handled: set[tuple[QualifiedName, str]] = set()
    added = {(c.table, c.constraint.name) for c in alters if isinstance(c, ch.AddConstraint)}
    defaults_set = {(c.table, c.after.name) for c in alters if isinstance(c, ch.AlterColumn) and c.default_changed}

    def calling(text: str | None) -> QualifiedName | None:
        return next((q for q in functions if _names_function({q}, text)), None)

    for table in current.tables:
        goal = goal_tables.get(table.qname)
        for check in table.checks:
            if (fn := calling(check.expression)) is None:
                continue
            change = functions[fn]
            why = f" (function {fn} is {'replaced' if isinstance(change, ch.Replace) else 'dropped'})"
            handled.add((table.qname, check.name))
            sql = change_sql("drop_constraint", table.qname, check.name)
            before.append(Step(sql, change, note=f"drop check {check.name} on {table.qname}{why}"))
            again = next((c for c in goal.checks if c.name == check.name), None) if goal else None
            if again is not None and (table.qname, check.name) not in added:
                sql = change_sql("add_constraint", table.qname, check.name, constraint_body(again))
                requires = frozenset({kinds.RELATIONS.key(table.qname), kinds.ROUTINES.key(fn)})
                after.append(
                    (
                        Statement(Stage.TABLE_FUNCTIONS, sql, requires=requires),
                        Step(sql, change, note=f"add check {check.name} on {table.qname} again{why}"),
                    )
                )
        for column in table.columns:
            if (fn := calling(column.default)) is None:
                continue
            change = functions[fn]
            why = f" (function {fn} is {'replaced' if isinstance(change, ch.Replace) else 'dropped'})"
            sql = change_sql("alter_column", table.qname, column.name, "DROP DEFAULT")
            before.append(Step(sql, change, note=f"drop the default of column {table.qname}.{column.name}{why}"))
            again = next((c for c in goal.columns if c.name == column.name), None) if goal else None
            if again is not None and again.default is not None and (table.qname, column.name) not in defaults_set:
                sql = change_sql("alter_column", table.qname, column.name, f"SET DEFAULT {again.default}")
                requires = frozenset({kinds.RELATIONS.key(table.qname), kinds.ROUTINES.key(fn)})
                after.append(
                    (
                        Statement(Stage.TABLE_FUNCTIONS, sql, requires=requires),
                        Step(sql, change, note=f"set the default of column {table.qname}.{column.name} again{why}"),
                    )
                )
    kept = [c for c in alters if not (isinstance(c, ch.DropConstraint) and (c.table, c.constraint.name) in handled)]
    return before, after, kept
