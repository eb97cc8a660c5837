"""A table's ``partition:`` -> its partition key and its partitions, sub-partitions included.

The key is one column, several columns, or expressions. Every partition
listed under ``partitions`` may be partitioned in turn by its own
``partition:``; its partitions are the table's sub-partitions. The rules
PostgreSQL enforces when the SQL runs are checked here, where the spec can
say which line is at fault: a bound has one value per key part, list
partitioning takes one part, every unique key of a partitioned table holds
every key column of the table and of its partitioned partitions, and no
unique key is possible over an expression key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..errors import Path
from ..render.quoting import literal
from ..sqltree import column_names
from . import models as m
from .conventions import added_columns
from .names import suggest
from .partitions import PeriodError, time_partitions

if TYPE_CHECKING:
    from .resolve import Resolver

_BOUND_KEYS = {"list": {"values"}, "range": {"from_", "to"}, "hash": {"modulus", "remainder"}}
_INFINITE = ("MINVALUE", "MAXVALUE")


def partitioning(
    r: Resolver,
    qname: QualifiedName,
    path: Path,
    table: m.TableSpec,
    columns: tuple[cat.Column, ...],
    partitions: list[cat.Partition],
) -> cat.PartitionKey | None:
    """The table's partition key; its partitions (and theirs) are appended to ``partitions``."""
    spec = table.partition
    key = _key(r, spec, path, table, columns, top=True)
    if key is None:
        return None
    if spec.interval:
        column = next((c for c in columns if c.name == spec.single_column), None)
        if column is None:
            return None
        try:
            bounds = time_partitions(spec, column.type, r.today)
        except PeriodError as exc:
            r.error(path + ((exc.key,) if exc.key else ()), str(exc))
            return None
        for suffix, bound in bounds:
            child = QualifiedName(qname.schema, f"{qname.name}_{suffix}")
            if not partition_name(r, child, path):
                break  # the others are too long as well; one message says it
            if r.qualify(str(child), path, declare=True):
                partitions.append(cat.Partition(child, qname, bound))
    _children(r, qname, spec, key, path, table, columns, partitions)
    return key


def _children(
    r: Resolver,
    parent: QualifiedName,
    spec: m.PartitionSpec,
    key: cat.PartitionKey,
    path: Path,
    table: m.TableSpec,
    columns: tuple[cat.Column, ...],
    partitions: list[cat.Partition],
) -> None:
    """The partitions listed under ``partitions`` and the default one, each with its own partitions."""
    for name, bound in spec.partitions.items():
        ppath = path + ("partitions", name)
        child = r.qualify(name if "." in name else f"{parent.schema}.{name}", ppath, declare=True)
        text = _bound(r, key, bound, ppath)
        sub_key = None
        if bound.partition is not None:
            sub_key = _key(r, bound.partition, ppath + ("partition",), table, columns, top=False)
        if child is None or text is None:
            continue
        partitions.append(cat.Partition(child, parent, text, partition_key=sub_key))
        if sub_key is not None:
            _children(r, child, bound.partition, sub_key, ppath + ("partition",), table, columns, partitions)
    if spec.default:
        child = QualifiedName(parent.schema, f"{parent.name}_default")
        if partition_name(r, child, path) and r.qualify(str(child), path + ("default",), declare=True):
            partitions.append(cat.Partition(child, parent, None))


def _key(
    r: Resolver, spec: m.PartitionSpec, path: Path, table: m.TableSpec, columns: tuple[cat.Column, ...], *, top: bool
) -> cat.PartitionKey | None:
    """The key as written, with every column and expression checked."""
    names = set(table.columns) | set(added_columns(r.spec, table))
    one = spec.column is not None  # how the key is written, for where a message points
    parts, ok = [], True
    for i, part in enumerate(spec.key):
        where = path + (("column",) if one else ("columns", i))
        if part.column is not None:
            ok = _key_column(r, part.column, where, table, names, spec.interval is not None) and ok
            column = table.columns.get(part.column)
            if column is not None and column.generated is not None:
                r.error(where, f"'{part.column}' is a generated column; PostgreSQL cannot partition by one")
                ok = False
        else:
            where += ("expression",)
            node = r.expression(part.expression, where, "a partition key")
            if node is None:
                ok = False
            else:
                for used in column_names(node):
                    if used not in names:
                        r.error(where, f"unknown column '{used}'{suggest(used, names)}")
                        ok = False
        collation = r.collation(part.collation, where + ("collation",)) if part.collation is not None else None
        opclass = r.opclass(part.opclass, where + ("opclass",)) if part.opclass is not None else None
        if (part.opclass is not None and opclass is None) or (part.collation is not None and collation is None):
            ok = False
        parts.append(cat.PartitionKeyPart(part.column, part.expression, collation, opclass))
    key = cat.PartitionKey(spec.by, tuple(parts))
    many = path + ("columns",)
    if spec.by == "list" and len(parts) > 1:
        r.error(
            many,
            f"list partitioning takes one column or expression, not {len(parts)} ({key.text}); "
            "use range or hash for a key of several parts",
        )
        ok = False
    if spec.interval is not None and not top:
        r.error(
            path + ("interval",),
            "'interval' applies to a table's own partitioning; list a partition's sub-partitions under 'partitions'",
        )
        ok = False
    elif spec.interval is not None and spec.single_column is None:
        what = f"a key of {len(parts)} parts ({key.text})" if len(parts) > 1 else f"the expression {key.text}"
        r.error(
            many,
            f"'interval' partitions by one date or timestamp column, not {what}; "
            "list the partitions under 'partitions'",
        )
        ok = False
    return key if ok else None


def _key_column(r: Resolver, column: str, path: Path, table: m.TableSpec, names: set[str], timed: bool) -> bool:
    if column in table.columns:
        return True
    if column in names:
        if not timed:
            return True  # a convention's column (tenant_id) is a column of the table like any other
        r.error(path, f"'{column}' is added by a convention; partition by a column declared under 'columns'")
        return False
    r.error(path, f"unknown column '{column}'{suggest(column, table.columns)}")
    return False


def partition_name(r: Resolver, child: QualifiedName, path: Path) -> bool:
    size = len(child.name.encode())
    if size <= 63:
        return True
    r.error(
        path,
        f"the partition '{child.name}' would be {size} bytes; PostgreSQL truncates names "
        "longer than 63 bytes, so shorten the table name",
    )
    return False


def _bound(r: Resolver, key: cat.PartitionKey, bound: m.PartitionBound, path: Path) -> str | None:
    """The text after FOR VALUES, checked against the strategy and the key's arity."""
    strategy = key.strategy
    stray = sorted(k for k in bound.model_fields_set - _BOUND_KEYS[strategy] - {"partition"})
    if stray:
        r.error(path + (stray[0].rstrip("_"),), f"'{stray[0].rstrip('_')}' does not apply to a {strategy} partition")
        return None
    if strategy == "list" and bound.values:
        return f"IN ({', '.join(literal(v) for v in bound.values)})"
    if strategy == "range" and bound.from_ is not None and bound.to is not None:
        low = _range_values(r, key, bound.from_, path + ("from",), "from")
        high = _range_values(r, key, bound.to, path + ("to",), "to")
        if low is None or high is None:
            return None
        return f"FROM ({', '.join(map(literal, low))}) TO ({', '.join(map(literal, high))})"
    if strategy == "hash" and bound.modulus is not None and bound.remainder is not None:
        if bound.modulus <= 0:
            r.error(
                path + ("modulus",), f"modulus {bound.modulus} must be a positive number (the number of partitions)"
            )
            return None
        if not 0 <= bound.remainder < bound.modulus:
            r.error(
                path + ("remainder",),
                f"remainder {bound.remainder} must be from 0 to {bound.modulus - 1} "
                f"(less than modulus {bound.modulus})",
            )
            return None
        return f"WITH (MODULUS {bound.modulus}, REMAINDER {bound.remainder})"
    need = {"list": "'values'", "range": "'from' and 'to'", "hash": "'modulus' and 'remainder'"}[strategy]
    r.error(path, f"a {strategy} partition needs {need}")
    return None


def _range_values(r: Resolver, key: cat.PartitionKey, value, path: Path, name: str) -> list | None:
    """One value per key part: ``from: 10`` for a one-part key, ``from: [acme, 2024-01-01]`` for two."""
    values = list(value) if isinstance(value, list) else [value]
    arity = len(key.parts)
    if len(values) != arity:
        if arity == 1:
            r.error(
                path,
                f"'{name}' has {len(values)} values but the partition key is one part ({key.text}); write one value",
            )
        else:
            r.error(
                path,
                f"'{name}' has {len(values)} value{'s' if len(values) != 1 else ''} but the partition "
                f"key has {arity} parts ({key.text}); write {name}: [{', '.join(['...'] * arity)}]",
            )
        return None
    if None in values:
        r.error(path, f"'{name}' holds null, which no partition bound can; write MINVALUE or MAXVALUE for no limit")
        return None
    for i, v in enumerate(values[:-1]):
        text = str(v).upper() if isinstance(v, str) else ""
        if text in _INFINITE and str(values[i + 1]).upper() != text:
            r.error(
                path,
                f"in '{name}', every value after {text} must be {text} too (PostgreSQL's rule for "
                "bounds over several columns)",
            )
            return None
    return values


# -- unique keys of a partitioned table ---------------------------------------------


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
