"""Typed changes between two catalogs. The diff returns these, never SQL.

Each change names the catalog objects it is about; ``plan`` turns changes
into SQL steps with their hazards, so every step points back at the change
it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..catalog.partitions import ColumnState


@dataclass(frozen=True)
class Change:
    """Base class; ``describe()`` is the one-line summary shown in a plan."""

    def describe(self) -> str:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError


def kind_of(obj: Any) -> str:
    """'table', 'materialized view', 'foreign key', ... for messages."""
    return kinds.of(obj).noun


def name_of(obj: Any) -> str:
    """'public.notes', 'notes_pkey on public.notes', 'private.f(integer)', ... for messages."""
    return kinds.of(obj).name(obj)


def state_of(obj: Any) -> str:
    """`` (not enforced)`` for a check or foreign key PostgreSQL does not enforce, else nothing."""
    return "" if getattr(obj, "enforced", True) else " (not enforced)"


@dataclass(frozen=True)
class Create(Change):
    obj: Any

    def describe(self) -> str:
        return f"create {kind_of(self.obj)} {name_of(self.obj)}{state_of(self.obj)}"


@dataclass(frozen=True)
class Drop(Change):
    obj: Any

    def describe(self) -> str:
        return f"drop {kind_of(self.obj)} {name_of(self.obj)}"


@dataclass(frozen=True)
class Replace(Change):
    """The object changes in a way only dropping and creating it again expresses
    (or CREATE OR REPLACE, for functions whose signature and result stay)."""

    before: Any
    after: Any
    # Why an object that is itself unchanged is made again: 'table public.codes is rebuilt'.
    because: str | None = None

    def describe(self) -> str:
        verb = "alter" if isinstance(self.after, cat.Sequence) else "replace"
        return f"{verb} {kind_of(self.after)} {name_of(self.after)}"


@dataclass(frozen=True)
class ReplaceEnum(Replace):
    """An enum that loses or reorders values while columns use it: made again beside the
    old one, and each column converted. ``columns``: (table, the column now, the column
    wanted or None, the spec's ``using:`` or None)."""

    columns: tuple[tuple[QualifiedName, cat.Column, cat.Column | None, str | None], ...] = ()


@dataclass(frozen=True)
class ReplaceCompositeType(ReplaceEnum):
    """A composite type whose attributes change in a way ALTER TYPE cannot make while columns hold
    it (an attribute retyped, or reordered): made again beside the old one, and each column
    converted attribute by attribute, as an enum is (``columns`` alike)."""


@dataclass(frozen=True)
class Repartition(Replace):
    """A table's or a partition's partition key changes. PostgreSQL cannot change a key in
    place: the relation is dropped and made again, rows and all (planned as a Replace)."""

    def describe(self) -> str:
        def key(obj: Any) -> str:
            k = obj.partition_key
            return f"{k.strategy} ({k.text})" if k else "none"

        return (
            f"rebuild {kind_of(self.after)} {name_of(self.after)}: partition key {key(self.before)} -> "
            f"{key(self.after)}; its rows are not kept"
        )


@dataclass(frozen=True)
class EnforceForeignKey(Replace):
    """A foreign key NOT ENFORCED in the database that the goal wants enforced. ALTER CONSTRAINT
    ... ENFORCED would check every row under an ACCESS EXCLUSIVE lock; the key is made again
    instead (planned as a Replace): added NOT VALID, then validated without blocking writes."""

    def describe(self) -> str:
        return f"enforce foreign key {name_of(self.after)}"


@dataclass(frozen=True)
class AddColumn(Change):
    table: cat.Table
    column: cat.Column
    # The parents whose dropping of the column takes the one the table inherited away first.
    after_dropped_from: tuple[QualifiedName, ...] = ()

    def describe(self) -> str:
        return f"add column {self.table.qname}.{self.column.name}"


@dataclass(frozen=True)
class DropColumn(Change):
    table: cat.Table
    column: cat.Column
    heirs: tuple[QualifiedName, ...] = ()  # the tables that only inherit it, and lose it with it
    # Added again as a generated column (stored <-> virtual, or a new expression before PostgreSQL 17):
    # its values are computed again from the row, so none is lost.
    remade: bool = False

    def describe(self) -> str:
        verb = "inherits" if len(self.heirs) == 1 else "inherit"
        heirs = f" (and from {', '.join(map(str, self.heirs))}, which {verb} it)" if self.heirs else ""
        return f"drop column {self.table.qname}.{self.column.name}{heirs}"


@dataclass(frozen=True)
class AlterColumn(Change):
    table: QualifiedName
    before: cat.Column
    after: cat.Column
    # One enum to another: PostgreSQL has no cast between them, but both read and write text.
    via_text: bool = False
    # The spec's ``using:``: how the rows convert to the new type.
    using: str | None = None
    # Between serial and identity: the column's old sequence (the serial's, or the identity's) and the
    # name it is renamed to first, since the sequence the column gets takes its name (PostgreSQL would
    # number the new one, ``t_id_seq1``). The old one is read from there, then dropped.
    sequence_aside: tuple[QualifiedName, str] | None = None

    @property
    def type_changed(self) -> bool:
        return self.before.type != self.after.type or self.before.collation != self.after.collation

    @property
    def null_changed(self) -> bool:
        return self.before.not_null != self.after.not_null

    @property
    def default_changed(self) -> bool:
        return self.before.default != self.after.default

    @property
    def not_null_renamed(self) -> bool:
        """Whether the column ends NOT NULL under another constraint name than it has (or than
        SET NOT NULL gives it): PostgreSQL 18 names NOT NULL constraints."""
        before = self.before.not_null_name if self.before.not_null else None
        return self.after.not_null and before != self.after.not_null_name

    @property
    def identity_changed(self) -> bool:
        return self.before.identity != self.after.identity

    @property
    def identity_options_changed(self) -> bool:
        return self.before.identity_options != self.after.identity_options

    @property
    def generated_changed(self) -> bool:
        return self.before.generated != self.after.generated

    @property
    def comment_changed(self) -> bool:
        return self.before.comment != self.after.comment

    def describe(self) -> str:
        what = [
            name
            for name, flag in (
                ("type", self.type_changed),
                ("not null", self.null_changed),
                ("not null name", self.not_null_renamed),
                ("default", self.default_changed),
                ("identity", self.identity_changed),
                ("identity options", self.identity_options_changed and bool(self.after.identity)),
                ("expression", self.generated_changed),
                ("comment", self.comment_changed),
            )
            if flag
        ]
        return f"alter column {self.table}.{self.after.name}: {', '.join(what)}"


@dataclass(frozen=True)
class AlterPartitionColumns(Change):
    """A partition's own defaults, NOT NULLs and (PostgreSQL 18) NOT NULL names change: each column
    (before, after), as the partition has it when its parents' changes in the plan have reached it.
    ``inherited``: the columns NOT NULL in its parent, whose constraint PostgreSQL renames only
    while the partition is detached."""

    partition: cat.Partition
    columns: tuple[tuple[ColumnState, ColumnState], ...]
    inherited: frozenset[str] = frozenset()

    @property
    def renamed_inherited(self) -> tuple[tuple[ColumnState, ColumnState], ...]:
        """The columns whose inherited NOT NULL constraint is renamed: the partition is detached for it."""
        return tuple(
            (b, a)
            for b, a in self.columns
            if b.name in self.inherited and b.not_null and a.not_null and b.not_null_name != a.not_null_name
        )

    def describe(self) -> str:
        what = []
        for b, a in self.columns:
            parts = [
                name
                for name, flag in (
                    ("default", b.default != a.default),
                    ("not null", b.not_null != a.not_null),
                    ("not null name", b.not_null and a.not_null and b.not_null_name != a.not_null_name),
                )
                if flag
            ]
            what.append(f"{a.name} {', '.join(parts)}")
        return f"alter columns of partition {self.partition.qname}: {'; '.join(what)}"


@dataclass(frozen=True)
class AddConstraint(Change):
    table: QualifiedName
    constraint: cat.TableConstraint
    new_table: bool = False  # the table is created by the same plan

    def describe(self) -> str:
        return f"add constraint {self.constraint.name} on {self.table}{state_of(self.constraint)}"


@dataclass(frozen=True)
class DropConstraint(Change):
    table: QualifiedName
    constraint: cat.TableConstraint
    # Added again under the same name (its definition changes): never missing after the plan.
    added_again: bool = False

    def describe(self) -> str:
        return f"drop constraint {self.constraint.name} on {self.table}"


@dataclass(frozen=True)
class ValidateConstraint(Change):
    """A check or foreign key the database holds NOT VALID, which the goal wants valid."""

    table: QualifiedName
    constraint: cat.Check | cat.ForeignKey

    def describe(self) -> str:
        return f"validate constraint {self.constraint.name} on {self.table}"


@dataclass(frozen=True)
class AlterConstraint(Change):
    """A foreign key becomes deferrable, not deferrable, or initially deferred or immediate,
    or NOT ENFORCED (ALTER CONSTRAINT; PostgreSQL alters no other kind of constraint so)."""

    before: cat.ForeignKey
    after: cat.ForeignKey

    @property
    def timing_changed(self) -> bool:
        b, a = self.before, self.after
        return (b.deferrable, b.initially_deferred) != (a.deferrable, a.initially_deferred)

    def describe(self) -> str:
        after = self.after
        states = []
        if self.timing_changed:
            states.append(
                "not deferrable"
                if not after.deferrable
                else "deferrable initially " + ("deferred" if after.initially_deferred else "immediate")
            )
        if self.before.enforced and not after.enforced:
            states.append("not enforced (no longer checked)")
        return f"alter foreign key {after.name} on {after.table}: {', '.join(states)}"


@dataclass(frozen=True)
class SetRowSecurity(Change):
    table: QualifiedName
    enabled: bool
    forced: bool
    was_enabled: bool
    was_forced: bool

    def describe(self) -> str:
        state = "forced" if self.forced else "enabled" if self.enabled else "disabled"
        return f"row level security on {self.table}: {state}"


@dataclass(frozen=True)
class AlterPolicy(Change):
    before: cat.Policy
    after: cat.Policy

    def describe(self) -> str:
        return f"alter policy {self.after.name} on {self.after.table}"


@dataclass(frozen=True)
class AlterDomain(Change):
    """Default, NOT NULL or checks of a domain change; its base type stays."""

    before: cat.Domain
    after: cat.Domain

    def describe(self) -> str:
        return f"alter domain {self.after.qname}"


@dataclass(frozen=True)
class AlterCompositeType(Change):
    """Attributes of a composite type dropped, retyped or added (at its end), in place: ALTER TYPE
    ... DROP / ALTER / ADD ATTRIBUTE. The attributes it keeps stay in their order."""

    before: cat.CompositeType
    after: cat.CompositeType
    # The tables of the type (OF): ALTER TYPE ... CASCADE adds, drops and retypes their columns with it.
    typed_tables: tuple[QualifiedName, ...] = ()

    def describe(self) -> str:
        return f"alter composite type {self.after.qname}"


@dataclass(frozen=True)
class SetTypedTable(Change):
    """ALTER TABLE ... OF type / NOT OF: a table becomes a table of a composite type (its columns must be the
    type's attributes, by name and type, in order), or a table of its own columns, which it keeps."""

    table: QualifiedName
    of_type: QualifiedName | None
    before: QualifiedName | None = None

    def describe(self) -> str:
        if self.of_type is None:
            return f"make {self.table} no longer a table of type {self.before}"
        return f"make {self.table} a table of type {self.of_type}"


@dataclass(frozen=True)
class SetReplicaIdentity(Change):
    """What logical replication sends of a table's old rows (REPLICA IDENTITY)."""

    table: QualifiedName
    before: tuple[str, str | None]  # (identity, index)
    after: tuple[str, str | None]

    def describe(self) -> str:
        identity, index = self.after
        return f"replica identity of {self.table}: {identity}{f' {index}' if index else ''}"


@dataclass(frozen=True)
class SetInheritance(Change):
    """ALTER TABLE ... INHERIT / NO INHERIT: a table starts or stops inheriting from a parent. A table that
    stops keeps the columns it took, as its own; one that starts must have the parent's columns first."""

    table: QualifiedName
    parent: QualifiedName
    inherit: bool
    # The parent's columns the table has already (or is given first): they stay its own as well as inherited,
    # where a table made with INHERITS only inherits them. PostgreSQL cannot take that away; nothing else differs.
    kept_own: tuple[str, ...] = ()
    # The parent's checks the table lacks: PostgreSQL makes a table that joins have them, validated.
    checks: tuple[cat.Check, ...] = ()

    def describe(self) -> str:
        if not self.inherit:
            return f"make {self.table} no longer inherit from {self.parent}"
        kept = f" (its columns {', '.join(self.kept_own)} stay its own too)" if self.kept_own else ""
        return f"make {self.table} inherit from {self.parent}{kept}"


@dataclass(frozen=True)
class EnableTrigger(Change):
    """ALTER TABLE ... ENABLE [ALWAYS | REPLICA] / DISABLE TRIGGER: when a trigger fires."""

    trigger: cat.Trigger  # as it ends
    before: str

    def describe(self) -> str:
        return kinds.trigger_state(self.trigger)


@dataclass(frozen=True)
class SetLogged(Change):
    """ALTER TABLE ... SET LOGGED / SET UNLOGGED: PostgreSQL rewrites the table.

    ``follows``: the tables changing the same way that must change first, as a logged table may not
    reference an unlogged one: a table made logged after those it references, one made unlogged after
    those that reference it."""

    table: QualifiedName
    unlogged: bool
    follows: tuple[QualifiedName, ...] = ()

    def describe(self) -> str:
        return f"make {self.table} {'unlogged' if self.unlogged else 'logged'}"


@dataclass(frozen=True)
class SetStorageParameters(Change):
    """ALTER TABLE / INDEX / MATERIALIZED VIEW ... SET (...), RESET (...): storage parameters, in place."""

    obj: Any  # as it ends: a table, an index or a materialized view
    before: cat.StorageParameters

    def describe(self) -> str:
        return f"set storage parameters of {kind_of(self.obj)} {name_of(self.obj)}"


@dataclass(frozen=True)
class AlterPublication(Change):
    """A publication's tables or options change; whether it publishes all tables stays."""

    before: cat.Publication
    after: cat.Publication

    @property
    def added(self) -> tuple[QualifiedName, ...]:
        return tuple(t for t in self.after.tables if t not in self.before.tables)

    @property
    def removed(self) -> tuple[QualifiedName, ...]:
        return tuple(t for t in self.before.tables if t not in self.after.tables)

    @property
    def refiltered(self) -> tuple[QualifiedName, ...]:
        """The tables it keeps, of which it is to send other columns or rows."""
        b, a = self.before, self.after
        return tuple(t for t in a.tables if t in b.tables and b.filter_of(t) != a.filter_of(t))

    @property
    def options_changed(self) -> bool:
        b, a = self.before, self.after
        return (b.publish, b.via_partition_root) != (a.publish, a.via_partition_root)

    def describe(self) -> str:
        what = [
            *(f"add {t}" for t in self.added),
            *(f"drop {t}" for t in self.removed),
            *(f"send other columns or rows of {t}" for t in self.refiltered),
        ]
        if self.options_changed:
            what.append("options")
        return f"alter publication {self.after.name}: {', '.join(what)}"


@dataclass(frozen=True)
class AlterDistribution(Change):
    """A distributed table's distribution column, shard count or colocation group changes
    (Citus' alter_distributed_table: the table is rebuilt, its rows copied to new shards).
    ``realign``: its own placement is unchanged, but the table it is colocated with moves."""

    before: cat.Distribution
    after: cat.Distribution
    realign: bool = False

    @property
    def column_changed(self) -> bool:
        return self.before.column != self.after.column

    @property
    def shard_count_changed(self) -> bool:
        return self.before.shard_count != self.after.shard_count

    @property
    def colocation_changed(self) -> bool:
        return self.before.colocate_with != self.after.colocate_with or self.realign

    def describe(self) -> str:
        a = self.after
        what = [
            text
            for text, flag in (
                (f"distribution column {self.before.column} -> {a.column}", self.column_changed),
                (f"shard count {self.before.shard_count} -> {a.shard_count}", self.shard_count_changed),
                (f"colocated with {a.colocate_with or 'no other table'}", self.colocation_changed),
            )
            if flag
        ]
        return f"redistribute {a.table}: {', '.join(what)}"


@dataclass(frozen=True)
class AddEnumValue(Change):
    enum: QualifiedName
    value: str
    before: str | None  # the value it goes before; None = at the end

    def describe(self) -> str:
        return f"add value '{self.value}' to {self.enum}"


@dataclass(frozen=True)
class RenameTable(Change):
    old: QualifiedName
    new: QualifiedName
    # PostgreSQL 18: the NOT NULL columns whose constraints bear the names PostgreSQL made from the
    # old name (<old>_<column>_not_null); the rename gives them the new table's.
    not_null_columns: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"rename table {self.old} to {self.new.name}"


@dataclass(frozen=True)
class RenameColumn(Change):
    table: QualifiedName
    old: str
    new: str
    # PostgreSQL 18: the column's NOT NULL constraint bears the name made from the old column name.
    not_null: bool = False

    def describe(self) -> str:
        return f"rename column {self.table}.{self.old} to {self.new}"


@dataclass(frozen=True)
class RenameConstraint(Change):
    table: QualifiedName
    old: str
    new: str

    def describe(self) -> str:
        return f"rename constraint {self.old} on {self.table} to {self.new}"


@dataclass(frozen=True)
class RenameIndex(Change):
    schema: str
    old: str
    new: str

    def describe(self) -> str:
        return f"rename index {self.schema}.{self.old} to {self.new}"


@dataclass(frozen=True)
class ChangeGrants(Change):
    """What one role may do on one object (a table, sequence, function or schema), or on one ``column``
    of a table: privileges to grant and to revoke. ``p*`` is ``p`` WITH GRANT OPTION to grant, or only
    the grant option of ``p`` to revoke."""

    obj: Any
    role: str
    grant: tuple[str, ...]
    revoke: tuple[str, ...]
    column: str | None = None

    def describe(self) -> str:
        target = kinds.of(self.obj).sql_name(self.obj) + (f" ({self.column})" if self.column else "")
        return f"{_grant_and_revoke(self.grant, self.revoke)} on {target} for {self.role}"


def _grant_and_revoke(grant: tuple[str, ...], revoke: tuple[str, ...]) -> str:
    """'grant select with grant option and revoke update', from privileges written ``p`` or ``p*``."""

    def words(privileges: tuple[str, ...], option: str) -> str:
        return ", ".join(p.rstrip("*") + (option if p.endswith("*") else "") for p in privileges)

    parts = [
        f"grant {words(grant, ' with grant option')}" if grant else "",
        f"revoke {words(revoke, ' grant option')}" if revoke else "",
    ]
    return " and ".join(p for p in parts if p)


@dataclass(frozen=True)
class ChangeDefaultPrivileges(Change):
    """What one role is given on the objects made from now on under one entry of default privileges
    (``entry`` names it; its grants are not read): privileges to grant and revoke, ``p*`` as in ChangeGrants."""

    entry: cat.DefaultPrivileges
    role: str
    grant: tuple[str, ...]
    revoke: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"{kinds.DEFAULT_PRIVILEGES.name(self.entry)}: {_grant_and_revoke(self.grant, self.revoke)} for {self.role}"
        )


@dataclass(frozen=True)
class SetComment(Change):
    """The comment on an object (None removes it); a column's is part of AlterColumn."""

    obj: Any
    text: str | None

    def describe(self) -> str:
        kind = kinds.of(self.obj)
        verb = "set" if self.text is not None else "remove"
        return f"{verb} comment on {kind.keyword.lower()} {kind.sql_name(self.obj)}"


@dataclass(frozen=True)
class SetConstraintComment(Change):
    """The comment on a key, check or exclusion constraint of table ``on``, or on a check of domain ``on``
    (``domain``); None removes it. A foreign key is an object of its own: its comment is a SetComment."""

    on: QualifiedName
    name: str
    text: str | None
    domain: bool = False

    def describe(self) -> str:
        verb = "set" if self.text is not None else "remove"
        return f"{verb} comment on constraint {kinds.constraint_sql_name(self.on, self.name, self.domain)}"


@dataclass(frozen=True)
class SetColumnComment(Change):
    """The comment on a column of a view or materialized view, or on an attribute of a composite type (None
    removes it); a table's column's is part of AlterColumn."""

    relation: QualifiedName
    column: str
    text: str | None

    def describe(self) -> str:
        verb = "set" if self.text is not None else "remove"
        return f"{verb} comment on column {self.relation}.{self.column}"
