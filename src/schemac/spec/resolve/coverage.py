"""Which unique keys (and exclusion constraints) a partitioned table can have.

PostgreSQL enforces them per partition, so every key column of the table and
of its partitioned partitions must be in the key, compared by the column's own
collation, and no key can cover a key expression. Read from the spec alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import models as m


def required_columns(spec: m.PartitionSpec) -> dict[str, str | None]:
    """Every column a unique key of the table must hold: the table's key columns (-> None) and
    its partitioned partitions' (-> the partition's name)."""
    out: dict[str, str | None] = {c: None for c in spec.key_columns}
    for name, bound in spec.partitions.items():
        if bound.partition is not None:
            for column, source in required_columns(bound.partition).items():
                out.setdefault(column, source or name)
    return out


def _expressions(spec: m.PartitionSpec) -> list[str]:
    out = [k.expression for k in spec.key if k.expression is not None]
    for bound in spec.partitions.values():
        if bound.partition is not None:
            out += _expressions(bound.partition)
    return out


def _collated(spec: m.PartitionSpec, table: m.TableSpec) -> dict[str, str]:
    """Key columns of every level whose key part has a collation other than the column's -> that collation."""
    out: dict[str, str] = {}
    for part in spec.key:
        if part.column is not None and part.collation is not None:
            column = table.columns.get(part.column)
            own = column.collation if column is not None else None
            if _bare(part.collation) != (_bare(own) if own else None):
                out.setdefault(part.column, part.collation)
    for bound in spec.partitions.values():
        if bound.partition is not None:
            for column, collation in _collated(bound.partition, table).items():
                out.setdefault(column, collation)
    return out


def _bare(collation: str) -> str:
    return collation.removeprefix("pg_catalog.")


@dataclass(frozen=True)
class Uncovered:
    """What a key (unique, primary, or an exclusion's '=' columns) lacks on a partitioned table,
    for PostgreSQL to enforce it per partition; ``coverage`` says. Each message takes it from here."""

    by: str  # the table's key, as messages name it: 'room' or (site_id, taken_at)
    expression: str | None = None  # a key expression of some level: no key can cover it
    collated: tuple[str, str] | None = None  # (column, collation): a key part compares by another collation
    own: tuple[str, ...] = ()  # the table's own key columns the key lacks
    below: tuple[str, str] | None = None  # (column, partition): a partitioned partition's key column it lacks


def coverage(spec: m.PartitionSpec, table: m.TableSpec, covered) -> Uncovered | None:
    """Why a key holding the columns ``covered`` cannot be enforced per partition of a table
    partitioned by ``spec`` (sub-partitions included); None when it can."""
    by = (
        f"'{spec.single_column}'"
        if spec.single_column is not None
        else f"({', '.join(p.column or p.expression for p in spec.key)})"
    )
    expressions = _expressions(spec)
    if expressions:
        return Uncovered(by, expression=expressions[0])
    covered = set(covered)
    collated = [(c, coll) for c, coll in _collated(spec, table).items() if c in covered]
    if collated:
        return Uncovered(by, collated=collated[0])
    required = required_columns(spec)
    missing = [c for c in required if c not in covered]
    if not missing:
        return None
    own = tuple(c for c in missing if required[c] is None)
    if own:
        return Uncovered(by, own=own)
    return Uncovered(by, below=(missing[0], required[missing[0]]))


def unique_key_problem(spec: m.PartitionSpec, table: m.TableSpec, kind: str, columns) -> str | None:
    """Why PostgreSQL refuses the unique key ``columns`` on a table partitioned by ``spec``; None if it does not."""
    gap = coverage(spec, table, columns)
    if gap is None:
        return None
    cols = ", ".join(columns)
    if gap.expression is not None:
        return (
            f"the {kind} ({cols}) cannot be on a table partitioned by the expression {gap.expression}: "
            "PostgreSQL enforces uniqueness per partition and cannot hold an expression in a unique key; "
            "partition by a column instead"
        )
    if gap.collated is not None:
        column, collation = gap.collated
        return (
            f"the {kind} ({cols}) cannot be on a table partitioned by '{column}' with collation {collation}: "
            f"the key compares '{column}' by the column's own collation, so PostgreSQL cannot enforce "
            "uniqueness per partition; drop the partition key's collation or give the column that collation"
        )
    if gap.own:
        need = " and ".join(f"'{c}'" for c in gap.own)
        return (
            f"the {kind} ({cols}) of a table partitioned by {gap.by} must include {need}; "
            "PostgreSQL enforces uniqueness per partition"
        )
    column, partition = gap.below
    return (
        f"the {kind} ({cols}) must include '{column}': the partition '{partition}' is partitioned "
        "by it, and PostgreSQL enforces uniqueness per partition"
    )
