"""Creates: each new object through the statement that builds it in a whole schema, in
the form a database that already holds rows needs (indexes built concurrently, foreign
keys added NOT VALID and validated after the transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    return {t.qname for t in (*catalog.tables, *catalog.partitions) if t.partition_key}


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


@dataclass
class _Situation:
    """What decides the form of a create: the database before the plan and the goal."""

    current: Catalog
    existing: set[QualifiedName]  # relations the database has (and keeps) before the plan runs
    wanted: dict[QualifiedName, list[cat.Partition]]  # the desired partition tree
    new_keys: list[cat.ForeignKey]  # foreign keys the plan creates
    partitioned: set[QualifiedName]  # partitioned tables before the plan
    goal_partitioned: set[QualifiedName]  # and in the goal
    old_server: bool  # no NOT VALID foreign key on a partitioned table
    later: set[str] = field(default_factory=set)  # what indexes built after the transaction provide


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
    situation = _Situation(
        current,
        existing,
        wanted,
        new_keys=[o for o in creates if isinstance(o, cat.ForeignKey)],
        partitioned=_partitioned_tables(current),
        goal_partitioned=_partitioned_tables(desired),
        old_server=current.target_version < versions.NOT_VALID_FK_ON_PARTITIONED,
    )
    out: list[Pair] = []
    for stmt in statements(kinds.catalog_of(creates, privileges=privilege_scope(desired))):
        source = stmt.source
        change = owner.get(id(source)) if source is not None else None
        step = _step(stmt, change, situation)
        if isinstance(source, cat.Table) and stmt.provides is None:  # not CREATE TABLE itself
            out.append((stmt, _table_part(stmt, step)))
        elif isinstance(source, cat.Distribution):
            out.append((stmt, _distribution(source, step, situation)))
        elif isinstance(source, cat.Index):
            out += _index(stmt, source, step, change, situation)
        elif isinstance(source, cat.ForeignKey):
            out += _foreign_key(stmt, source, step, change, situation)
        else:
            out.append((stmt, step))
    return out


def _step(stmt: Statement, change: ch.Change | None, situation: _Situation) -> Step:
    """The statement as a step in the transaction, with the hazards and title of what it creates."""
    source = stmt.source
    return Step(
        stmt.text,
        change,
        _hazards(source, change) if source is not None else frozenset(),
        note=note("create", source, change) if source is not None else _attribute_note(stmt),
        # The comment on an index built after the transaction follows it there.
        phase=Phase.AFTER if source is None and stmt.requires & situation.later else Phase.TRANSACTION,
    )


def _table_part(stmt: Statement, step: Step) -> Step:
    """A check existing rows need not pass, or the table's replica identity."""
    return replace(
        step, note=f"add {stmt.label} (not valid)" if stmt.label.startswith("check ") else f"set {stmt.label}"
    )


def _distribution(distribution: cat.Distribution, step: Step, situation: _Situation) -> Step:
    if distribution.table not in situation.existing:
        return step
    what = (
        "distribute a table with rows"
        if distribution.kind == "distributed"
        else "make a table with rows a reference table"
    )
    return replace(step, hazards=step.hazards | rule(what))


def _index(
    stmt: Statement, index: cat.Index, step: Step, change: ch.Change | None, situation: _Situation
) -> list[Pair]:
    """An index on a table with rows is built concurrently after the transaction, unless a new foreign
    key needs it in the transaction; on a partitioned one, on the parent alone and then each partition."""
    if index.table not in situation.existing:
        return [(stmt, step)]
    if index.table in situation.partitioned:
        # Every partition, new ones too: the plan creates partitions before indexes.
        first, *rest = _partitioned_index(index, situation.wanted, change)
        return [(stmt, first), *((Statement(Stage.INDEXES, part.sql), part) for part in rest)]
    if _referenced(index, situation.new_keys):
        hazards = rule("build a unique index a new foreign key needs, on a table with rows")
        return [(stmt, replace(step, hazards=step.hazards | hazards))]
    situation.later.add(stmt.provides)
    return [(stmt, replace(step, sql=index_sql(index, concurrently=True), phase=Phase.AFTER, undo=_drop_index(index)))]


def _foreign_key(
    stmt: Statement, fk: cat.ForeignKey, step: Step, change: ch.Change | None, situation: _Situation
) -> list[Pair]:
    """A foreign key on a table with rows is added NOT VALID and validated after the transaction, where
    the server allows it."""
    if not fk.valid and situation.old_server and fk.table in situation.goal_partitioned:
        step = replace(step, sql=_checked_key(fk, situation.current, situation.existing))
    if fk.table not in situation.existing:
        return [(stmt, step)]
    if fk.table in situation.partitioned and situation.old_server:
        hazards = rule("add a foreign key to a partitioned table with rows, before PostgreSQL 18")
        return [(stmt, replace(step, hazards=step.hazards | hazards))]
    step = replace(step, sql=foreign_key_sql(fk, not_valid=True))
    emptied = _emptied_reference(fk, change)
    if emptied:
        step = replace(
            step,
            hazards=step.hazards | rule("add a foreign key again, to a table rebuilt empty"),
            note=(
                f"create foreign key {fk.name} on {fk.table} again, not valid (table "
                f"{emptied} is rebuilt empty: rows of {fk.table} that reference it fail the "
                "key until the rows they reference are written again)"
            ),
        )
    if not fk.valid:  # the goal lets existing rows break it: never validated
        return [(stmt, step)]
    validate = Step(
        change_sql("validate_constraint", fk.table, fk.name),
        change,
        phase=Phase.AFTER,
        note=f"validate foreign key {fk.name} on {fk.table}"
        + (f" (fails while rows of {fk.table} reference rows {emptied} no longer has)" if emptied else ""),
    )
    return [(replace(stmt, sql=validate.sql, provides=None), validate), (stmt, step)]
