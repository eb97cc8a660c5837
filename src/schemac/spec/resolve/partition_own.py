"""What a partition listed under ``partitions`` holds of its own: keys, checks, exclusion constraints,
indexes and foreign keys, spelt as on a table and resolved by the table's own functions, against the
table's columns. PARTITION OF gives a partition its table's constraints and indexes anyway; these are
beside them. Partitions made from ``interval:`` and the ``default`` one hold none: the spec has no
place to write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from .. import models as m
from ..names import key_name, split_qualified
from .constraints import checks, exclusions
from .foreign_keys import foreign_keys
from .indexes import table_indexes
from .partitioning import partition_ref
from .scope import Scope
from .tables import keys_per_partition, primary_key, primary_key_columns, unique_keys


@dataclass
class PartitionsOwn:
    """A table's partitions' own objects: keys and checks by partition, indexes and foreign keys on them."""

    constraints: dict[QualifiedName, dict] = field(default_factory=dict)
    indexes: list[cat.Index] = field(default_factory=list)
    foreign_keys: list[cat.ForeignKey] = field(default_factory=list)

    def partition(self, partition: cat.Partition) -> cat.Partition:
        """``partition`` with its own keys and checks."""
        own = self.constraints.get(partition.qname)
        return replace(partition, **own) if own else partition


def partitions_own(scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec) -> PartitionsOwn:
    out = PartitionsOwn()
    if table.partition is not None:
        ancestors_keyed = bool(primary_key_columns(table))
        walk = _Walk(scope, qname, table, out)
        walk.partitions(qname, table.partition, path + ("partition",), ancestors_keyed, list(table.indexes))
    return out


@dataclass
class _Walk:
    scope: Scope
    table_name: QualifiedName
    table: m.TableSpec
    out: PartitionsOwn

    def partitions(
        self, parent: QualifiedName, spec: m.PartitionSpec, path: Path, keyed: bool, indexes: list[m.IndexSpec]
    ) -> None:
        """Those of ``parent`` and below; ``keyed``: whether the table or a partition above has a primary
        key; ``indexes``: theirs. A name the spec gets wrong was reported by ``partitioning``."""
        for name, bound in spec.partitions.items():
            ppath = path + ("partitions", name)
            parts = split_qualified(partition_ref(parent, name))
            if parts is None or parts[0] not in self.scope.schemas:
                continue
            child = QualifiedName(*parts)
            self.own(child, bound, ppath, keyed, indexes)
            if bound.partition is not None:
                below = keyed or bool(bound.pk)
                self.partitions(child, bound.partition, ppath + ("partition",), below, indexes + bound.indexes)

    def own(
        self, child: QualifiedName, bound: m.PartitionBound, path: Path, keyed: bool, above: list[m.IndexSpec]
    ) -> None:
        scope, own = self.scope, _as_table(self.table, bound)
        names = set(scope.table_columns(self.table_name))
        if bound.pk and keyed:
            scope.error(
                path + ("primary_key",),
                "its table has a primary key, which the partition takes; a table has one primary key: "
                "make this one a unique constraint",
            )
        pk = primary_key(scope, child, path, own, names)
        uniques = unique_keys(scope, child, path, own, names)
        if bound.partition is not None:
            keys_per_partition(scope, path, own, uniques)
        constraints = {
            "primary_key": pk,
            "uniques": tuple(uniques),
            "checks": tuple(checks(scope, child, path, own)),
            "exclusions": tuple(exclusions(scope, child, path, own, names)),
        }
        if any(constraints.values()):
            self.out.constraints[child] = constraints
        # PostgreSQL names the copy of a table's index on a partition as an unnamed index of its own.
        taken = {key_name(child, index.columns, "idx") for index in above}
        for i, index in enumerate(bound.indexes):
            if index.name is None and key_name(child, index.columns, "idx") in taken:
                scope.error(
                    path + ("indexes", i),
                    f"PostgreSQL gives the partition's copy of its table's index on the same columns the name "
                    f"{key_name(child, index.columns, 'idx')}; give this one a 'name'",
                )
        self.out.indexes += table_indexes(scope, child, path, own, names)
        self.out.foreign_keys += foreign_keys(scope, child, path, own, column_names=tuple(names))


def _as_table(table: m.TableSpec, bound: m.PartitionBound) -> m.TableSpec:
    """The partition as a table of its table's columns (without what they declare, which is the table's)
    and of its own keys, checks, indexes and foreign keys, for the functions that resolve a table's."""
    columns = {
        name: column.model_copy(update={"primary_key": False, "unique": False, "check": None, "references": None})
        for name, column in table.columns.items()
    }
    return table.model_copy(
        update={
            "columns": columns,
            "primary_key": bound.primary_key,
            "unique": bound.unique,
            "checks": bound.checks,
            "exclude": bound.exclude,
            "foreign_keys": bound.foreign_keys,
            "indexes": bound.indexes,
            "partition": bound.partition,
            "unlogged": False,
        }
    )
