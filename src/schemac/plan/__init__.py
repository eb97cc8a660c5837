"""Changes -> an ordered plan of SQL steps, each with its hazards.

A plan runs in three phases: steps that must commit before the rest can use
them (new enum values), the transaction (drops in reverse dependency order,
renames, then creates and alterations in dependency order), and steps that
cannot run inside a transaction or should run after it (CREATE INDEX
CONCURRENTLY on existing tables, VALIDATE CONSTRAINT).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from .. import versions
from ..catalog import objects as cat
from ..catalog.graph import Stage, Statement, order
from ..catalog.objects import Catalog, QualifiedName
from ..catalog.partitions import children, descendants
from ..diff import changes as ch
from ..render.constraints import constraint_body, timing
from ..render.quoting import ident, qualified
from ..render.sql import (
    column_definition, environment, foreign_key_sql, function_sql, index_sql, not_valid_check_sql, requires_sql,
    requires_type, statements,
)
from ..spec.names import default_name, key_name

# Hazards, as the issue names them.
DATA_LOSS = "data-loss"
TABLE_REWRITE = "table-rewrite"
LONG_LOCK = "long-lock"
BREAKS_CLIENTS = "breaks-clients"
WIDENS_ACCESS = "widens-access"
HAZARDS = (DATA_LOSS, TABLE_REWRITE, LONG_LOCK, BREAKS_CLIENTS, WIDENS_ACCESS)


class PlanError(Exception):
    """No plan can take the database to the goal on its server; the message says why."""


class Phase(IntEnum):
    BEFORE = 0  # committed on its own, before the transaction
    TRANSACTION = 1
    AFTER = 2  # one by one, after the transaction commits


@dataclass(frozen=True)
class Step:
    sql: str
    change: ch.Change | None
    hazards: frozenset[str] = frozenset()
    phase: Phase = Phase.TRANSACTION
    # What to run if the step fails outside a transaction, so it leaves nothing
    # half-made behind (an invalid index after a failed CREATE INDEX CONCURRENTLY).
    undo: str | None = None
    # What the step does, when it is one of several for its change (a partition's
    # index, a dependent made again); else the change says it.
    note: str | None = None

    @property
    def transactional(self) -> bool:
        return self.phase == Phase.TRANSACTION

    @property
    def title(self) -> str:
        """One line for a person reading the plan."""
        if self.note:
            return self.note
        return self.change.describe() if self.change else self.sql.splitlines()[0]

    def to_dict(self) -> dict:
        return {
            "sql": self.sql,
            "change": self.change.describe() if self.change else None,
            "title": self.title,
            "transactional": self.transactional,
            "phase": self.phase.name.lower(),
            "hazards": sorted(self.hazards),
        }


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.steps

    @property
    def hazards(self) -> frozenset[str]:
        return frozenset(h for step in self.steps for h in step.hazards)

    def sql(self) -> str:
        """The plan as one script; non-transactional steps are marked where they run."""
        out = []
        for phase in Phase:
            steps = [s for s in self.steps if s.phase == phase]
            if not steps:
                continue
            if phase == Phase.TRANSACTION:
                out.append("BEGIN;\n\n" + "\n\n".join(s.sql for s in steps) + "\n\nCOMMIT;")
            else:
                label = "before" if phase == Phase.BEFORE else "after"
                out.append(f"-- Outside the transaction, {label} it:\n\n" + "\n\n".join(s.sql for s in steps))
        return "\n\n".join(out) + "\n" if out else ""


def _macro(name: str):
    return getattr(environment().get_template("changes.sql.j2").module, name)


def _sql(name: str, *args, **kwargs) -> str:
    return str(_macro(name)(*args, **kwargs)).strip()


# -- drops ----------------------------------------------------------------------------

_DROP_KIND = {
    cat.Schema: "SCHEMA", cat.Extension: "EXTENSION", cat.Enum: "TYPE", cat.Domain: "DOMAIN",
    cat.Sequence: "SEQUENCE", cat.Table: "TABLE", cat.Partition: "TABLE", cat.Index: "INDEX",
}


def drop_sql(obj: Any) -> str:
    if isinstance(obj, cat.View):
        return _sql("drop", "MATERIALIZED VIEW" if obj.materialized else "VIEW", ident(obj.qname))
    if isinstance(obj, cat.Function):
        return _sql("drop", "FUNCTION", f"{ident(obj.qname)}({obj.signature})")
    if isinstance(obj, cat.ForeignKey):
        return _sql("drop_constraint", obj.table, obj.name)
    if isinstance(obj, cat.Policy):
        return _sql("drop_on_table", "POLICY", obj.name, obj.table)
    if isinstance(obj, cat.Trigger):
        return _sql("drop_on_table", "TRIGGER", obj.name, obj.table)
    if isinstance(obj, cat.Index):
        return _sql("drop", "INDEX", ident(QualifiedName(obj.table.schema, obj.name)))
    if isinstance(obj, (cat.Schema, cat.Extension)):
        return _sql("drop", _DROP_KIND[type(obj)], ident(obj.name))
    return _sql("drop", _DROP_KIND[type(obj)], ident(obj.qname))


def _drop_hazards(obj: Any) -> frozenset[str]:
    if isinstance(obj, (cat.Table, cat.Partition, cat.Sequence)):
        return frozenset({DATA_LOSS, BREAKS_CLIENTS})
    if isinstance(obj, cat.View) and obj.materialized:
        return frozenset({BREAKS_CLIENTS})
    if isinstance(obj, (cat.View, cat.Function, cat.Schema, cat.Enum, cat.Domain)):
        return frozenset({BREAKS_CLIENTS})
    if isinstance(obj, cat.Policy) and not obj.permissive:
        return frozenset({WIDENS_ACCESS})
    return frozenset()


def _object_catalog(objects: Iterable[Any]) -> Catalog:
    """A catalog holding just ``objects``, so their statements can be built and ordered."""
    buckets: dict[str, list[Any]] = {}
    slot = {
        cat.Schema: "schemas", cat.Extension: "extensions", cat.Enum: "enums", cat.Domain: "domains",
        cat.Sequence: "sequences", cat.Table: "tables", cat.Partition: "partitions",
        cat.ForeignKey: "foreign_keys", cat.Index: "indexes", cat.Policy: "policies",
        cat.Trigger: "triggers", cat.View: "views", cat.Function: "functions",
    }
    for obj in objects:
        buckets.setdefault(slot[type(obj)], []).append(obj)
    return Catalog(**{name: tuple(items) for name, items in buckets.items()})


def _drop_steps(objects: list[Any], changes_by_object: dict[int, ch.Change]) -> list[Step]:
    """DROP statements for ``objects``, dependents first."""
    if not objects:
        return []
    created = [s for s in order(statements(_object_catalog(objects))) if s.source is not None]
    wanted = {id(o) for o in objects}
    out = []
    seen: set[int] = set()
    for stmt in reversed(created):
        obj = stmt.source
        if id(obj) in seen or id(obj) not in wanted:
            continue
        seen.add(id(obj))
        change = changes_by_object.get(id(obj))
        # A view, function or policy dropped to be made again in the same
        # transaction is never missing for a client; a table is (its rows go).
        hazards = _drop_hazards(obj)
        if isinstance(change, ch.Replace) and not isinstance(obj, (cat.Table, cat.Partition)):
            hazards = hazards - {BREAKS_CLIENTS}
        if isinstance(obj, cat.Partition):
            # Detached first: PostgreSQL refuses DROP TABLE on a partition of a table
            # that a foreign key references, and DETACH checks no row references it.
            out.append(Step(_sql("detach_partition", obj.parent, obj.qname), change, hazards & {BREAKS_CLIENTS},
                            note=f"detach partition {obj.qname} from {obj.parent}" + _for(obj, change)))
        out.append(Step(drop_sql(obj), change, hazards, note=_note("drop", obj, change)))
    return out


def _for(obj: Any, change: ch.Change | None) -> str:
    """Why ``obj`` is dropped or made, when the change is about another object: ' (table x is rebuilt)'."""
    if not isinstance(change, ch.Replace) or obj is change.before or obj is change.after:
        return ""
    verb = "rebuilt" if isinstance(change, ch.Repartition) else "replaced"
    return f" ({ch.kind_of(change.after)} {ch.name_of(change.after)} is {verb})"


def _note(verb: str, obj: Any, change: ch.Change | None) -> str | None:
    """A step's title when its change alone would not say what it does; else None."""
    if type(change) is ch.Replace and (obj is change.before or obj is change.after):
        # Dropped, then made again: one title for each step.
        what = f"{verb} {ch.kind_of(obj)} {ch.name_of(obj)}{' again' if verb == 'create' else ''}"
        return what + (f" ({change.because})" if change.because else " (replaced)")
    if isinstance(change, ch.Repartition) and obj is change.after:
        key = obj.partition_key
        return f"create {ch.kind_of(obj)} {ch.name_of(obj)} again, partitioned by {key.strategy} ({key.text})"
    reason = _for(obj, change)
    if not reason:
        return None
    return f"{verb} {ch.kind_of(obj)} {ch.name_of(obj)}{' again' if verb == 'create' else ''}{reason}"


# -- creates and alterations ----------------------------------------------------------------


def _attached(catalog: Catalog) -> dict[QualifiedName, list[Any]]:
    """For each relation: what dropping it takes with it, and must be made again."""
    out: dict[QualifiedName, list[Any]] = {}
    for obj in (*catalog.indexes, *catalog.policies, *catalog.triggers):
        out.setdefault(obj.table, []).append(obj)
    for fk in catalog.foreign_keys:
        for qname in {fk.table, fk.ref_table}:
            out.setdefault(qname, []).append(fk)
    for partition in catalog.partitions:
        out.setdefault(partition.parent, []).append(partition)
    return out


def _create_hazards(obj: Any, change: ch.Change | None) -> frozenset[str]:
    if isinstance(obj, cat.Policy) and obj.permissive:
        # Made again with the same roles and type around another change: no wider than before.
        if isinstance(change, ch.Replace) and isinstance(change.before, cat.Policy) and \
                (change.before.roles, change.before.permissive, change.before.using, change.before.with_check) == \
                (obj.roles, obj.permissive, obj.using, obj.with_check):
            return frozenset()
        return frozenset({WIDENS_ACCESS})
    return frozenset()


def _alter_steps(change: ch.Change, existing: set[QualifiedName]) -> list[tuple[Statement, Step]]:
    """(ordering statement, step) pairs for changes that alter an object in place."""

    def one(sql: str, stage: Stage, requires=(), hazards=(), phase=Phase.TRANSACTION, note=None):
        stmt = Statement(stage, sql, requires=frozenset(requires))
        return (stmt, Step(sql, change, frozenset(hazards), phase, note=note))

    c = change
    if isinstance(c, ch.AddColumn):
        requires = {f"rel:{c.table.qname}"} | requires_type(c.column.type) | requires_sql(c.column.default, c.column.generated)
        return [one(_sql("add_column", c.table.qname, column_definition(c.column)), Stage.TABLES, requires,
                    {TABLE_REWRITE} if c.column.generated else ())]
    if isinstance(c, ch.DropColumn):
        return [one(_sql("drop_column", c.table.qname, c.column.name), Stage.TABLES, (),
                    {DATA_LOSS, BREAKS_CLIENTS})]
    if isinstance(c, ch.AlterColumn):
        return _alter_column(c, one)
    if isinstance(c, ch.AddConstraint):
        return _add_constraint(c, existing, one)
    if isinstance(c, ch.DropConstraint):
        return [one(_sql("drop_constraint", c.table, c.constraint.name), Stage.TABLES)]
    if isinstance(c, ch.ValidateConstraint):
        # Scans the table, but under a lock that lets reads and writes go on.
        stage = Stage.FOREIGN_KEYS if isinstance(c.constraint, cat.ForeignKey) else Stage.TABLES
        return [one(_sql("validate_constraint", c.table, c.constraint.name), stage, {f"rel:{c.table}"},
                    phase=Phase.AFTER)]
    if isinstance(c, ch.AlterConstraint):
        state = [timing(c.after).strip() or "NOT DEFERRABLE"] if c.timing_changed else []
        hazards: set[str] = set()
        if c.before.enforced and not c.after.enforced:
            state.append("NOT ENFORCED")  # checks nothing: a brief lock
            if {c.before.on_delete, c.before.on_update} & {"cascade", "set null", "set default"}:
                hazards.add(BREAKS_CLIENTS)  # its ON DELETE / ON UPDATE actions stop with it
        return [one(_sql("alter_constraint", c.after.table, c.after.name, " ".join(state)), Stage.FOREIGN_KEYS,
                    {f"rel:{c.after.table}"}, hazards)]
    if isinstance(c, ch.SetRowSecurity):
        out = []
        if c.enabled != c.was_enabled:
            out.append(one(_sql("row_security", c.table, "ENABLE" if c.enabled else "DISABLE"), Stage.SECURITY,
                           {f"rel:{c.table}"}, () if c.enabled else {WIDENS_ACCESS}))
        if c.forced != c.was_forced:
            out.append(one(_sql("row_security", c.table, "FORCE" if c.forced else "NO FORCE"), Stage.SECURITY,
                           {f"rel:{c.table}"}, () if c.forced else {WIDENS_ACCESS}))
        return out
    if isinstance(c, ch.AlterPolicy):
        return [one(_sql("alter_policy", c.after), Stage.SECURITY, (), {WIDENS_ACCESS} if c.after.permissive else ())]
    if isinstance(c, ch.AlterDomain):
        return _alter_domain(c, one)
    if isinstance(c, ch.AddEnumValue):
        return [one(_sql("add_enum_value", c.enum, c.value, c.before), Stage.TYPES, phase=Phase.BEFORE)]
    if isinstance(c, ch.RenameTable):
        return [one(_sql("rename_table", c.old, c.new), Stage.SCHEMAS, (), {BREAKS_CLIENTS})]
    if isinstance(c, ch.RenameConstraint):
        return [one(_sql("rename_constraint", c.table, c.old, c.new), Stage.TABLES, {f"rel:{c.table}"})]
    if isinstance(c, ch.RenameIndex):
        return [one(_sql("rename_index", QualifiedName(c.schema, c.old), c.new), Stage.INDEXES)]
    if isinstance(c, ch.RenameColumn):
        return [one(_sql("rename_column", c.table, c.old, c.new), Stage.SCHEMAS, (), {BREAKS_CLIENTS})]
    if isinstance(c, ch.ChangeGrants):
        return [one(_sql("grants", c.kind, c.target, c.role, c.grant, c.revoke), Stage.GRANTS, (),
                    {WIDENS_ACCESS} if c.grant else ())]
    if isinstance(c, ch.SetComment):
        return [one(_sql("comment", c.kind, c.target, c.text), Stage.GRANTS)]
    raise TypeError(f"no SQL for {type(c).__name__}")  # pragma: no cover


def _alter_column(c: ch.AlterColumn, one) -> list:
    out = []
    table, col = c.table, c.after.name
    requires = {f"rel:{table}"}
    if c.type_changed:
        using = f"{ident(col)}::{c.after.type}"
        action = f"TYPE {c.after.type}" + (f" COLLATE {qualified(c.after.collation)}" if c.after.collation else "") + f" USING {using}"
        out.append(one(_sql("alter_column", table, col, action), Stage.TABLES, requires, {TABLE_REWRITE, LONG_LOCK}))
    if c.default_changed:
        action = f"SET DEFAULT {c.after.default}" if c.after.default is not None else "DROP DEFAULT"
        out.append(one(_sql("alter_column", table, col, action), Stage.TABLES, requires))
    if c.identity_changed:
        if c.before.identity:
            out.append(one(_sql("alter_column", table, col, "DROP IDENTITY"), Stage.TABLES, requires))
        if c.after.identity:
            out.append(one(_sql("alter_column", table, col, f"ADD GENERATED {c.after.identity.upper()} AS IDENTITY"),
                           Stage.TABLES, requires))
    if c.null_changed and not c.after.not_null:
        out.append(one(_sql("alter_column", table, col, "DROP NOT NULL"), Stage.TABLES, requires))
    elif c.null_changed:
        # SET NOT NULL alone scans the table under an exclusive lock. A check
        # added NOT VALID and validated (which lets writes go on) proves it
        # first, and PostgreSQL then sets NOT NULL without scanning.
        # Not "<table>_<col>_not_null": PostgreSQL 18 names NOT NULL constraints so.
        check = default_name(table, [col], "set_not_null")
        out.append(one(_sql("add_constraint", table, check, f"CHECK ({ident(col)} IS NOT NULL)", not_valid=True),
                       Stage.TABLES, requires))
        for sql in (_sql("validate_constraint", table, check), _sql("alter_column", table, col, "SET NOT NULL"),
                    _sql("drop_constraint", table, check)):
            out.append(one(sql, Stage.TABLES, requires, phase=Phase.AFTER))
    if c.comment_changed:
        out.append(one(_sql("comment", "COLUMN", f"{ident(table)}.{ident(col)}", c.after.comment), Stage.GRANTS))
    return out


def _alter_domain(c: ch.AlterDomain, one) -> list:
    out = []
    q, before, after = c.after.qname, c.before, c.after
    if before.default != after.default:
        action = f"SET DEFAULT {after.default}" if after.default is not None else "DROP DEFAULT"
        out.append(one(_sql("alter_domain", q, action), Stage.TYPES))
    if before.not_null != after.not_null:
        # SET NOT NULL checks every column of the domain's type.
        out.append(one(_sql("alter_domain", q, "SET NOT NULL" if after.not_null else "DROP NOT NULL"), Stage.TYPES,
                       (), {LONG_LOCK} if after.not_null else ()))
    old_checks, new_checks = dict(before.checks), dict(after.checks)
    for name in sorted(set(old_checks) | set(new_checks)):
        if old_checks.get(name) == new_checks.get(name):
            continue
        if name in old_checks:
            out.append(one(_sql("alter_domain", q, f"DROP CONSTRAINT {ident(name)}"), Stage.TYPES))
        if name in new_checks:
            out.append(one(_sql("alter_domain", q, f"ADD CONSTRAINT {ident(name)} CHECK ({new_checks[name]}) NOT VALID"),
                           Stage.TYPES))
            out.append(one(_sql("alter_domain", q, f"VALIDATE CONSTRAINT {ident(name)}"), Stage.TYPES,
                           phase=Phase.AFTER))
    return out


def _add_constraint(c: ch.AddConstraint, existing: set[QualifiedName], one) -> list:
    con = c.constraint
    body = constraint_body(con)
    requires = {f"rel:{c.table}"}
    if isinstance(con, cat.Check) and not con.enforced:
        # NOT ENFORCED: no row is checked, now or later (its body says so).
        return [one(_sql("add_constraint", c.table, con.name, body), Stage.TABLES, requires)]
    if isinstance(con, cat.Check) and not con.valid:
        # The goal lets existing rows break it: added NOT VALID, and never validated.
        return [one(not_valid_check_sql(c.table, con), Stage.TABLES, requires)]
    if isinstance(con, cat.Check) and c.table in existing:
        # Added NOT VALID (a brief lock), then validated without blocking writes.
        return [one(not_valid_check_sql(c.table, con), Stage.TABLES, requires, note=f"{c.describe()} (not valid)"),
                one(_sql("validate_constraint", c.table, con.name), Stage.TABLES, requires, phase=Phase.AFTER,
                    note=f"validate check {con.name} on {c.table}")]
    # A key or exclusion constraint builds its index under an ACCESS EXCLUSIVE lock.
    hazards = {LONG_LOCK} if c.table in existing else set()
    return [one(_sql("add_constraint", c.table, con.name, body), Stage.TABLES, requires, hazards)]


def _drop_index(index: cat.Index) -> str:
    return _sql("drop", "INDEX CONCURRENTLY IF EXISTS", ident(QualifiedName(index.table.schema, index.name)))


def _partitioned_index(index: cat.Index, below: dict[QualifiedName, list[cat.Partition]],
                       change: ch.Change | None) -> list[Step]:
    """An index for a partitioned table that has rows: built on the parent alone
    (instantly), then concurrently on each partition, which is attached to it.
    A partition partitioned in turn gets its index the same way, on it alone,
    its own partitions' attached, before it is attached to its parent's.
    ``below`` is the desired partition tree (``children``)."""
    note = f"create index {index.name} on {index.table} alone, for its partitions' indexes to be attached"
    return [Step(index_sql(index, only=True), change, note=note), *_index_partitions(index, below, change)]


def _index_partitions(index: cat.Index, below: dict[QualifiedName, list[cat.Partition]],
                      change: ch.Change | None) -> list[Step]:
    steps = []
    for partition in below.get(index.table, ()):
        child = replace(index, name=key_name(partition.qname, index.keys, "idx"), table=partition.qname)
        if partition.partition_key is not None:
            steps.append(Step(index_sql(child, only=True), change, phase=Phase.AFTER,
                              note=f"create index {child.name} on partition {partition.qname} alone"))
            steps += _index_partitions(child, below, change)
        else:
            steps.append(Step(index_sql(child, concurrently=True), change, phase=Phase.AFTER,
                              undo=_drop_index(child), note=f"create index {child.name} on partition {partition.qname}"))
        steps.append(Step(_sql("attach_index", QualifiedName(index.table.schema, index.name),
                               QualifiedName(partition.qname.schema, child.name)), change, phase=Phase.AFTER,
                          note=f"attach index {child.name} to {index.name}"))
    return steps


def _sort_changes(changes: list[ch.Change]) -> tuple[list[Any], list[Any], list[ch.Change], dict[int, ch.Change]]:
    """(objects to drop, objects to create, changes made in place, the change behind each object)."""
    drops: list[Any] = []
    creates: list[Any] = []
    alters: list[ch.Change] = []
    owner: dict[int, ch.Change] = {}
    for change in changes:
        if isinstance(change, ch.Create):
            creates.append(change.obj)
            owner[id(change.obj)] = change
        elif isinstance(change, ch.Drop):
            drops.append(change.obj)
            owner[id(change.obj)] = change
        elif isinstance(change, ch.Replace) and isinstance(change.after, cat.Sequence):
            alters.append(change)
        elif isinstance(change, ch.Replace) and isinstance(change.after, cat.Function) \
                and change.before.returns == change.after.returns:
            alters.append(change)  # CREATE OR REPLACE keeps what depends on it
        elif isinstance(change, ch.Replace):
            drops.append(change.before)
            creates.append(change.after)
            owner[id(change.before)] = owner[id(change.after)] = change
        else:
            alters.append(change)
    return drops, creates, alters, owner


def _with_dependents(current: Catalog, desired: Catalog, had: dict[QualifiedName, list[cat.Partition]],
                     wanted: dict[QualifiedName, list[cat.Partition]], drops: list[Any], creates: list[Any],
                     owner: dict[int, ch.Change]) -> tuple[list[Any], list[Any]]:
    """Dropping a table or view takes its indexes, policies, triggers, keys and
    partitions with it: make again those the desired side keeps, and drop none
    of them on their own. A foreign key of another table that references it is
    dropped first and made again after. ``had`` and ``wanted`` are the current
    and desired partition trees (``children``)."""
    relations = [(o.qname, owner[id(o)]) for o in drops if isinstance(o, (cat.Table, cat.View, cat.Partition))]
    dropped: dict[QualifiedName, ch.Change] = {}
    attached = _attached(desired)
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
            for obj in attached.get(relation, ()):
                if not isinstance(obj, cat.Partition):
                    remake(obj, change)
    dropping = {id(o) for o in drops}
    for fk in current.foreign_keys:
        if fk.ref_table in dropped and id(fk) not in dropping:
            drops.append(fk)
            owner[id(fk)] = dropped[fk.ref_table]
    drops = [o for o in drops if not (
        isinstance(o, (cat.Index, cat.Policy, cat.Trigger, cat.Partition)) and
        (getattr(o, "table", None) in dropped or getattr(o, "parent", None) in dropped)
        or isinstance(o, cat.Sequence) and o.owned_by and o.owned_by[0] in dropped
    )]
    return drops, creates


def _partitioned_tables(catalog: Catalog) -> set[QualifiedName]:
    return {t.qname for t in catalog.tables if t.partition_key}


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
            f"{versions.NOT_VALID_FK_ON_PARTITIONED}")
    return foreign_key_sql(replace(fk, valid=True))


def _emptied_reference(fk: cat.ForeignKey, change: ch.Change | None) -> QualifiedName | None:
    """The table a foreign key of another table references, when the plan rebuilds it (empty), else None."""
    if isinstance(change, ch.Repartition) and fk.table != change.after.qname:
        return change.after.qname
    return None


def make_plan(current: Catalog, desired: Catalog, changes: list[ch.Change]) -> Plan:
    """Order ``changes`` into steps: drops, then renames, creates and alterations, then the rest."""
    drops, creates, alters, owner = _sort_changes(changes)
    wanted = children(desired.partitions)
    drops, creates = _with_dependents(current, desired, children(current.partitions), wanted, drops, creates, owner)
    dropped_relations = {o.qname for o in drops if isinstance(o, (cat.Table, cat.View))}
    before_steps: list[Step] = []

    existing = {t.qname for t in current.tables} | {v.qname for v in current.views}
    existing -= dropped_relations
    steps: list[Step] = _drop_steps(drops, owner)

    # Creates and alterations share one dependency order.
    forward: list[tuple[Statement, Step]] = []
    partitioned = _partitioned_tables(current)
    old_server = current.target_version < versions.NOT_VALID_FK_ON_PARTITIONED
    goal_partitioned = _partitioned_tables(desired)
    for stmt in statements(_object_catalog(creates)):
        source = stmt.source
        change = owner.get(id(source)) if source is not None else None
        step = Step(stmt.text, change, _create_hazards(source, change) if source is not None else frozenset(),
                    note=_note("create", source, change) if source is not None else None)
        if isinstance(source, cat.Table) and stmt.provides is None:  # a check existing rows need not pass
            step = replace(step, note=f"add {stmt.label} (not valid)")
        if isinstance(source, cat.ForeignKey) and not source.valid and old_server \
                and source.table in goal_partitioned:
            step = replace(step, sql=_checked_key(source, current, existing))
        if isinstance(source, cat.Index) and source.table in existing and source.table in partitioned:
            # Every partition, new ones too: the plan creates partitions before indexes.
            first, *rest = _partitioned_index(source, wanted, change)
            forward.append((stmt, first))
            for later in rest:
                forward.append((Statement(Stage.INDEXES, later.sql), later))
            continue
        if isinstance(source, cat.Index) and source.table in existing:
            step = replace(step, sql=index_sql(source, concurrently=True), phase=Phase.AFTER, undo=_drop_index(source))
        elif isinstance(source, cat.ForeignKey) and source.table in existing and source.table in partitioned \
                and old_server:
            # Before PostgreSQL 18 a partitioned table takes no NOT VALID key: it checks
            # every row as it is added, under a lock that blocks writes.
            step = replace(step, hazards=step.hazards | {LONG_LOCK})
        elif isinstance(source, cat.ForeignKey) and source.table in existing:
            step = replace(step, sql=foreign_key_sql(source, not_valid=True))
            emptied = _emptied_reference(source, change)
            if emptied:
                step = replace(step, hazards=step.hazards | {BREAKS_CLIENTS}, note=(
                    f"create foreign key {source.name} on {source.table} again, not valid (table {emptied} is "
                    f"rebuilt empty: rows of {source.table} that reference it fail the key until the rows "
                    "they reference are written again)"))
            if source.valid:  # else the goal lets existing rows break it: never validated
                validate = Step(_sql("validate_constraint", source.table, source.name), change, phase=Phase.AFTER,
                                note=f"validate foreign key {source.name} on {source.table}" + (
                                    f" (fails while rows of {source.table} reference rows {emptied} no longer has)"
                                    if emptied else ""))
                forward.append((replace(stmt, sql=validate.sql, provides=None), validate))
        forward.append((stmt, step))
    for change in alters:
        if isinstance(change, ch.Replace) and isinstance(change.after, cat.Sequence):
            forward.append((Statement(Stage.SEQUENCES, ""), Step(_sql("alter_sequence", change.after), change)))
            continue
        if isinstance(change, ch.Replace):  # a function whose signature and result stay
            sql = function_sql(change.after, or_replace=True)
            forward.append((Statement(Stage.FUNCTIONS, sql, provides=f"fn:{change.after.qname}"), Step(sql, change)))
            continue
        for stmt, step in _alter_steps(change, existing):
            if step.phase == Phase.BEFORE:
                before_steps.append(step)
            else:
                forward.append((stmt, step))
    # Renames first: what follows is written with the new names.
    is_rename = [isinstance(st.change, (ch.RenameTable, ch.RenameColumn)) for _, st in forward]
    rest = [pair for pair, rename in zip(forward, is_rename) if not rename]
    by_statement = {id(stmt): step for stmt, step in rest}
    steps += [st for (_, st), rename in zip(forward, is_rename) if rename]
    steps += [by_statement[id(stmt)] for stmt in order([stmt for stmt, _ in rest])]
    ordered = before_steps + [s for s in steps if s.phase != Phase.AFTER] + [s for s in steps if s.phase == Phase.AFTER]
    return Plan(tuple(s for s in ordered if s.sql))
