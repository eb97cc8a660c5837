"""Table inheritance (``inherits:``): each table's parents, checked as PostgreSQL checks them, and
the columns a child takes from its parents, merged with its own as CREATE TABLE ... INHERITS does."""

from __future__ import annotations

from dataclasses import replace
from graphlib import CycleError, TopologicalSorter

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from ..conventions import added_columns
from .scope import Scope


def declare_parents(scope: Scope) -> list[QualifiedName]:
    """Record each table's parents in ``scope.parents``, refusing what PostgreSQL refuses; return
    the tables in an order that puts every parent before its children."""
    for qname, (path, table) in scope.tables.items():
        parents: list[QualifiedName] = []
        for i, ref in enumerate(table.inherits):
            where = path + ("inherits", i)
            parent = scope.find_table(ref, where)
            if parent is None:
                continue
            spec = scope.tables.get(parent)
            if spec is None:
                scope.error(where, f"'{parent}' is the platform's table; a table inherits only from the spec's tables")
            elif parent == qname:
                scope.error(where, "a table cannot inherit from itself")
            elif parent in parents:
                scope.error(where, f"'{parent}' is listed twice")
            elif spec[1].partition is not None:
                scope.error(
                    where,
                    f"'{parent}' is partitioned, and PostgreSQL cannot inherit from a partitioned table: "
                    "make this table a partition of it, or inherit from a table that is not partitioned",
                )
            elif conventions := added_columns(scope.spec, spec[1]):
                scope.error(
                    where,
                    f"'{parent}' takes columns from the conventions ({', '.join(conventions)}), which its "
                    "children would inherit unseen by the spec; declare those columns on it instead",
                )
            else:
                parents.append(parent)
        if table.inherits and table.partition is not None:
            scope.error(
                path + ("inherits",),
                "a partitioned table cannot inherit (PostgreSQL refuses INHERITS with PARTITION BY)",
                key=True,
            )
        scope.parents[qname] = tuple(parents)
    while True:
        try:
            return list(TopologicalSorter({q: scope.parents[q] for q in scope.tables}).static_order())
        except CycleError as exc:
            cycle: list[QualifiedName] = exc.args[1]
            scope.error(
                scope.tables[cycle[0]][0] + ("inherits",),
                "tables inherit from each other in a cycle: " + " -> ".join(str(q) for q in reversed(cycle)),
                key=True,
            )
            for qname in cycle:  # reported once; the rest is resolved as if they did not inherit
                scope.parents[qname] = ()


def _taken(column: cat.Column) -> cat.Column:
    """A parent's column as its child has it: defaults, NOT NULL, generation and collation come
    with it; identity, the name of its NOT NULL constraint and its comment do not."""
    return replace(
        column,
        local=False,
        identity=None,
        comment=None,
        renamed_from=None,
        using=None,
        not_null_name=None,
        sequence=None,
        sequence_grants=(),
    )


def inherited_columns(
    scope: Scope,
    path: Path,
    parents: list[cat.Table],
    own: tuple[cat.Column, ...],
    no_default: frozenset[str] | set[str] = frozenset(),
) -> tuple[cat.Column, ...]:
    """The columns of a table with ``parents``: theirs first, each once, then its own; a column of its
    own that a parent has too is merged into it (it keeps the parent's place), as PostgreSQL does, with the
    parent's default unless it has its own or is in ``no_default`` (``default: null``)."""
    columns: dict[str, cat.Column] = {}
    source: dict[str, QualifiedName] = {}
    declared = {c.name for c in own}
    for parent in parents:
        for column in parent.columns:
            first = columns.get(column.name)
            if first is None:
                columns[column.name], source[column.name] = _taken(column), parent.qname
                continue
            if (first.type, first.collation) != (column.type, column.collation):
                scope.error(
                    path + ("inherits",),
                    f"column '{column.name}' comes from '{source[column.name]}' as {first.type} and from "
                    f"'{parent.qname}' as {column.type}; PostgreSQL merges a column only of one type",
                    key=True,
                )
            elif (
                None not in (first.default, column.default)
                and first.default != column.default
                and column.name not in declared
            ):
                scope.error(
                    path + ("inherits",),
                    f"column '{column.name}' has one default in '{source[column.name]}' and another in "
                    f"'{parent.qname}': declare it under 'columns' with the default this table takes",
                    key=True,
                )
            columns[column.name] = replace(
                first, not_null=first.not_null or column.not_null, default=first.default or column.default
            )
    for column in own:
        first = columns.get(column.name)
        if first is None:
            columns[column.name] = column
            continue
        if (first.type, first.collation) != (column.type, column.collation):
            scope.error(
                path + ("columns", column.name),
                f"'{source[column.name]}' has column '{column.name}' as {first.type}: a column declared "
                "again by a child merges with its parent's and must have its type and collation",
                key=True,
            )
        columns[column.name] = replace(
            column,
            not_null=column.not_null or first.not_null,
            inherited_not_null=first.not_null and not column.not_null,
            default=column.default if column.default is not None or column.name in no_default else first.default,
        )
    return tuple(columns.values())
