"""The partition tree: a table's partitions, their partitions, and so on.

Build the tree once with ``children`` and walk it with ``descendants``: a
catalog of 2,000 tables is never scanned once per table.

A partition's columns are as its parent's unless it says otherwise
(``Partition.own_columns``); ``column_states`` gives every column of every
partitioned relation as it is, and ``own_column`` tells what a partition's
column holds of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..spec.names import not_null_name
from .objects import Catalog, Column, Partition, PartitionColumn, QualifiedName


def children(partitions: Iterable[Partition]) -> dict[QualifiedName, list[Partition]]:
    """Each partitioned relation -> its direct partitions, in catalog order."""
    out: dict[QualifiedName, list[Partition]] = {}
    for partition in partitions:
        out.setdefault(partition.parent, []).append(partition)
    return out


def descendants(below: Mapping[QualifiedName, Sequence[Partition]], qname: QualifiedName) -> list[Partition]:
    """Every partition below ``qname``, each after its parent (depth first, in catalog order);
    ``below`` is the tree ``children`` built."""
    out: list[Partition] = []
    pending = list(reversed(below.get(qname, [])))
    while pending:
        partition = pending.pop()
        out.append(partition)
        pending += reversed(below.get(partition.qname, []))
    return out


def root(parent_of: Mapping[QualifiedName, QualifiedName], qname: QualifiedName) -> QualifiedName:
    """The table at the top of ``qname``'s tree (``qname`` itself when it is no partition);
    ``parent_of`` maps each partition to its parent (``{p.qname: p.parent for p in partitions}``)."""
    seen = set()
    while qname in parent_of and qname not in seen:
        seen.add(qname)
        qname = parent_of[qname]
    return qname


@dataclass(frozen=True)
class ColumnState:
    """A column of a partitioned relation as it is: its default, whether NOT NULL, and its NOT NULL
    constraint's name as PostgreSQL 18 makes or keeps it (made the same way before 18, where it
    has none, so that both sides of a comparison agree)."""

    name: str
    default: str | None
    not_null: bool
    not_null_name: str | None


def _inherited_name(parent: ColumnState, partition: QualifiedName) -> str:
    """The name PARTITION OF gives a partition's NOT NULL constraint: its parent's, or
    ``<partition>_<column>_not_null`` for one of its own."""
    return parent.not_null_name if parent.not_null and parent.not_null_name else not_null_name(partition, parent.name)


def as_inherited(parent: ColumnState, partition: QualifiedName, own: PartitionColumn | None) -> ColumnState:
    """The column of ``partition`` as it is, from its parent's and what it holds of its own
    (None: nothing)."""
    if own is None:
        return parent
    not_null = own.not_null or parent.not_null
    default = own.default if own.default is not None else None if own.no_default else parent.default
    name = (own.not_null_name or _inherited_name(parent, partition)) if not_null else None
    return ColumnState(own.name, default, not_null, name)


def own_column(parent: ColumnState, partition: QualifiedName, actual: ColumnState) -> PartitionColumn | None:
    """What ``actual``, a column of ``partition``, holds of its own against its parent's column:
    None when it is as PARTITION OF makes it. ``actual.not_null_name`` None is the name PARTITION
    OF gives (as before PostgreSQL 18, where NOT NULL has no name)."""
    not_null = actual.not_null or parent.not_null
    name = actual.not_null_name if not_null and actual.not_null_name != _inherited_name(parent, partition) else None
    own = PartitionColumn(
        actual.name,
        default=actual.default if actual.default != parent.default else None,
        no_default=actual.default is None and parent.default is not None,
        not_null=not_null and not parent.not_null,
        not_null_name=name,
    )
    return None if own == PartitionColumn(actual.name) else own


def table_columns(table: QualifiedName, columns: Iterable[Column]) -> dict[str, ColumnState]:
    """A partitioned table's columns as its partitions take them, by name (``column_states``)."""
    return {
        c.name: ColumnState(
            c.name, c.default, c.not_null, (c.not_null_name or not_null_name(table, c.name)) if c.not_null else None
        )
        for c in columns
        if c.generated is None
    }


def column_states(catalog: Catalog) -> dict[QualifiedName, dict[str, ColumnState]]:
    """Each partitioned table and each of its partitions -> its columns as they are, by name."""
    below = children(catalog.partitions)
    out: dict[QualifiedName, dict[str, ColumnState]] = {}
    for table in catalog.tables:
        if table.partition_key is None:
            continue
        out[table.qname] = table_columns(table.qname, table.columns)
        for partition in descendants(below, table.qname):
            parent = out.get(partition.parent, {})
            own = {c.name: c for c in partition.own_columns}
            out[partition.qname] = {
                name: as_inherited(column, partition.qname, own.get(name)) for name, column in parent.items()
            }
    return out
