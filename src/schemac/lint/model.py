"""What a sequence of SQL statements creates, as plain objects rules can query.

Every object keeps the statement it came from and an absolute byte offset,
so a rule can report ``file:line:col`` and suppressions can find the
statement a finding belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemac.lint.source import Statement
from schemac.lint.tree import Key


@dataclass
class Column:
    """A table column as the linted SQL leaves it."""

    name: str
    type: str
    not_null: bool
    has_default: bool
    stmt: Statement
    offset: int


@dataclass
class UniqueKey:
    """A primary key, unique constraint or non-partial unique index on plain columns."""

    columns: tuple[str, ...]
    primary: bool
    stmt: Statement
    offset: int
    deferrable: bool = False  # checked at commit (or SET CONSTRAINTS): no ON CONFLICT arbiter


@dataclass
class ForeignKey:
    """A FOREIGN KEY constraint, on the table it is declared on."""

    name: str | None
    table: Key
    columns: tuple[str, ...]
    target: Key
    target_columns: tuple[str, ...]  # empty: the target's primary key
    stmt: Statement
    offset: int
    enforced: bool = True  # False for PostgreSQL 18's NOT ENFORCED: no triggers check it


@dataclass
class Index:
    """An index: made by CREATE INDEX, or by a PRIMARY KEY or UNIQUE constraint."""

    name: str | None
    table: Key
    # Plain column names; an expression is its canonical JSON text, prefixed "(".
    columns: tuple[str, ...]
    unique: bool
    method: str
    predicate: dict | None
    constraint: bool  # made by PRIMARY KEY / UNIQUE rather than CREATE INDEX
    stmt: Statement
    offset: int
    deferrable: bool = False  # the index of a DEFERRABLE key
    # What else sets it apart from an index on the same columns: each column's
    # collation, operator class and order, INCLUDE columns, NULLS NOT DISTINCT
    # (canonical text; see fold.index_variant).
    variant: str = ""


@dataclass
class Policy:
    """A row level security policy (CREATE POLICY, as changed by ALTER POLICY)."""

    name: str
    table: Key
    command: str  # all | select | insert | update | delete
    permissive: bool
    roles: tuple[str, ...]  # "public" when the policy applies to PUBLIC
    has_to: bool  # False when the statement had no TO clause
    using: dict | None
    check: dict | None
    stmt: Statement
    offset: int

    def commands(self) -> tuple[str, ...]:
        if self.command == "all":
            return ("select", "insert", "update", "delete")
        return (self.command,)


@dataclass
class Trigger:
    """A trigger on a table."""

    name: str
    table: Key
    timing: str  # before | after | instead
    events: frozenset[str]
    function: Key
    stmt: Statement
    offset: int


@dataclass
class Table:
    """A table the SQL creates, or a placeholder for one it only alters."""

    key: Key
    # False for a placeholder: a table only altered here, created elsewhere.
    known: bool
    stmt: Statement
    offset: int
    columns: dict[str, Column] = field(default_factory=dict)
    keys: list[UniqueKey] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    rls_enabled: bool = False
    rls_forced: bool = False
    rls_stmt: Statement | None = None
    rls_offset: int = 0
    comment: str | None = None
    partition_key: tuple[str, ...] | None = None  # set on a partitioned parent
    # role -> privileges on the table ("select", "update", ...): the default
    # privileges at its creation, then GRANT / REVOKE (see schemac.lint.privileges)
    privileges: dict[str, set[str]] = field(default_factory=dict)
    # Does the linted SQL say who holds what on the table (a GRANT or REVOKE on it,
    # default privileges for tables, the supabase option)? If not, its grants are
    # taken to be managed elsewhere.
    privileges_known: bool = False
    owner: str | None = None  # set by ALTER TABLE ... OWNER TO; else whoever ran the SQL
    parent: Key | None = None  # set on a partition

    @property
    def label(self) -> str:
        schema, name = self.key
        return name if schema == "public" else f"{schema}.{name}"

    @property
    def primary_key(self) -> UniqueKey | None:
        return next((k for k in self.keys if k.primary), None)


@dataclass
class Function:
    """A function or procedure the SQL creates."""

    key: Key
    security_definer: bool
    search_path_pinned: bool
    returns: str
    language: str
    body: str | None
    stmt: Statement
    offset: int
    # role -> privileges ({"execute"}): the default privileges at its creation
    # (PUBLIC's EXECUTE; on Supabase the API roles' too), then GRANT / REVOKE.
    grants: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Model:
    """Everything the statements create, after all of them ran."""

    tables: dict[Key, Table] = field(default_factory=dict)
    # CREATE TYPE ... AS (...): each one's attributes, by name
    composite_types: dict[Key, dict[str, Column]] = field(default_factory=dict)
    functions: dict[Key, Function] = field(default_factory=dict)
    # ALTER DEFAULT PRIVILEGES, per (kind, schema) with schema "" for every schema:
    # role -> privileges (see schemac.lint.privileges)
    default_privileges: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)
    # member -> the roles whose privileges it has (GRANT role TO member, CREATE ROLE ... IN ROLE)
    memberships: dict[str, set[str]] = field(default_factory=dict)
    # Are the default privileges of new tables known (supabase option, or ALTER
    # DEFAULT PRIVILEGES ... ON TABLES in the linted SQL)?
    table_defaults_known: bool = False
    # index (schema, name) -> the table it is on, for DROP INDEX
    index_tables: dict[Key, Key] = field(default_factory=dict)
    # roles created or altered WITH BYPASSRLS or SUPERUSER
    bypass_roles: frozenset[str] = frozenset()
    # the statements that created each table, for the migration rules
    created_by: dict[Key, list[Statement]] = field(default_factory=dict)

    def is_new(self, key: Key, stmt: Statement) -> bool:
        """Was the table created earlier in the same file as ``stmt``? Migration
        hazards only matter for tables that already hold data."""
        return any(s.source is stmt.source and s.index < stmt.index for s in self.created_by.get(key, ()))

    def known_tables(self) -> list[Table]:
        return [t for t in self.tables.values() if t.known]

    def parent_tables(self) -> list[Table]:
        """Known tables that are not partitions: partitions inherit keys, indexes and
        triggers from their parent, so per-table rules look at the parent only."""
        return [t for t in self.tables.values() if t.known and t.parent is None]
