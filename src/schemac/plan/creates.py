"""Creates: each new object through the statement that builds it in a whole schema, in
the form a database that already holds rows needs (indexes built concurrently, foreign
keys added NOT VALID and validated after the transaction)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import versions
from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.graph import Stage, Statement
from ..catalog.objects import Catalog, QualifiedName
from ..diff import changes as ch
from ..render.sql import change_sql, foreign_key_sql, index_sql, privilege_scope, statements
from ..spec.names import key_name
from .hazards import of_create, rule
from .steps import Phase, PlanError, Step, note

Pair = tuple[Statement, Step]


def _drop_index(index: cat.Index) -> str:
    return change_sql("drop", "INDEX CONCURRENTLY IF EXISTS", kinds.INDEX.sql_name(index))


def _partitioned_index(
    index: cat.Index, below: dict[QualifiedName, list[cat.Partition]], change: ch.Change | None
) -> list[Step]:
    """An index for a partitioned table that has rows: built on the parent alone
    (instantly), then concurrently on each partition, which is attached to it.
    A partition partitioned in turn gets its index the same way, on it alone,
    its own partitions' attached, before it is attached to its parent's.
    ``below`` is the desired partition tree (``children``)."""
    title = f"create index {index.name} on {index.table} alone, for its partitions' indexes to be attached"
    return [Step(index_sql(index, only=True), change, note=title), *_index_partitions(index, below, change)]


def _index_partitions(
    index: cat.Index, below: dict[QualifiedName, list[cat.Partition]], change: ch.Change | None
) -> list[Step]:
    steps = []
    for partition in below.get(index.table, ()):
        child = replace(index, name=key_name(partition.qname, index.keys, "idx"), table=partition.qname)
        if partition.partition_key is not None:
            steps.append(
                Step(
                    index_sql(child, only=True),
                    change,
                    phase=Phase.AFTER,
                    note=f"create index {child.name} on partition {partition.qname} alone",
                )
            )
            steps += _index_partitions(child, below, change)
        else:
            steps.append(
                Step(
                    index_sql(child, concurrently=True),
                    change,
                    phase=Phase.AFTER,
                    undo=_drop_index(child),
                    note=f"create index {child.name} on partition {partition.qname}",
                )
            )
        steps.append(
            Step(
                change_sql(
                    "attach_index",
                    QualifiedName(index.table.schema, index.name),
                    QualifiedName(partition.qname.schema, child.name),
                ),
                change,
                phase=Phase.AFTER,
                note=f"attach index {child.name} to {index.name}",
            )
        )
    return steps


def _checked_key(fk: cat.ForeignKey, current: Catalog, existing: set[QualifiedName]) -> str:
    """A foreign key that need not be valid, on a partitioned table, for a server before PostgreSQL 18,
    which takes no NOT VALID key there. On a new table, which has no rows, it is added checked
    at no cost; on a table that has rows, checking them is not what the goal asks: no plan."""
    if fk.table in existing:
        raise PlanError(
            f"the foreign key {fk.name} on {fk.table} need not be valid (valid: false), but PostgreSQL "
            f"{current.target_version} cannot add a NOT VALID foreign key to a partitioned table (PostgreSQL "
            f"{versions.NOT_VALID_FK_ON_PARTITIONED} can); adding it checked would check every existing row "
            "under a lock that blocks writes. Set 'valid: true' to add it so, or plan against PostgreSQL "
            f"{versions.NOT_VALID_FK_ON_PARTITIONED}"
        )
    return foreign_key_sql(replace(fk, valid=True))


def _emptied_reference(fk: cat.ForeignKey, change: ch.Change | None) -> QualifiedName | None:
    """The table a foreign key of another table references, when the plan rebuilds it (empty), else None."""
    if isinstance(change, ch.Repartition) and fk.table != change.after.qname:
        return change.after.qname
    return None


def _referenced(index: cat.Index, keys: list[cat.ForeignKey]) -> bool:
    """Whether one of ``keys`` (created in the transaction) can reference only through ``index``:
    a unique index on plain columns, with no predicate, of the columns the key references."""
    if not index.unique or index.where or any(k.column is None for k in index.keys):
        return False
    columns = {k.column for k in index.keys}
    return any(fk.ref_table == index.table and set(fk.ref_columns) == columns for fk in keys)


def _partitioned_tables(catalog: Catalog) -> set[QualifiedName]:
    return {t.qname for t in catalog.tables if t.partition_key}


def renames_argument(before: cat.Function, after: cat.Function) -> bool:
    """Whether an input argument that had a name gets another (a caller naming it breaks)."""

    def inputs(f: cat.Function) -> list[cat.Argument]:
        return [a for a in f.args if a.mode != "out"]

    return any(old.name and old.name != new.name for old, new in zip(inputs(before), inputs(after)))


def _hazards(obj: Any, change: ch.Change | None) -> frozenset[str]:
    renamed = (
        isinstance(change, ch.Replace)
        and obj is change.after
        and isinstance(obj, cat.Function)
        and renames_argument(change.before, obj)
    )
    return of_create(obj, change) | rule("rename a function's argument", renamed)


def _attribute_note(stmt: Statement) -> str | None:
    """A new object's comment or trigger state, titled as one changed in place is."""
    if stmt.label.startswith("comment on "):
        return f"set {stmt.label}"
    if stmt.label.startswith(("enable ", "disable ")):
        return stmt.label
    return None


def create_steps(
    creates: list[Any],
    owner: dict[int, ch.Change],
    current: Catalog,
    desired: Catalog,
    existing: set[QualifiedName],
    wanted: dict[QualifiedName, list[cat.Partition]],
) -> list[Pair]:
    """(ordering statement, step) pairs that make ``creates``; ``existing`` holds the relations the
    database has (and keeps) before the plan runs, ``wanted`` the desired partition tree."""
    out: list[Pair] = []
    partitioned = _partitioned_tables(current)
    old_server = current.target_version < versions.NOT_VALID_FK_ON_PARTITIONED
    goal_partitioned = _partitioned_tables(desired)
    new_keys = [o for o in creates if isinstance(o, cat.ForeignKey)]
    later: set[str] = set()  # what indexes built after the transaction provide
    for stmt in statements(kinds.catalog_of(creates, privileges=privilege_scope(desired))):
        source = stmt.source
        change = owner.get(id(source)) if source is not None else None
        step = Step(
            stmt.text,
            change,
            _hazards(source, change) if source is not None else frozenset(),
            note=note("create", source, change) if source is not None else _attribute_note(stmt),
            # The comment on an index built after the transaction follows it there.
            phase=Phase.AFTER if source is None and stmt.requires & later else Phase.TRANSACTION,
        )
        if isinstance(source, cat.Table) and stmt.provides is None:  # not CREATE TABLE itself
            # A check existing rows need not pass, or the table's replica identity.
            step = replace(
                step, note=f"add {stmt.label} (not valid)" if stmt.label.startswith("check ") else f"set {stmt.label}"
            )
        if isinstance(source, cat.ForeignKey) and not source.valid and old_server and source.table in goal_partitioned:
            step = replace(step, sql=_checked_key(source, current, existing))
        if isinstance(source, cat.Distribution) and source.table in existing:
            situation = (
                "distribute a table with rows"
                if source.kind == "distributed"
                else ("make a table with rows a reference table")
            )
            step = replace(step, hazards=step.hazards | rule(situation))
        if isinstance(source, cat.Index) and source.table in existing and source.table in partitioned:
            # Every partition, new ones too: the plan creates partitions before indexes.
            first, *rest = _partitioned_index(source, wanted, change)
            out.append((stmt, first))
            for part in rest:
                out.append((Statement(Stage.INDEXES, part.sql), part))
            continue
        if isinstance(source, cat.Index) and source.table in existing and _referenced(source, new_keys):
            step = replace(
                step,
                hazards=step.hazards | rule("build a unique index a new foreign key needs, on a table with rows"),
            )
        elif isinstance(source, cat.Index) and source.table in existing:
            step = replace(step, sql=index_sql(source, concurrently=True), phase=Phase.AFTER, undo=_drop_index(source))
            later.add(stmt.provides)
        elif (
            isinstance(source, cat.ForeignKey)
            and source.table in existing
            and source.table in partitioned
            and old_server
        ):
            step = replace(
                step,
                hazards=step.hazards | rule("add a foreign key to a partitioned table with rows, before PostgreSQL 18"),
            )
        elif isinstance(source, cat.ForeignKey) and source.table in existing:
            step = replace(step, sql=foreign_key_sql(source, not_valid=True))
            emptied = _emptied_reference(source, change)
            if emptied:
                step = replace(
                    step,
                    hazards=step.hazards | rule("add a foreign key again, to a table rebuilt empty"),
                    note=(
                        f"create foreign key {source.name} on {source.table} again, not valid (table "
                        f"{emptied} is rebuilt empty: rows of {source.table} that reference it fail the "
                        "key until the rows they reference are written again)"
                    ),
                )
            if source.valid:  # else the goal lets existing rows break it: never validated
                validate = Step(
                    change_sql("validate_constraint", source.table, source.name),
                    change,
                    phase=Phase.AFTER,
                    note=f"validate foreign key {source.name} on {source.table}"
                    + (
                        f" (fails while rows of {source.table} reference rows {emptied} no longer has)"
                        if emptied
                        else ""
                    ),
                )
                out.append((replace(stmt, sql=validate.sql, provides=None), validate))
        out.append((stmt, step))
    return out
