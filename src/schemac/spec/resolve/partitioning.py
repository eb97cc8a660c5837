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

from ... import versions
from ...catalog import objects as cat
from ...catalog.partitions import ColumnState, as_inherited, own_column, table_columns
from ...catalog.objects import QualifiedName
from ...errors import Path
from ...render.quoting import literal, range_bound
from ...sqltree import column_names
from .. import models as m
from ..conventions import added_columns
from ..names import spell, split_name, suggest
from ..partitions import PeriodError, time_partitions
from .fragments import collation_name, expression, opclass_name, storage_parameters
from .scope import Scope

_BOUND_KEYS = {"list": {"values"}, "range": {"from_", "to"}, "hash": {"modulus", "remainder"}}
_INFINITE = ("MINVALUE", "MAXVALUE")
# A partition's keys that are not its bound: what it holds otherwise than its table, or of its own.
_NOT_BOUND = {"partition", "columns", "storage_parameters", "primary_key", "unique", "checks", "exclude"}
_NOT_BOUND |= {"foreign_keys", "indexes"}


def partitioning(
    scope: Scope,
    qname: QualifiedName,
    path: Path,
    table: m.TableSpec,
    columns: tuple[cat.Column, ...],
) -> tuple[cat.PartitionKey | None, list[cat.Partition]]:
    """The table's partition key, and its partitions (and theirs)."""
    spec = table.partition
    key = _key(scope, spec, path, table, top=True)
    if key is None:
        return None, []
    partitions = []
    if spec.interval:
        column = next((c for c in columns if c.name == spec.single_column), None)
        if column is None:
            return None, []
        try:
            bounds = time_partitions(spec, column.type, scope.today)
        except PeriodError as exc:
            scope.error(path + ((exc.key,) if exc.key else ()), str(exc))
            return None, []
        for suffix, bound in bounds:
            child = QualifiedName(qname.schema, f"{qname.name}_{suffix}")
            if not partition_name(scope, child, path):
                break  # the others are too long as well; one message says it
            if scope.qualified(child.schema, child.name, path, declare=True):
                partitions.append(cat.Partition(child, qname, bound))
    partitions += _children(scope, qname, spec, key, path, table, table_columns(qname, columns))
    return key, partitions


def _children(
    scope: Scope,
    parent: QualifiedName,
    spec: m.PartitionSpec,
    key: cat.PartitionKey,
    path: Path,
    table: m.TableSpec,
    inherited: dict[str, ColumnState],
) -> list[cat.Partition]:
    """The partitions listed under ``partitions`` and the default one, each with its own partitions;
    ``inherited``: the columns as the parent has them (``catalog.partitions.table_columns``)."""
    partitions = []
    for name, bound in spec.partitions.items():
        ppath = path + ("partitions", name)
        child = scope.qualify(partition_ref(parent, name), ppath, declare=True)
        text = _bound(scope, key, bound, ppath)
        sub_key = None
        if bound.partition is not None:
            sub_key = _key(scope, bound.partition, ppath + ("partition",), table, top=False)
        if child is None or text is None:
            continue
        own = _own_columns(scope, child, parent, bound, ppath, table, inherited)
        if bound.storage_parameters and bound.partition is not None:
            scope.error(
                ppath + ("storage_parameters",),
                "a partition partitioned in turn takes no storage parameters: it holds no rows of its own; "
                "give them to its partitions",
            )
        partitions.append(
            cat.Partition(
                child,
                parent,
                text,
                partition_key=sub_key,
                own_columns=own,
                storage_parameters=storage_parameters(bound.storage_parameters),
            )
        )
        if sub_key is not None:
            mine = {c.name: c for c in own}
            theirs = {n: as_inherited(c, child, mine.get(n)) for n, c in inherited.items()}
            partitions += _children(scope, child, bound.partition, sub_key, ppath + ("partition",), table, theirs)
    if spec.default:
        child = QualifiedName(parent.schema, f"{parent.name}_default")
        if partition_name(scope, child, path) and scope.qualified(
            child.schema, child.name, path + ("default",), declare=True
        ):
            partitions.append(cat.Partition(child, parent, None))
    return partitions


def partition_ref(parent: QualifiedName, name: str) -> str:
    """A partition's name under ``partitions``, qualified: one without a schema is in its parent's."""
    return name if len(split_name(name) or ()) > 1 else f"{spell(parent.schema)}.{name}"


def _key(scope: Scope, spec: m.PartitionSpec, path: Path, table: m.TableSpec, *, top: bool) -> cat.PartitionKey | None:
    """The key as written, with every column and expression checked."""
    names = set(table.columns) | set(added_columns(scope.spec, table))
    one = spec.column is not None  # how the key is written, for where a message points
    parts, ok = [], True
    for i, part in enumerate(spec.key):
        where = path + (("column",) if one else ("columns", i))
        if part.column is not None:
            ok = _key_column(scope, part.column, where, table, names, spec.interval is not None) and ok
            column = table.columns.get(part.column)
            if column is not None and column.generated is not None:
                scope.error(where, f"'{part.column}' is a generated column; PostgreSQL cannot partition by one")
                ok = False
        else:
            where += ("expression",)
            node = expression(scope, part.expression, where, "a partition key")
            if node is None:
                ok = False
            else:
                for used in column_names(node):
                    if used not in names:
                        scope.error(where, f"unknown column '{used}'{suggest(used, names)}")
                        ok = False
        collation = (
            collation_name(scope, part.collation, where + ("collation",)) if part.collation is not None else None
        )
        # A hash partition key hashes with a hash operator class; a range or list key compares with btree's.
        method = "hash" if spec.by == "hash" else "btree"
        opclass = opclass_name(scope, part.opclass, where + ("opclass",), method) if part.opclass is not None else None
        if (part.opclass is not None and opclass is None) or (part.collation is not None and collation is None):
            ok = False
        parts.append(cat.PartitionKeyPart(part.column, part.expression, collation, opclass))
    key = cat.PartitionKey(spec.by, tuple(parts))
    many = path + ("columns",)
    if spec.by == "list" and len(parts) > 1:
        scope.error(
            many,
            f"list partitioning takes one column or expression, not {len(parts)} ({key.text}); "
            "use range or hash for a key of several parts",
        )
        ok = False
    if spec.interval is not None and not top:
        scope.error(
            path + ("interval",),
            "'interval' applies to a table's own partitioning; list a partition's sub-partitions under 'partitions'",
        )
        ok = False
    elif spec.interval is not None and spec.single_column is None:
        what = f"a key of {len(parts)} parts ({key.text})" if len(parts) > 1 else f"the expression {key.text}"
        scope.error(
            many,
            f"'interval' partitions by one date or timestamp column, not {what}; "
            "list the partitions under 'partitions'",
        )
        ok = False
    return key if ok else None


def _own_columns(
    scope: Scope,
    partition: QualifiedName,
    parent_name: QualifiedName,
    bound: m.PartitionBound,
    path: Path,
    table: m.TableSpec,
    inherited: dict[str, ColumnState],
) -> tuple[cat.PartitionColumn, ...]:
    """The partition's ``columns:``, checked against the columns it takes from its parent, as
    ``Partition.own_columns`` holds them."""
    out = []
    for name, spec in bound.columns.items():
        where = path + ("columns", name)
        parent = inherited.get(name)
        declared = table.columns.get(name)
        if parent is None or declared is None:
            if name in added_columns(scope.spec, table):
                scope.error(
                    where,
                    f"'{name}' is added by a convention; a partition sets only the columns declared under "
                    "its table's 'columns'",
                )
            elif declared is not None:  # generated
                scope.error(where, f"'{name}' is a generated column; every partition computes it as the table does")
            else:
                scope.error(where, f"the table has no column '{name}'{suggest(name, table.columns)}")
            continue
        if declared.identity is not None and spec.default is not None:
            scope.error(where + ("default",), f"'{name}' is an identity column; it takes no default")
            continue
        if spec.default is not None:
            if expression(scope, spec.default, where + ("default",), "a DEFAULT expression", columns=False) is None:
                continue
        if "not_null" in spec.model_fields_set and not spec.not_null and parent.not_null:
            scope.error(
                where + ("not_null",),
                f"'{name}' is NOT NULL in {parent_name}; a partition cannot take its parent's NOT NULL away",
            )
            continue
        not_null = spec.not_null or parent.not_null
        if spec.not_null_name is not None:
            scope.needs_version(versions.NAMED_NOT_NULL, "a named NOT NULL constraint", where + ("not_null_name",))
            scope.ident(spec.not_null_name, where + ("not_null_name",), key=False)
            if not not_null:
                scope.error(
                    where + ("not_null_name",),
                    "'not_null_name' names the column's NOT NULL constraint: add not_null: true",
                )
                continue
        default = spec.default if "default" in spec.model_fields_set else parent.default
        actual = ColumnState(name, default, not_null, spec.not_null_name)
        own = own_column(parent, partition, actual)
        if own is not None:
            out.append(own)
    return tuple(out)


def _key_column(scope: Scope, column: str, path: Path, table: m.TableSpec, names: set[str], timed: bool) -> bool:
    if column in table.columns:
        return True
    if column in names:
        if not timed:
            return True  # a convention's column (tenant_id) is a column of the table like any other
        scope.error(path, f"'{column}' is added by a convention; partition by a column declared under 'columns'")
        return False
    scope.error(path, f"unknown column '{column}'{suggest(column, table.columns)}")
    return False


def partition_name(scope: Scope, child: QualifiedName, path: Path) -> bool:
    size = len(child.name.encode())
    if size <= 63:
        return True
    scope.error(
        path,
        f"the partition '{child.name}' would be {size} bytes; PostgreSQL truncates names "
        "longer than 63 bytes, so shorten the table name",
    )
    return False


def _bound(scope: Scope, key: cat.PartitionKey, bound: m.PartitionBound, path: Path) -> str | None:
    """The text after FOR VALUES, checked against the strategy and the key's arity."""
    strategy = key.strategy
    stray = sorted(k for k in bound.model_fields_set - _BOUND_KEYS[strategy] - _NOT_BOUND)
    if stray:
        scope.error(
            path + (stray[0].rstrip("_"),), f"'{stray[0].rstrip('_')}' does not apply to a {strategy} partition"
        )
        return None
    if strategy == "list" and bound.values:
        return f"IN ({', '.join(literal(v) for v in bound.values)})"
    if strategy == "range" and bound.from_ is not None and bound.to is not None:
        low = _range_values(scope, key, bound.from_, path + ("from",), "from")
        high = _range_values(scope, key, bound.to, path + ("to",), "to")
        if low is None or high is None:
            return None
        return f"FROM ({', '.join(map(range_bound, low))}) TO ({', '.join(map(range_bound, high))})"
    if strategy == "hash" and bound.modulus is not None and bound.remainder is not None:
        if bound.modulus <= 0:
            scope.error(
                path + ("modulus",), f"modulus {bound.modulus} must be a positive number (the number of partitions)"
            )
            return None
        if not 0 <= bound.remainder < bound.modulus:
            scope.error(
                path + ("remainder",),
                f"remainder {bound.remainder} must be from 0 to {bound.modulus - 1} "
                f"(less than modulus {bound.modulus})",
            )
            return None
        return f"WITH (MODULUS {bound.modulus}, REMAINDER {bound.remainder})"
    need = {"list": "'values'", "range": "'from' and 'to'", "hash": "'modulus' and 'remainder'"}[strategy]
    scope.error(path, f"a {strategy} partition needs {need}")
    return None


def _range_values(scope: Scope, key: cat.PartitionKey, value, path: Path, name: str) -> list | None:
    """One value per key part: ``from: 10`` for a one-part key, ``from: [acme, 2024-01-01]`` for two."""
    values = list(value) if isinstance(value, list) else [value]
    arity = len(key.parts)
    if len(values) != arity:
        if arity == 1:
            scope.error(
                path,
                f"'{name}' has {len(values)} values but the partition key is one part ({key.text}); write one value",
            )
        else:
            scope.error(
                path,
                f"'{name}' has {len(values)} value{'s' if len(values) != 1 else ''} but the partition "
                f"key has {arity} parts ({key.text}); write {name}: [{', '.join(['...'] * arity)}]",
            )
        return None
    if None in values:
        scope.error(path, f"'{name}' holds null, which no partition bound can; write MINVALUE or MAXVALUE for no limit")
        return None
    for i, v in enumerate(values[:-1]):
        text = str(v).upper() if isinstance(v, str) else ""
        if text in _INFINITE and str(values[i + 1]).upper() != text:
            scope.error(
                path,
                f"in '{name}', every value after {text} must be {text} too (PostgreSQL's rule for "
                "bounds over several columns)",
            )
            return None
    return values
