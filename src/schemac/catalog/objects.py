"""Frozen catalog objects.

Both producers (the spec resolver here, database introspection later) build
these, and everything downstream (ordering, rendering, diff) reads only these.
Names are unquoted; ``QualifiedName`` carries the schema. SQL expressions are
kept as text that has already been parsed and checked as one expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal


@dataclass(frozen=True, order=True)
class QualifiedName:
    schema: str
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"


# Lint rules accepted on purpose for one object: ((rule, reason), ...).
Ignores = tuple[tuple[str, str], ...]

# A table's, index's or materialized view's storage parameters (WITH (fillfactor = 70, ...)):
# ((name, value), ...) in the order written, which PostgreSQL keeps (and prints) but which means
# nothing, so the diff compares them in any order; each value as PostgreSQL stores it in reloptions
# (text); a table's TOAST table's are named ``toast.<name>``, after its own.
StorageParameters = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Grant:
    privileges: tuple[str, ...]
    roles: tuple[str, ...]
    revoke: bool = False
    # On these columns of a table only (pg_attribute.attacl), not on the table.
    columns: tuple[str, ...] = ()
    # WITH GRANT OPTION: the roles may grant the privileges to others.
    grantable: bool = False


def acl(grants: tuple[Grant, ...]) -> dict[str, set[str]]:
    """Who may do what on the object after ``grants`` (grants and revokes, in order), by lower-case
    role; a privilege held WITH GRANT OPTION is written ``select*``. Grants on columns are left out."""
    return {role: held for (role, column), held in _held(grants).items() if column is None}


def column_acl(grants: tuple[Grant, ...]) -> dict[tuple[str, str], set[str]]:
    """Who may do what on each column after ``grants``: (lower-case role, column) -> privileges."""
    return {key: held for key, held in _held(grants).items() if key[1] is not None}


def _held(grants: tuple[Grant, ...]) -> dict[tuple[str, str | None], set[str]]:
    out: dict[tuple[str, str | None], set[str]] = {}
    for grant in grants:
        privileges = {p.lower() for p in grant.privileges}
        for role in grant.roles:
            for column in grant.columns or (None,):
                held = out.setdefault((role.lower(), column), set())
                if grant.revoke:
                    held.difference_update(privileges | {f"{p}*" for p in privileges})
                elif grant.grantable:
                    held.difference_update(privileges)
                    held.update(f"{p}*" for p in privileges)
                else:
                    held.update(p for p in privileges if f"{p}*" not in held)
    return {key: held for key, held in out.items() if held}


@dataclass(frozen=True)
class PrivilegeScope:
    """Whose privileges a spec states exactly (an allow-list): ``roles`` (lower case; ``public`` is
    PUBLIC) hold on each object the privileges its grants give and no others, whatever the database's
    defaults. Other roles' privileges, the owner's included, are not managed: never granted or revoked.
    ``schemas_left_alone``: schemas whose own privileges are not managed (``public`` when the spec
    gives it no grants: every database has it, and the platform sets its privileges). ``types``: the
    enums, domains and composite types whose privileges are managed (None: all); USAGE on a type lets a
    role create objects that use it, not read or write its values, so a spec manages a type's only where
    it gives it grants.
    ``creators``: whose default privileges are managed (for the roles of ``roles``), besides the role that
    applies the spec; None: no default privileges are, the spec having no ``default_privileges``."""

    roles: tuple[str, ...]
    schemas_left_alone: tuple[str, ...] = ()
    types: tuple[QualifiedName, ...] | None = None
    creators: tuple[str, ...] | None = None

    def manages_defaults_of(self, for_role: str | None) -> bool:
        """Whether the default privileges for objects ``for_role`` creates (None: the applying role) are managed."""
        return self.creators is not None and (for_role is None or for_role.lower() in self.creators)

    def manages(self, obj: object) -> bool:
        """Whether the privileges on ``obj`` are managed at all."""
        if isinstance(obj, (Enum, Domain, CompositeType)):
            return self.types is None or obj.qname in self.types
        return not (isinstance(obj, Schema) and obj.name in self.schemas_left_alone)


@dataclass(frozen=True)
class Schema:
    name: str
    exposed: bool = False
    grants: tuple[Grant, ...] = ()
    comment: str | None = None


@dataclass(frozen=True)
class Extension:
    name: str
    schema: str | None = None
    version: str | None = None


def provided_function_schemas(extension_schemas) -> set[str]:
    """The schemas whose functions PostgreSQL or an extension provides rather than a spec: pg_catalog,
    and the schema of each extension (``extension_schemas``; public where one names none). A spec
    names such a function with its schema (``pg_catalog.tsvector_update_trigger``)."""
    return {"pg_catalog"} | {schema or "public" for schema in extension_schemas}


@dataclass(frozen=True)
class Enum:
    qname: QualifiedName
    values: tuple[str, ...]
    comment: str | None = None
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True)
class Domain:
    qname: QualifiedName
    type: str
    not_null: bool = False
    default: str | None = None
    checks: tuple[tuple[str, str], ...] = ()
    comment: str | None = None
    grants: tuple[Grant, ...] = ()
    # The comments on its checks (COMMENT ON CONSTRAINT ... ON DOMAIN): (check name, text), sorted by name.
    check_comments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Attribute:
    """One attribute of a composite type: its type as format_type prints it, and its collation where
    it is not its type's (named as a column's is)."""

    name: str
    type: str
    collation: str | None = None


@dataclass(frozen=True)
class CompositeType:
    """CREATE TYPE name AS (attribute type, ...): a row type of its own, not a table's. The
    attributes are in order: PostgreSQL builds and reads its values by position."""

    qname: QualifiedName
    attributes: tuple[Attribute, ...]
    comment: str | None = None
    grants: tuple[Grant, ...] = ()
    # The comments on its attributes (COMMENT ON COLUMN): (attribute, text), sorted by attribute.
    attribute_comments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Sequence:
    qname: QualifiedName
    type: str = "bigint"
    start: int | None = None
    increment: int = 1
    min_value: int | None = None
    max_value: int | None = None
    cache: int = 1
    cycle: bool = False
    owned_by: tuple[QualifiedName, str] | None = None
    grants: tuple[Grant, ...] = ()
    comment: str | None = None

    @property
    def bounds(self) -> tuple[int, int]:
        """(MINVALUE, MAXVALUE), PostgreSQL's defaults where none is given."""
        low, high = IdentityOptions.defaults(self.type, self.increment)
        return (low if self.min_value is None else self.min_value, high if self.max_value is None else self.max_value)


# The bounds of the integer types an identity column may have (format_type's names).
INTEGER_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_INTEGER_ALIASES = {"int2": "smallint", "int4": "integer", "int": "integer", "int8": "bigint"}


def integer_bounds(type_: str) -> tuple[int, int]:
    """The least and greatest value of an integer type, by any of its names."""
    return INTEGER_BOUNDS.get(_INTEGER_ALIASES.get(type_, type_), INTEGER_BOUNDS["bigint"])


@dataclass(frozen=True)
class IdentityOptions:
    """An identity column's sequence options, each None (or 1, or False) where it is PostgreSQL's
    default for the column's type: both producers write them through ``of``, so a default given
    and a default left out compare equal."""

    start: int | None = None
    increment: int = 1
    min_value: int | None = None
    max_value: int | None = None
    cache: int = 1
    cycle: bool = False

    @staticmethod
    def defaults(type_: str, increment: int) -> tuple[int, int]:
        """(MINVALUE, MAXVALUE) PostgreSQL gives a sequence of ``type_`` counting by ``increment``."""
        low, high = integer_bounds(type_)
        return (1, high) if increment > 0 else (low, -1)

    @classmethod
    def of(
        cls,
        type_: str,
        start: int | None = None,
        increment: int = 1,
        min_value: int | None = None,
        max_value: int | None = None,
        cache: int = 1,
        cycle: bool = False,
    ) -> IdentityOptions:
        low, high = cls.defaults(type_, increment)
        options = cls(
            None,
            increment,
            None if min_value == low else min_value,
            None if max_value == high else max_value,
            cache,
            cycle,
        )
        return replace(options, start=None if start == options.first(type_) else start)

    def bounds(self, type_: str) -> tuple[int, int]:
        """(MINVALUE, MAXVALUE) of the identity's sequence, PostgreSQL's defaults where none is given."""
        low, high = self.defaults(type_, self.increment)
        return (low if self.min_value is None else self.min_value, high if self.max_value is None else self.max_value)

    def first(self, type_: str) -> int:
        """The value the sequence starts at: START, else MINVALUE (MAXVALUE counting down)."""
        if self.start is not None:
            return self.start
        low, high = self.defaults(type_, self.increment)
        if self.increment > 0:
            return low if self.min_value is None else self.min_value
        return high if self.max_value is None else self.max_value


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool = False
    default: str | None = None
    identity: Literal["always", "by default"] | None = None
    generated: str | None = None
    collation: str | None = None
    comment: str | None = None
    renamed_from: str | None = None
    # How a migration converts the column's rows when its type changes (ALTER COLUMN ... TYPE
    # ... USING); the database does not keep it, so it is no part of the column's state.
    using: str | None = field(default=None, compare=False)
    virtual: bool = False  # a generated column computed when read (PostgreSQL 18), not STORED
    # The name of its NOT NULL constraint (PostgreSQL 18 names them) where it is not the one PostgreSQL
    # makes, ``<table>_<column>_not_null``: a table made LIKE another keeps the other's names.
    not_null_name: str | None = None
    # With identity: its sequence's START, INCREMENT, MINVALUE, MAXVALUE, CACHE and CYCLE.
    identity_options: IdentityOptions = IdentityOptions()
    # An identity column's sequence, as read from a database, and the privileges on it (none for the
    # roles a spec manages: inserting needs none). Compared apart from the column (diff.compare).
    sequence: QualifiedName | None = field(default=None, compare=False)
    sequence_grants: tuple[Grant, ...] = field(default=(), compare=False)
    # False for a column a table only inherits (INHERITS; pg_attribute.attislocal): its parent's ALTER
    # TABLE changes it, and the table's CREATE TABLE leaves it out. A column the table declares itself as
    # well as inheriting it is local.
    local: bool = True
    # A column of its own (``local``) that is NOT NULL only because a parent's is: it declares no NOT NULL
    # itself, so its CREATE TABLE leaves NOT NULL out. PostgreSQL 18 tells it apart (its NOT NULL constraint
    # is inherited only, conislocal false); before 18 nothing does, and it is read False.
    inherited_not_null: bool = False


# Constraints. ``deferrable`` and ``initially_deferred`` are PostgreSQL's
# DEFERRABLE and INITIALLY DEFERRED (pg_constraint.condeferrable and
# condeferred); ``valid`` is False for a constraint added NOT VALID and not
# validated since (convalidated). On the desired side ``valid=False`` means
# "need not be validated": schemac neither validates it nor drops it.
# ``enforced`` is False for a check or foreign key declared NOT ENFORCED
# (PostgreSQL 18, pg_constraint.conenforced): PostgreSQL checks no row for it,
# and records it NOT VALID, so such a constraint always has ``valid=False``.
# ``comment`` is COMMENT ON CONSTRAINT: set in place, never a reason to make it again.


@dataclass(frozen=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]
    deferrable: bool = False
    initially_deferred: bool = False
    storage_parameters: StorageParameters = ()  # of its index: WITH (fillfactor = 70)
    comment: str | None = None


@dataclass(frozen=True)
class Unique:
    name: str
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    storage_parameters: StorageParameters = ()  # of its index
    comment: str | None = None


@dataclass(frozen=True)
class Check:
    name: str
    expression: str
    valid: bool = True
    enforced: bool = True
    no_inherit: bool = False  # NO INHERIT: tables that inherit from this one do not get it
    # A child's check that a parent has too (merged: the child declares it as well as inheriting it).
    # PostgreSQL refuses to drop it while the parent has it. Not compared: where it comes from is not
    # what it checks.
    inherited: bool = field(default=False, compare=False)
    comment: str | None = None


@dataclass(frozen=True)
class IndexKey:
    """One key of an index, or of the index behind an exclusion constraint: a column or an expression.
    ``opclass`` is SQL, as PostgreSQL prints it: quoted where a name needs it, schema-qualified
    outside pg_catalog (``text_pattern_ops``, ``extensions.gist_trgm_ops``); both sides store it so.
    ``collation``, where the key's is not its column's (or its expression type's), is the name as a
    column's is (``C``, ``musicbrainz.musicbrainz``: unquoted, schema-qualified outside pg_catalog):
    an index on ``name COLLATE "C"`` beside one on ``name`` is another index."""

    column: str | None = None
    expression: str | None = None
    order: str | None = None
    nulls: str | None = None
    opclass: str | None = None
    collation: str | None = None


@dataclass(frozen=True)
class ExclusionElement:
    """One element of EXCLUDE: an index key, compared WITH ``operator``."""

    key: IndexKey
    operator: str  # as PostgreSQL prints it: '=', '&&', or OPERATOR(schema.op) outside pg_catalog


@dataclass(frozen=True)
class Exclusion:
    """EXCLUDE USING method (element WITH operator, ...) [INCLUDE (...)] [WITH (...)] [WHERE (predicate)]."""

    name: str
    elements: tuple[ExclusionElement, ...]
    method: str = "gist"
    include: tuple[str, ...] = ()
    where: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    storage_parameters: StorageParameters = ()  # of its index
    comment: str | None = None


# What a table declares itself; foreign keys stand apart (Catalog.foreign_keys).
TableConstraint = PrimaryKey | Unique | Check | Exclusion


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: QualifiedName
    columns: tuple[str, ...]
    ref_table: QualifiedName
    ref_columns: tuple[str, ...]
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    valid: bool = True
    enforced: bool = True
    # MATCH FULL: a row with some of the columns NULL must have them all NULL (MATCH SIMPLE, the
    # default, lets such a row through unchecked). PostgreSQL does not implement MATCH PARTIAL.
    match: Literal["simple", "full"] = "simple"
    # ON DELETE SET NULL / SET DEFAULT (columns) (PostgreSQL 15): only these are set; empty: all of them.
    on_delete_columns: tuple[str, ...] = ()
    comment: str | None = None


@dataclass(frozen=True)
class Index:
    name: str
    table: QualifiedName
    keys: tuple[IndexKey, ...]
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    include: tuple[str, ...] = ()
    nulls_not_distinct: bool = False
    ignore: Ignores = ()
    # False for an index PostgreSQL cannot use: a failed CREATE INDEX
    # CONCURRENTLY, or a partitioned index some partition lacks.
    valid: bool = True
    comment: str | None = None
    storage_parameters: StorageParameters = ()  # fillfactor, BRIN's pages_per_range, GIN's fastupdate, ...


@dataclass(frozen=True)
class PartitionKeyPart:
    """One part of a partition key: a column, or an expression as PostgreSQL accepts it;
    its collation and operator class when not the default, as SQL writes them and PostgreSQL
    prints them (``"C"``, ``text_pattern_ops``: quoted where a name needs it, schema-qualified
    outside pg_catalog), the form of ``IndexKey.opclass`` too."""

    column: str | None = None
    expression: str | None = None
    collation: str | None = None
    opclass: str | None = None


@dataclass(frozen=True)
class PartitionKey:
    strategy: Literal["range", "list", "hash"]
    parts: tuple[PartitionKeyPart, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The key's plain columns, expressions left out."""
        return tuple(p.column for p in self.parts if p.column is not None)

    @property
    def column(self) -> str | None:
        """The column of a one-column key; None for an expression or several parts."""
        return self.parts[0].column if len(self.parts) == 1 else None

    @property
    def text(self) -> str:
        """The parts as a reader sees them: ``tenant_id, lower(code) text_pattern_ops``."""
        return ", ".join(
            " ".join(
                filter(
                    None,
                    (
                        p.column if p.column is not None else p.expression,
                        f"COLLATE {p.collation}" if p.collation else None,
                        p.opclass,
                    ),
                )
            )
            for p in self.parts
        )


@dataclass(frozen=True)
class PartitionColumn:
    """What a partition holds of its own for one of its table's columns, where PARTITION OF would
    give it otherwise: a ``default`` of its own, or none where its parent has one (``no_default``);
    NOT NULL where its parent's column is nullable (a partition cannot drop its parent's); and
    (PostgreSQL 18) ``not_null_name``, where its NOT NULL constraint is not named as PARTITION OF
    names it: as its parent's, or ``<partition>_<column>_not_null`` for one of its own."""

    name: str
    default: str | None = None
    no_default: bool = False
    not_null: bool = False
    not_null_name: str | None = None


@dataclass(frozen=True)
class Partition:
    """A child table; ``bound`` is the text after FOR VALUES, or ``None`` for DEFAULT.

    A partition with a ``partition_key`` is partitioned in turn: its own
    partitions name it as their ``parent``. ``own_columns``: those it does not have as
    its parent has them (``PartitionColumn``), by name.
    """

    qname: QualifiedName
    parent: QualifiedName
    bound: str | None
    rls_enabled: bool = False
    rls_forced: bool = False
    partition_key: PartitionKey | None = None
    ignore: Ignores = ()
    # Direct access to a partition (TRUNCATE, LOCK, reading it by name) is checked against its own
    # privileges; through its parent, against the parent's. A spec grants none on partitions.
    grants: tuple[Grant, ...] = ()
    own_columns: tuple[PartitionColumn, ...] = ()
    storage_parameters: StorageParameters = ()  # of a partition that holds rows (not one partitioned in turn)
    # Keys and checks of its own (not its table's, which PARTITION OF gives it); its own indexes and
    # foreign keys are in the catalog's, on it.
    primary_key: PrimaryKey | None = None
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()

    @property
    def constraints(self) -> tuple[TableConstraint, ...]:
        """Its own primary key, unique, check and exclusion constraints, in that order."""
        key: tuple[TableConstraint, ...] = (self.primary_key,) if self.primary_key else ()
        return key + self.uniques + self.checks + self.exclusions


@dataclass(frozen=True)
class Policy:
    name: str
    table: QualifiedName
    command: str = "all"
    permissive: bool = True
    roles: tuple[str, ...] = ()
    using: str | None = None
    with_check: str | None = None
    comment: str | None = None
    ignore: Ignores = ()


@dataclass(frozen=True)
class Trigger:
    name: str
    table: QualifiedName
    function: QualifiedName
    timing: str
    events: tuple[str, ...]
    update_of: tuple[str, ...] = ()
    level: str = "row"
    when: str | None = None
    args: tuple[str, ...] = ()
    comment: str | None = None
    # CREATE CONSTRAINT TRIGGER (after, for each row), which may fire at commit instead.
    constraint: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    from_table: QualifiedName | None = None  # a constraint trigger's FROM: the table its check reads
    # REFERENCING OLD TABLE AS ... NEW TABLE AS ...: the transition tables of an AFTER trigger.
    old_table: str | None = None
    new_table: str | None = None
    # When it fires (pg_trigger.tgenabled): "origin" (as made: unless session_replication_role
    # is replica), "always", "replica" (only then), or "disabled".
    enabled: Literal["origin", "always", "replica", "disabled"] = "origin"


@dataclass(frozen=True)
class Table:
    qname: QualifiedName
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None = None
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    partition_key: PartitionKey | None = None
    rls_enabled: bool = False
    rls_forced: bool = False
    grants: tuple[Grant, ...] = ()
    comment: str | None = None
    renamed_from: str | None = None
    ignore: Ignores = ()
    # REPLICA IDENTITY: what logical replication sends of the old row on UPDATE and DELETE
    # (default: its primary key; full: every column; nothing; index: that unique index's columns).
    replica_identity: str = "default"
    replica_index: str | None = None  # with replica_identity "index"
    # UNLOGGED: its writes skip the write-ahead log, so a crash empties it and no standby has it.
    unlogged: bool = False
    storage_parameters: StorageParameters = ()  # fillfactor, autovacuum_*, toast.*, ...
    # INHERITS (...): the tables whose columns and checks it takes, in order (pg_inherits.inhseqno).
    # Its ``columns`` are all of its columns, those it inherits first, as PostgreSQL orders them.
    inherits: tuple[QualifiedName, ...] = ()
    # OF type: a typed table. Its columns are the composite type's attributes, in their order (ALTER TYPE ...
    # CASCADE changes them); of its own it has only their defaults, NOT NULL and constraints.
    of_type: QualifiedName | None = None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def constraints(self) -> tuple[TableConstraint, ...]:
        """Its primary key, unique, check and exclusion constraints, in that order."""
        key: tuple[TableConstraint, ...] = (self.primary_key,) if self.primary_key else ()
        return key + self.uniques + self.checks + self.exclusions


@dataclass(frozen=True)
class View:
    qname: QualifiedName
    query: str
    materialized: bool = False
    with_data: bool = True
    security_invoker: bool = False
    security_barrier: bool = False
    grants: tuple[Grant, ...] = ()
    comment: str | None = None
    ignore: Ignores = ()
    # WITH LOCAL / CASCADED CHECK OPTION: rows written through the view must be rows it shows.
    check_option: Literal["local", "cascaded"] | None = None
    storage_parameters: StorageParameters = ()  # a materialized view's (fillfactor, autovacuum_*, ...)
    # The comments on its columns (COMMENT ON COLUMN): (column, text), sorted by column.
    column_comments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Argument:
    name: str | None
    type: str
    default: str | None = None
    mode: str = "in"


@dataclass(frozen=True)
class Function:
    """A function, or a procedure: one that returns nothing (``returns`` None), is run by CALL,
    and has no volatility, strictness or parallel safety of its own."""

    qname: QualifiedName
    args: tuple[Argument, ...]
    returns: str | None
    language: str
    body: str
    volatility: str = "volatile"
    strict: bool = False
    security_definer: bool = False
    search_path: str | None = None
    parallel: str | None = None
    grants: tuple[Grant, ...] = ()
    comment: str | None = None
    ignore: Ignores = ()
    # LEAKPROOF: reveals nothing of its arguments but its result, so the planner may run it
    # ahead of row level security's and security barrier views' filters.
    leakproof: bool = False
    # COST and ROWS: the planner's estimate of one call's cost (in cpu_operator_cost units) and of the
    # rows a set-returning function gives. None: PostgreSQL's default (cost 1 for C and internal
    # functions, 100 for others; rows 1000), so a function that never named them compares equal.
    cost: float | None = None
    rows: float | None = None
    # SET name = value: the settings a call runs under, but search_path (above), as (name, value) pairs sorted
    # by name. Names are lower case (PostgreSQL's are case-insensitive and it keeps some in its own case,
    # "TimeZone"); values are the text PostgreSQL keeps (pg_proc.proconfig).
    settings: tuple[tuple[str, str], ...] = ()

    @property
    def procedure(self) -> bool:
        return self.returns is None

    @property
    def signature(self) -> str:
        """Argument types as PostgreSQL identifies the function (IN arguments only)."""
        return ", ".join(a.type for a in self.args if a.mode in ("in", "inout", "variadic"))


@dataclass(frozen=True)
class Aggregate:
    """CREATE AGGREGATE. Functions are named as PostgreSQL prints them with only pg_catalog on the
    search path (``int4pl``, ``public.my_step``), types as format_type does; ``initcond`` is the text
    PostgreSQL keeps, where '' and None differ. An ordered-set aggregate (``percentile(float8 ORDER BY
    float8)``, called ``WITHIN GROUP (ORDER BY ...)``) has ``direct_args``: how many of ``args`` come
    before ORDER BY; a hypothetical-set one (``rank(x) WITHIN GROUP (ORDER BY y)``) is one too."""

    qname: QualifiedName
    args: tuple[Argument, ...]
    sfunc: str
    stype: str
    finalfunc: str | None = None
    finalfunc_extra: bool = False
    combinefunc: str | None = None
    serialfunc: str | None = None
    deserialfunc: str | None = None
    initcond: str | None = None
    msfunc: str | None = None
    minvfunc: str | None = None
    mstype: str | None = None
    minitcond: str | None = None
    sortop: str | None = None
    parallel: str | None = None  # unsafe, the default, is None
    grants: tuple[Grant, ...] = ()
    comment: str | None = None
    direct_args: int | None = None  # None: a normal aggregate
    hypothetical: bool = False

    @property
    def signature(self) -> str:
        """Argument types as PostgreSQL identifies the aggregate; ``*`` when it takes none."""
        return ", ".join(a.type for a in self.args) or "*"

    @property
    def functions(self) -> tuple[str, ...]:
        """The functions it names, as written."""
        named = (self.sfunc, self.finalfunc, self.combinefunc, self.serialfunc, self.deserialfunc)
        return tuple(f for f in (*named, self.msfunc, self.minvfunc) if f)


@dataclass(frozen=True)
class Distribution:
    """How Citus places a table: sharded by ``column`` (``distributed``), or copied whole to every
    node (``reference``). ``colocate_with`` is the table whose shards its shards sit beside, or
    ``"none"`` for a colocation group of its own; None lets Citus colocate by column type and shard
    count. Tables without one stay on the coordinator."""

    table: QualifiedName
    kind: Literal["distributed", "reference"]
    column: str | None = None
    colocate_with: QualifiedName | Literal["none"] | None = None
    shard_count: int | None = None


@dataclass(frozen=True)
class TableFilter:
    """What a publication sends of one of its tables (PostgreSQL 15): only ``columns`` (empty: every column;
    in the table's column order, as PostgreSQL keeps them) and only the rows ``where`` is true of."""

    table: QualifiedName
    columns: tuple[str, ...] = ()
    where: str | None = None


@dataclass(frozen=True)
class Publication:
    """CREATE PUBLICATION: the changes of ``tables`` (or of every table) that logical
    replication sends to subscribers. ``publish`` is in PostgreSQL's order."""

    name: str
    tables: tuple[QualifiedName, ...] = ()  # sorted; empty with all_tables
    all_tables: bool = False
    publish: tuple[str, ...] = ("insert", "update", "delete", "truncate")
    via_partition_root: bool = False
    comment: str | None = None
    # The tables of ``tables`` published with a column list or a row filter, sorted by table.
    filters: tuple[TableFilter, ...] = ()

    def filter_of(self, table: QualifiedName) -> TableFilter | None:
        return next((f for f in self.filters if f.table == table), None)


# What PostgreSQL gives PUBLIC on a new object with no default privileges of its own (the owner holds all).
BUILTIN_DEFAULTS: dict[str, frozenset[str]] = {"functions": frozenset({"execute"}), "types": frozenset({"usage"})}


@dataclass(frozen=True)
class DefaultPrivileges:
    """ALTER DEFAULT PRIVILEGES: what roles are given on the objects of type ``on`` that ``for_role``
    creates from now on (None: the role that applies the spec, current_user), in ``schema`` (None: in
    every schema). ``grants`` are what each role ends with, the creator's own privileges left out.

    PostgreSQL holds them as one entry per (for_role, schema, type). The entry of every schema replaces
    the built-in defaults (BUILTIN_DEFAULTS: EXECUTE on functions and USAGE on types to PUBLIC); an entry
    of one schema only adds to it, and cannot take a privilege away. Without an entry, the built-in
    defaults hold (every schema) or nothing is added (one schema): :func:`default_acl`."""

    on: str
    for_role: str | None = None
    schema: str | None = None
    grants: tuple[Grant, ...] = ()


def default_acl(entry: DefaultPrivileges | None, on: str, schema: str | None) -> dict[str, set[str]]:
    """What each role (lower case) is given on new objects by ``entry`` (None: there is none) of type ``on``
    in ``schema``: the entry's grants, or with none, the built-in defaults for every schema."""
    if entry is not None:
        return acl(entry.grants)
    builtin = BUILTIN_DEFAULTS.get(on) if schema is None else None
    return {"public": set(builtin)} if builtin else {}


@dataclass(frozen=True)
class Unmanaged:
    """Something a database holds that schemac does not model (an ordered-set aggregate, a collation, a
    text search configuration): named by the importer, by a plan's note and by
    ``check --db``, never compared, created or dropped."""

    kind: str
    name: str  # as SQL names it
    reason: str
    listed: str | None = None  # the spec's leave_alone entry that names it, when that is why


@dataclass(frozen=True)
class Catalog:
    """Everything one database holds that schemac manages. Tuples are in a stable order."""

    source: str = "schema.yaml"
    target_version: int = 15
    flavor: str = "postgres"
    schemas: tuple[Schema, ...] = ()
    extensions: tuple[Extension, ...] = ()
    enums: tuple[Enum, ...] = ()
    domains: tuple[Domain, ...] = ()
    composite_types: tuple[CompositeType, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    tables: tuple[Table, ...] = ()
    partitions: tuple[Partition, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    policies: tuple[Policy, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    views: tuple[View, ...] = ()
    functions: tuple[Function, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()
    distributions: tuple[Distribution, ...] = ()
    publications: tuple[Publication, ...] = ()
    default_privileges: tuple[DefaultPrivileges, ...] = ()
    # Whose privileges are stated exactly; None: everyone's, as read from a database.
    privileges: PrivilegeScope | None = None
    unmanaged: tuple[Unmanaged, ...] = ()  # read from a database only
    # The spec's leave_alone entries (spec.leave_alone): what a plan to it neither creates, alters nor drops.
    leave_alone: tuple[str, ...] = ()
    # What it holds that depends on a type schemac does not model (a range type made by CREATE TYPE, ...):
    # ((slot, identity), why), read from a database only. A plan to a spec leaves each alone
    # (diff.unheld); one to another database compares it like the rest.
    unwritable: tuple[tuple[tuple, str], ...] = ()
    # The role it was read as (current_user), whose default privileges have no for_role: a spec that
    # names it as for_role means the same entries. A database's only; not part of what it holds.
    read_as: str | None = field(default=None, compare=False)
    # Each object's definition as PostgreSQL prints it (object -> lines), read from a database only: what
    # introspect.definitions compares where the rest does not look. Not part of what the catalog models.
    definitions: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)
