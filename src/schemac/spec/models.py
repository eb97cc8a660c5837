"""Pydantic models of schema.yaml: they check the shape of the input and nothing more.

Names, references and SQL expressions are checked by ``resolve``, which also
turns these models into catalog objects. Shorthands (``make: text`` for a
column, ``rls: true``) are expanded here by ``mode="before"`` validators so the
rest of the code sees one form.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from .leave_alone import check as check_leave_alone
from .names import last_part

Privilege = Literal[
    "select",
    "insert",
    "update",
    "delete",
    "truncate",
    "references",
    "trigger",
    "maintain",
    "usage",
    "execute",
    "create",
    "all",
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _sql_text(value: Any) -> Any:
    # YAML reads `default: 0` or `using: true` as numbers and booleans; as SQL
    # they are the same literals.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


# An SQL expression as written in the spec.
SqlText = Annotated[str, BeforeValidator(_sql_text)]

# Storage parameters, WITH (...): `{fillfactor: 70, autovacuum_enabled: false}`; a table's TOAST
# table's are `toast.<name>`. PostgreSQL checks the names and values when it creates the object.
StorageParameters = dict[
    Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")],
    SqlText,
]
STORAGE_PARAMETERS = (
    "Storage parameters, `WITH (...)`: `{fillfactor: 70}`, `{autovacuum_enabled: false}`; PostgreSQL's names "
    "and values. A plan changes them in place (`ALTER ... SET (...)` / `RESET (...)`)."
)
KEY_STORAGE_PARAMETERS = (
    "Storage parameters of the key's index, `WITH (...)`: `{fillfactor: 70}`. A plan changes them in place "
    "(`ALTER INDEX ... SET (...)` / `RESET (...)`); on a partitioned table, by making the key again."
)

# A list that may be written as its single item: `to: authenticated`.
OneOrMany = Annotated[list[str], BeforeValidator(_listify)]


# Tags name the branch in error locations; the brackets keep them out of the
# path a problem is reported at (spec/validate.py drops such parts).
def _form(value: Any) -> str:
    return "form[mapping]" if isinstance(value, (dict, BaseModel)) else "form[short]"


def Either(short: Any, model: type) -> Any:
    """A key written short (``true``, a name) or as ``model``'s mapping.

    Only the form used is validated, so a mistake inside the mapping is
    reported alone, not together with "expected true or false".
    """
    return Annotated[
        Annotated[short, Tag("form[short]")] | Annotated[model, Tag("form[mapping]")],
        Discriminator(_form),
    ]


def _flag_form(value: Any) -> str:
    return "form[flag]" if isinstance(value, bool) else "form[name]"


# `true`, `false`, or a column name: `created_at: inserted_at`.
FlagOrName = Annotated[
    Annotated[bool, Tag("form[flag]")] | Annotated[str, Tag("form[name]")], Discriminator(_flag_form)
]

# `deferrable: true` is DEFERRABLE INITIALLY DEFERRED (checked at commit);
# `initially immediate` checks at each statement unless SET CONSTRAINTS defers it.
Deferrable = Annotated[
    Annotated[bool, Tag("form[flag]")]
    | Annotated[Literal["initially deferred", "initially immediate"], Tag("form[name]")],
    Discriminator(_flag_form),
]


class Target(Model):
    postgres: int = 15
    flavor: Literal["postgres", "supabase"] = "postgres"
    # The database is a Citus coordinator: tables are distributed or reference tables (docs/citus.md).
    citus: bool = False

    @field_validator("postgres")
    @classmethod
    def _supported(cls, value: int) -> int:
        if not 13 <= value <= 18:
            raise ValueError(f"PostgreSQL {value} is not supported; schemac targets PostgreSQL 13 to 18")
        return value


class SchemaSpec(Model):
    exposed: bool | None = None  # default: public is exposed, other schemas are not
    grants: list[Grant] = []
    comment: str | None = None


class ExtensionSpec(Model):
    name: str
    schema_: str | None = Field(default=None, alias="schema")
    version: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class EnumSpec(Model):
    values: list[str] = Field(min_length=1)
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"values": value} if isinstance(value, list) else value


class Grant(Model):
    """``{to: [authenticated], privileges: [select, insert]}``; with ``columns``, on those columns of a table only;
    ``with_grant_option``: the roles may grant the privileges on."""

    to: OneOrMany = Field(min_length=1)
    privileges: Annotated[list[Privilege], BeforeValidator(_listify)] = Field(min_length=1)
    columns: Annotated[list[str], BeforeValidator(_listify)] | None = Field(default=None, min_length=1)
    with_grant_option: bool = False


class Revoke(Model):
    """``{from: [anon], privileges: [insert]}``: take a privilege out of what the spec grants the roles."""

    from_: OneOrMany = Field(alias="from", min_length=1)
    privileges: Annotated[list[Privilege], BeforeValidator(_listify)] = Field(min_length=1)
    columns: Annotated[list[str], BeforeValidator(_listify)] | None = Field(default=None, min_length=1)


CONSTRAINT_COMMENT = "Its comment (COMMENT ON CONSTRAINT)."


class DomainCheckSpec(Model):
    """``{expression: VALUE > 0, comment: ...}``: the long form of a domain's named check."""

    expression: SqlText
    comment: str | None = Field(default=None, description=CONSTRAINT_COMMENT)


class DomainSpec(Model):
    type: str
    not_null: bool = False
    default: SqlText | None = None
    check: Either(SqlText, dict[str, Either(SqlText, DomainCheckSpec)]) | None = Field(
        default=None,
        description="Its check: an expression of VALUE (named `<domain>_check`), or checks by name, each an "
        "expression or {expression: ..., comment: ...}.",
    )
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None


class AttributeSpec(Model):
    """An attribute of a composite type; ``x: integer`` is short for ``x: {type: integer}``."""

    type: str = Field(description="A PostgreSQL type or a type of the spec (an enum, a domain, a composite type).")
    collation: str | None = Field(default=None, description='Its collation, where not its type\'s: `C`, `"en-x-icu"`.')
    comment: str | None = Field(default=None, description="Its comment (COMMENT ON COLUMN).")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value


class CompositeTypeSpec(Model):
    """CREATE TYPE name AS (attribute type, ...): a row type of its own, for columns, arguments and results."""

    attributes: dict[str, AttributeSpec] = Field(
        default={},
        description="The attributes, in order: `name: type` or `name: {type: ..., collation: ...}`. A plan adds, "
        "drops and retypes them in place where PostgreSQL can (ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE).",
    )
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None


class SequenceSpec(Model):
    type: Literal["smallint", "integer", "bigint"] = "bigint"
    start: int | None = None
    increment: int = 1
    min_value: int | None = None
    max_value: int | None = None
    cache: Annotated[int, Field(ge=1)] = 1
    cycle: bool = False
    owned_by: str | None = None
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None


class DefaultPrivilegesSpec(Model):
    """``{schema: app, on: tables, grants: [{to: reader, privileges: [select]}]}``: what roles are given on the
    objects of one type made from now on (ALTER DEFAULT PRIVILEGES)."""

    for_role: str | None = Field(
        default=None,
        description="The role whose new objects get these privileges; none: the role that applies the spec.",
    )
    schema_: str | None = Field(
        default=None,
        alias="schema",
        description="Objects made in this schema only (adding to the entry of every schema); none: in every schema, "
        "replacing PostgreSQL's built-in defaults (EXECUTE on functions and USAGE on types to PUBLIC).",
    )
    on: Literal["tables", "sequences", "functions", "routines", "types", "schemas"] = Field(
        description="The type of object (routines: functions and procedures, the same entry as functions)."
    )
    grants: list[Grant] = Field(
        default=[],
        description="What each role is given; the roles the spec manages get nothing else by this entry.",
    )


class PublishedTableSpec(Model):
    """``{table: trips, columns: [id, distance], where: distance > 0}``: a table of a publication, of which
    only some columns, or the rows where an expression holds, are sent (PostgreSQL 15)."""

    table: str
    columns: list[str] = Field(default=[], description="Only these columns are sent (default: every column).")
    where: SqlText | None = Field(default=None, description="Only the rows this expression is true of are sent.")


class PublicationSpec(Model):
    tables: list[str | PublishedTableSpec] = Field(
        default=[],
        description="The tables whose changes it sends (schema.table, or a table of public); "
        "{table: ..., columns: [...], where: ...} sends only those columns, or those rows.",
    )
    all_tables: bool = Field(default=False, description="Every table of the database, now and later (FOR ALL TABLES).")
    publish: list[Literal["insert", "update", "delete", "truncate"]] = Field(
        default=["insert", "update", "delete", "truncate"], description="The operations it sends."
    )
    publish_via_partition_root: bool = Field(
        default=False, description="A partition's changes are sent as the partitioned table's."
    )
    comment: str | None = None


Action = Literal["no action", "restrict", "cascade", "set null", "set default"]
MATCH = (
    "MATCH FULL: a row whose key columns are partly NULL is refused (with `simple`, the default, such a row "
    "is not checked). PostgreSQL does not implement MATCH PARTIAL."
)


def _match(value: Any) -> Any:
    if isinstance(value, str) and value.lower() == "partial":
        raise ValueError("PostgreSQL does not implement MATCH PARTIAL; write 'full' or 'simple'")
    return value


Match = Annotated[Literal["simple", "full"], BeforeValidator(_match)]


class ColumnReference(Model):
    """``references: vehicles.id`` or ``{table: vehicles, column: id, on_delete: cascade}``."""

    table: str
    column: str | None = None
    on_delete: Action | None = None
    on_update: Action | None = None
    name: str | None = None
    deferrable: Deferrable = False
    valid: bool = True  # false: added NOT VALID, and existing rows are never checked
    enforced: bool = True  # false: NOT ENFORCED (PostgreSQL 18): no row is ever checked
    match: Match = Field(default="simple", description=MATCH)
    comment: str | None = Field(default=None, description=CONSTRAINT_COMMENT)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            table, column = last_part(value) or ("", value)  # one not closed: the resolver says so
            return {"table": table or value, "column": column if table else None}
        return value


class IdentitySequenceSpec(Model):
    """An identity column's sequence options: ``{start: 1000, increment: 10}``; each left out is
    PostgreSQL's default for the column's type."""

    start: int | None = None
    increment: int = 1
    min_value: int | None = None
    max_value: int | None = None
    cache: Annotated[int, Field(ge=1)] = 1
    cycle: bool = False


class ColumnSpec(Model):
    """A column; ``name: text`` is short for ``name: {type: text}``."""

    type: str
    not_null: bool = False
    default: SqlText | None = Field(
        default=None,
        description="DEFAULT: an SQL expression. On a column a parent has too, `null` for none where the parent's "
        "has one (else the child takes the parent's).",
    )
    identity: Literal["always", "by default"] | None = None
    sequence: IdentitySequenceSpec | None = Field(
        default=None,
        description="With `identity`: its sequence's options (start, increment, min_value, max_value, cache, "
        "cycle), where they are not PostgreSQL's defaults.",
    )
    # What roles hold on an identity column's sequence: inserting needs nothing, so the default is nothing
    # (a project made under Supabase's default privileges holds ALL there, and importing it says so).
    sequence_grants: list[Grant] = []
    generated: SqlText | None = None
    virtual: bool = False  # with generated: VIRTUAL (PostgreSQL 18), computed when read, not stored
    not_null_name: str | None = Field(
        default=None,
        description="The name of the column's NOT NULL constraint (PostgreSQL 18), where it is not "
        "`<table>_<column>_not_null`; with `not_null: true`.",
    )
    primary_key: bool = False
    unique: bool = False
    check: SqlText | None = None
    references: ColumnReference | None = None
    on_delete: Action | None = None
    on_update: Action | None = None
    collation: str | None = None
    comment: str | None = None
    renamed_from: str | None = None
    using: SqlText | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value


class UniqueSpec(Model):
    columns: list[str] = Field(min_length=1)
    name: str | None = None
    nulls_not_distinct: bool = False
    deferrable: Deferrable = False
    storage_parameters: StorageParameters = Field(default={}, description=KEY_STORAGE_PARAMETERS)
    comment: str | None = Field(default=None, description=CONSTRAINT_COMMENT)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"columns": value} if isinstance(value, list) else value


class ForeignKeyTarget(Model):
    table: str
    columns: OneOrMany = Field(min_length=1)


class ForeignKeySpec(Model):
    columns: OneOrMany = Field(min_length=1)
    references: ForeignKeyTarget

    @field_validator("references", mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        if isinstance(value, str):
            table = value.split(".")[0] if value.count(".") == 1 else value.rsplit(".", 1)[0]
            raise ValueError(f"write the referenced table and its key columns as {{table: {table}, columns: [...]}}")
        return value

    on_delete: Action | None = None
    on_delete_columns: list[str] = Field(
        default=[],
        description="With `on_delete: set null` or `set default`: only these of the key's columns are set "
        "(ON DELETE SET NULL (columns), PostgreSQL 15); the others keep their values.",
    )
    on_update: Action | None = None
    name: str | None = None
    deferrable: Deferrable = False
    valid: bool = True  # false: added NOT VALID, and existing rows are never checked
    enforced: bool = True  # false: NOT ENFORCED (PostgreSQL 18): no row is ever checked
    match: Match = Field(default="simple", description=MATCH)
    comment: str | None = Field(default=None, description=CONSTRAINT_COMMENT)


class PrimaryKeySpec(Model):
    """``primary_key: {columns: [id], deferrable: true}``: the long form of ``primary_key: [id]``."""

    columns: OneOrMany = Field(min_length=1)
    deferrable: Deferrable = False
    storage_parameters: StorageParameters = Field(default={}, description=KEY_STORAGE_PARAMETERS)
    comment: str | None = Field(default=None, description=CONSTRAINT_COMMENT)


class CheckSpec(Model):
    """``{expression: amount >= 0, valid: false}``: the long form of a named check."""

    expression: SqlText
    valid: bool = True  # false: added NOT VALID, and existing rows are never checked
    enforced: bool = True  # false: NOT ENFORCED (PostgreSQL 18): no row is ever checked
    no_inherit: bool = False  # true: NO INHERIT, tables that inherit from this one do not get it
    comment: str | None = Field(default=None, description=CONSTRAINT_COMMENT)


OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?"


class ExclusionElement(Model):
    """One element of an exclusion constraint: a column or an expression, and the operator
    two rows' values must not satisfy together (``with``); ``room_id with =`` is short for
    ``{column: room_id, with: '='}``."""

    column: str | None = None
    expression: SqlText | None = None
    with_: str = Field(alias="with")
    opclass: str | None = None
    collation: str | None = None
    order: Literal["asc", "desc"] | None = None
    nulls: Literal["first", "last"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        words = value.split()
        if len(words) != 3 or words[1].lower() != "with":
            raise ValueError(
                f"cannot read exclusion element {value!r}: write 'column with operator' "
                "(room_id with =), or {expression: ..., with: ...} for an expression"
            )
        return {"column": words[0], "with": words[2]}

    @model_validator(mode="after")
    def _one_of(self) -> ExclusionElement:
        if (self.column is None) == (self.expression is None):
            raise ValueError("an exclusion element has either 'column' or 'expression'")
        return self


class ExclusionSpec(Model):
    """``EXCLUDE USING gist (room_id WITH =, during WITH &&)``: no two rows may match on every element."""

    columns: list[ExclusionElement] = Field(min_length=1)
    name: str | None = None
    method: Literal["gist", "spgist", "btree", "hash"] = "gist"
    where: SqlText | None = None
    include: list[str] = []
    deferrable: Deferrable = False
    storage_parameters: StorageParameters = Field(default={}, description=KEY_STORAGE_PARAMETERS)
    comment: str | None = Field(default=None, description=CONSTRAINT_COMMENT)


class IndexColumn(Model):
    """One key of an index: a column or an expression, with its order."""

    column: str | None = None
    expression: SqlText | None = None
    order: Literal["asc", "desc"] | None = None
    nulls: Literal["first", "last"] | None = None
    opclass: str | None = None
    collation: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # "occurred_at desc nulls last"
        if not isinstance(value, str):
            return value
        words = value.split()
        if not words:
            raise ValueError("an index key cannot be empty; write a column name or {expression: ...}")
        out: dict[str, Any] = {"column": words[0]}
        rest = [w.lower() for w in words[1:]]
        if rest[:1] in (["asc"], ["desc"]):
            out["order"] = rest.pop(0)
        if rest[:1] == ["nulls"] and len(rest) >= 2:
            out["nulls"] = rest[1]
            rest = rest[2:]
        if rest:
            raise ValueError(
                f"cannot read index key {value!r}: write 'column [asc|desc] [nulls first|last]', "
                "or {expression: ...} for an expression"
            )
        return out

    @model_validator(mode="after")
    def _one_of(self) -> IndexColumn:
        if (self.column is None) == (self.expression is None):
            raise ValueError("an index key has either 'column' or 'expression'")
        return self


# Lint findings accepted on purpose: rule name or code -> why.
Ignore = dict[str, str]


class IndexSpec(Model):
    columns: list[IndexColumn] = Field(min_length=1)
    name: str | None = None
    unique: bool = False
    method: str = Field(
        default="btree",
        description="The index access method: btree, hash, gist, spgist, gin, brin, or one an extension "
        "adds (pgvector's hnsw and ivfflat, bloom, rum), which PostgreSQL checks where the spec is built.",
    )
    where: SqlText | None = None
    include: list[str] = []
    nulls_not_distinct: bool = False
    comment: str | None = None
    ignore: Ignore = {}
    storage_parameters: StorageParameters = Field(default={}, description=STORAGE_PARAMETERS)


class PartitionKeySpec(Model):
    """One part of a partition key: ``tenant_id`` (a column) or ``{expression: "lower(code)"}``;
    ``{column: code, collation: C, opclass: text_pattern_ops}`` for another collation or operator class."""

    column: str | None = None
    expression: SqlText | None = None
    collation: str | None = None
    opclass: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"column": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_of(self) -> PartitionKeySpec:
        if (self.column is None) == (self.expression is None):
            raise ValueError("a partition key part has either 'column' or 'expression'")
        return self


class PartitionSpec(Model):
    """Declarative partitioning.

    Range by time: ``{by: range, column: occurred_at, interval: year, start: 2024, premake: 2}``
    creates one partition per period from ``start`` through ``until`` (or, without
    ``until``, through the current period plus ``premake``).
    List, hash and other ranges: partitions are listed under ``partitions``.
    The key is one ``column``, or ``columns``: several, or expressions
    (``columns: [tenant_id, {expression: "lower(code)"}]``).
    """

    by: Literal["range", "list", "hash"]
    column: str | None = None
    columns: list[PartitionKeySpec] | None = Field(default=None, min_length=1)
    interval: Literal["year", "month"] | None = None
    start: str | None = None
    until: str | None = None
    premake: Annotated[int, Field(ge=0, le=120)] = 2
    default: bool = False
    partitions: dict[str, PartitionBound] = {}

    @field_validator("start", "until", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        # YAML reads 2024 as a number and 2024-01-01 as a date; both are periods to check.
        return str(value) if isinstance(value, (int, date)) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _coherent(self) -> PartitionSpec:
        if self.column is not None and self.columns is not None:
            raise ValueError("give the key as 'column' (one column) or 'columns', not both")
        if self.column is None and self.columns is None:
            raise ValueError("partitioning needs its key: 'column' (one column) or 'columns'")
        if self.by == "range" and self.interval is None and not self.partitions:
            raise ValueError(
                "range partitioning needs 'interval' (year or month) and 'start', or explicit 'partitions'"
            )
        if self.interval is not None:
            if self.by != "range":
                raise ValueError("'interval' applies to range partitioning only")
            if self.start is None:
                raise ValueError("'interval' needs 'start', the first period (2024 or 2024-01)")
        if self.by == "hash" and self.default:
            raise ValueError("hash partitioning has no default partition")
        return self

    @property
    def key(self) -> list[PartitionKeySpec]:
        """The key's parts, whichever way it was written."""
        return self.columns if self.columns is not None else [PartitionKeySpec(column=self.column)]

    @property
    def key_columns(self) -> list[str]:
        """The key's plain columns, expressions left out."""
        return [k.column for k in self.key if k.column is not None]

    @property
    def single_column(self) -> str | None:
        """The key's column when the key is one plain column, however it is written
        (``column: at`` or ``columns: [at]``); else None."""
        key = self.key
        return key[0].column if len(key) == 1 else None


class PartitionColumnSpec(Model):
    """A column of the table as one partition has it otherwise: ``{default: 10}``, ``{default: null}``
    (none, where the table has one), ``{not_null: true}``, ``{not_null_name: ...}``."""

    default: SqlText | None = Field(
        default=None,
        description="The partition's own default; `null` for none where the table has one.",
    )
    not_null: bool = Field(
        default=False, description="NOT NULL in this partition, where the table's column is nullable."
    )
    not_null_name: str | None = Field(
        default=None,
        description="The name of the column's NOT NULL constraint in this partition (PostgreSQL 18), where it "
        "is not the one PARTITION OF gives: the table's constraint's, or `<partition>_<column>_not_null`.",
    )


class PartitionBound(Model):
    """A partition's bound; with ``partition``, the partition is partitioned in turn (sub-partitions);
    ``columns``: the table's columns as this partition has them otherwise."""

    values: list[Any] | None = None
    from_: Any = Field(default=None, alias="from")
    to: Any = None
    modulus: int | None = None
    remainder: int | None = None
    partition: PartitionSpec | None = None
    columns: dict[str, PartitionColumnSpec] = {}
    storage_parameters: StorageParameters = Field(default={}, description=STORAGE_PARAMETERS)
    # What the partition holds of its own beside what it takes from its table, spelt as on a table.
    primary_key: Either(Annotated[OneOrMany, Field(min_length=1)], PrimaryKeySpec) | None = Field(
        default=None, description="The partition's own primary key, where its table has none."
    )
    unique: list[UniqueSpec] = Field(default=[], description="The partition's own unique constraints.")
    checks: dict[str, Either(SqlText, CheckSpec)] = Field(
        default={}, description="The partition's own check constraints (its table's reach it anyway)."
    )
    exclude: list[ExclusionSpec] = Field(default=[], description="The partition's own exclusion constraints.")
    foreign_keys: list[ForeignKeySpec] = Field(default=[], description="The partition's own foreign keys.")
    indexes: list[IndexSpec] = Field(
        default=[], description="The partition's own indexes (its table's indexes are made on it anyway)."
    )

    @property
    def pk(self) -> PrimaryKeySpec | None:
        """The partition's own primary key in its long form, or None."""
        if isinstance(self.primary_key, list):
            return PrimaryKeySpec(columns=self.primary_key)
        return self.primary_key


class PolicySpec(Model):
    command: Literal["all", "select", "insert", "update", "delete"] = "all"
    type: Literal["permissive", "restrictive"] = Field(default="permissive", alias="as")
    roles: OneOrMany = []
    using: SqlText | None = None
    with_check: SqlText | None = None
    comment: str | None = None
    ignore: Ignore = {}


class RlsSpec(Model):
    enable: bool = True
    force: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # `rls: true` means enabled and forced: the owner is not exempt.
        if isinstance(value, bool):
            return {"enable": value, "force": value}
        return value


class TriggerSpec(Model):
    function: str
    timing: Literal["before", "after", "instead of"] = "before"
    events: Annotated[list[Literal["insert", "update", "delete", "truncate"]], BeforeValidator(_listify)] = Field(
        min_length=1
    )
    update_of: list[str] = []
    level: Literal["row", "statement"] = "row"
    when: SqlText | None = None
    args: list[str] = []
    comment: str | None = None
    # CREATE CONSTRAINT TRIGGER: an after row trigger that, deferrable, fires at commit.
    constraint: bool = False
    deferrable: Deferrable = False
    from_table: str | None = None  # FROM: the table a constraint trigger's check reads (dropped with it)
    # REFERENCING OLD TABLE AS / NEW TABLE AS: the rows a statement changed, as tables (after triggers).
    old_table: str | None = None
    new_table: str | None = None
    # false: DISABLE TRIGGER; always / replica: ENABLE ALWAYS / REPLICA TRIGGER (session_replication_role).
    enabled: Literal[True, False, "always", "replica"] = True


class PlatformTableSpec(Model):
    """A table of the platform's (``storage.objects``, ``auth.users``) with the project's own policies and
    triggers on it. The table, its columns, its row level security and its privileges stay the platform's."""

    policies: dict[str, PolicySpec] = Field(default={}, description="The project's policies on the table, by name.")
    triggers: dict[str, TriggerSpec] = Field(
        default={}, description="The project's triggers on the table, by name; each calls a function of the spec."
    )


class TenantScopedSpec(Model):
    """``tenant_scoped: {roles: [...], commands: [select]}``: the table's tenant policies, where they differ."""

    roles: OneOrMany | None = None
    commands: Annotated[list[Literal["select", "insert", "update", "delete"]], BeforeValidator(_listify)] | None = None


class AuditSwitch(Model):
    """``audit: {created_by: false}``: which of the audit convention's columns this table gets."""

    created_at: bool | None = None
    updated_at: bool | None = None
    created_by: bool | None = None
    updated_by: bool | None = None


class DistributedSpec(Model):
    """``distributed: {column: tenant_id, colocate_with: tenants}``: sharded by Citus on ``column``.

    ``colocate_with`` is a distributed table, or ``none`` for a colocation group of its own;
    without it Citus colocates tables whose column types and shard counts match."""

    column: str
    colocate_with: str | None = None
    shard_count: Annotated[int, Field(ge=1, le=64000)] | None = None


class TableSpec(Model):
    columns: dict[str, ColumnSpec] = {}  # none: a table of no columns, or a typed table's from its type
    primary_key: Either(Annotated[OneOrMany, Field(min_length=1)], PrimaryKeySpec) | None = None
    unique: list[UniqueSpec] = []
    checks: dict[str, Either(SqlText, CheckSpec)] = {}
    exclude: list[ExclusionSpec] = []
    foreign_keys: list[ForeignKeySpec] = []
    indexes: list[IndexSpec] = []
    partition: PartitionSpec | None = None
    rls: RlsSpec | None = None
    # 'auto': the conventions write them (tenant-scoped tables).
    policies: dict[str, PolicySpec] | Literal["auto"] = {}
    triggers: dict[str, TriggerSpec] = {}
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None
    renamed_from: str | None = None
    ignore: Ignore = {}
    replica_identity: str | None = Field(
        default=None,
        description="REPLICA IDENTITY: `default` (the primary key), `full` (every column; Supabase "
        "Realtime needs it for the old row of updates and deletes), `nothing`, or "
        "`index NAME` (a unique index of the table).",
    )
    unlogged: bool = Field(
        default=False,
        description="UNLOGGED: writes skip the write-ahead log (faster), so a crash empties the table and "
        "replicas never see its rows. For caches and staging data.",
    )
    storage_parameters: StorageParameters = Field(default={}, description=STORAGE_PARAMETERS)
    inherits: list[str] = Field(
        default=[],
        description="INHERITS: the tables (in order) whose columns, defaults, NOT NULL and checks this table "
        "takes; `columns` lists only its own (a column a parent has too is merged, with the same type). "
        "A query on a parent reads its children's rows too.",
    )
    of: str | None = Field(
        default=None,
        description="OF: a typed table, whose columns are this composite type's attributes, in its order; "
        "`columns` lists only those with a default, NOT NULL or key of their own, each with its attribute's type. "
        "The type's changes reach it (ALTER TYPE ... CASCADE).",
    )
    # Conventions switched on for this table (see ConventionsSpec).
    tenant_scoped: Either(bool, TenantScopedSpec) = False
    soft_delete: bool = False
    append_only: bool = False
    audit: Either(bool, AuditSwitch) = False
    # Citus (target.citus): sharded, copied to every node, or (distributed: false) kept on the coordinator.
    # Unset: the tenancy convention decides (docs/citus.md).
    distributed: Either(bool, DistributedSpec) | None = None
    reference: bool = False

    @property
    def pk(self) -> PrimaryKeySpec | None:
        """The table-level primary key in its long form, or None."""
        if isinstance(self.primary_key, list):
            return PrimaryKeySpec(columns=self.primary_key)
        return self.primary_key

    @property
    def tenancy(self) -> TenantScopedSpec | None:
        """The table's tenant-scoping, or None when it is not tenant-scoped."""
        if self.tenant_scoped is True:
            return TenantScopedSpec()
        return self.tenant_scoped or None


COLUMN_COMMENTS = "The comments on its columns (COMMENT ON COLUMN), by column name: `{total: In cents.}`."


class ViewSpec(Model):
    query: str
    security_invoker: bool = False
    security_barrier: bool = False
    check_option: Literal["local", "cascaded"] | None = Field(
        default=None,
        description="WITH LOCAL / CASCADED CHECK OPTION: rows inserted or updated through the view must be "
        "rows it shows (`cascaded`: those of the views it reads too).",
    )
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None
    column_comments: dict[str, str] = Field(default={}, description=COLUMN_COMMENTS)
    ignore: Ignore = {}


class MaterializedViewSpec(Model):
    query: str
    with_data: bool = True
    storage_parameters: StorageParameters = Field(default={}, description=STORAGE_PARAMETERS)
    indexes: list[IndexSpec] = []
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None
    column_comments: dict[str, str] = Field(default={}, description=COLUMN_COMMENTS)
    ignore: Ignore = {}


class Argument(Model):
    name: str | None = None
    type: str
    default: SqlText | None = None
    mode: Literal["in", "out", "inout", "variadic"] = "in"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # "p_tenant uuid", or just a type ("uuid", "timestamp with time zone")
        if isinstance(value, str):
            from ..sqltree import SqlProblem, parse_type

            try:
                parse_type(value)
                return {"type": value.strip()}
            except SqlProblem:
                name, _, type_ = value.strip().partition(" ")
                return {"name": name, "type": type_.strip()} if type_ else {"type": name}
        return value


def _setting_value(value: Any) -> Any:
    # YAML reads `enable_seqscan: off` and `work_mem: 64` as a boolean and a number; PostgreSQL keeps
    # a boolean setting as on / off.
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)):
        return str(value)
    return value


SettingValue = Annotated[str, BeforeValidator(_setting_value)]


class RoutineSpec(Model):
    """What functions and procedures share."""

    language: Literal["sql", "plpgsql"] = "sql"
    body: str
    args: list[Argument] = []
    security_definer: bool = False
    search_path: str | None = None
    settings: dict[str, SettingValue] = Field(
        default={},
        alias="set",
        description="SET name = value: configuration parameters a call runs under, such as "
        "`{statement_timeout: 30s, timezone: UTC}`; names are PostgreSQL's, in any case. `search_path` may "
        "be given here or as its own key, not both.",
    )
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None
    ignore: Ignore = {}


class ProcedureSpec(RoutineSpec):
    """CREATE PROCEDURE: run by CALL; it returns nothing, and may COMMIT inside its body."""


class FunctionSpec(RoutineSpec):
    returns: str
    volatility: Literal["immutable", "stable", "volatile"] = "volatile"
    strict: bool = False
    parallel: Literal["safe", "restricted", "unsafe"] | None = None
    leakproof: bool = Field(
        default=False,
        description="LEAKPROOF: the function reveals nothing of its arguments but its result, so PostgreSQL may "
        "run it before row level security filters rows. Only a superuser may declare it.",
    )
    cost: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="COST: the planner's estimate of one call's cost, in units of cpu_operator_cost "
        "(PostgreSQL's default: 100).",
    )
    rows: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="ROWS: the planner's estimate of how many rows a set-returning function gives "
        "(PostgreSQL's default: 1000).",
    )


class AggregateSpec(Model):
    """CREATE AGGREGATE: a state function folded over the rows (``sfunc`` from ``initcond``, of type
    ``stype``), then ``finalfunc``. Functions are the spec's or PostgreSQL's own. With ``order_by``, an
    ordered-set aggregate, called ``agg(args) WITHIN GROUP (ORDER BY ...)``."""

    args: list[Argument] = Field(
        default=[],
        description="The argument types, as functions write them; none: agg(*). With order_by, the direct "
        "arguments, given once per group.",
    )
    order_by: list[Argument] = Field(
        default=[],
        description="An ordered-set aggregate's aggregated arguments, sorted as WITHIN GROUP (ORDER BY ...) "
        "says: CREATE AGGREGATE name(args ORDER BY these).",
    )
    hypothetical: bool = Field(
        default=False,
        description="A hypothetical-set aggregate (like rank(x) WITHIN GROUP (ORDER BY y)): its direct "
        "arguments are a hypothetical row of the aggregated ones; needs order_by.",
    )
    sfunc: str
    stype: str
    finalfunc: str | None = None
    finalfunc_extra: bool = False
    combinefunc: str | None = None
    serialfunc: str | None = None
    deserialfunc: str | None = None
    initcond: str | None = Field(default=None, description="The state's first value, as text; '' is not absent.")
    msfunc: str | None = None
    minvfunc: str | None = None
    mstype: str | None = None
    minitcond: str | None = None
    sortop: str | None = Field(default=None, description="The sort operator of a MIN/MAX-like aggregate: '<' or '>'.")
    parallel: Literal["safe", "restricted", "unsafe"] | None = None
    grants: list[Grant] = []
    revokes: list[Revoke] = []
    comment: str | None = None


# -- conventions ---------------------------------------------------------------
#
# Written without "before" validators: a shorthand is a member of a union
# (`current_tenant: private.current_tenant_id()`, `signup: profiles`), and the
# properties below give the long form.


class MembershipSpec(Model):
    """The table that proves a user belongs to a tenant: its tenant column and ``user_column``."""

    table: str
    user_column: str = "user_id"


class CurrentTenantSpec(Model):
    """How the current tenant is found, and the function that returns it."""

    function: str | None = None  # default: current_tenant_id in the conventions' schema
    source: Literal["claim", "setting", "membership"] | None = None
    claim: str = "app_metadata.tenant_id"
    setting: str = "app.tenant_id"
    membership: Either(str, MembershipSpec) | None = None

    @field_validator("function")
    @classmethod
    def _strip_call(cls, value: str | None) -> str | None:
        return value if value is None else value.strip().removesuffix("()").strip()

    @model_validator(mode="after")
    def _coherent(self) -> CurrentTenantSpec:
        if self.source == "membership" and self.membership is None:
            raise ValueError(
                "source 'membership' needs 'membership': the table of memberships, e.g. membership: tenant_memberships"
            )
        if self.membership is not None and self.source not in (None, "membership"):
            raise ValueError(f"'membership' applies to source 'membership', not '{self.source}'")
        return self

    @property
    def kind(self) -> str:
        """The source, with its default: 'membership' when a membership table is named, else 'claim'."""
        if self.source:
            return self.source
        return "membership" if self.membership is not None else "claim"

    @property
    def memberships(self) -> MembershipSpec | None:
        if isinstance(self.membership, str):
            return MembershipSpec(table=self.membership)
        return self.membership


class TenancySpec(Model):
    column: str = "tenant_id"
    references: str
    on_delete: Action = "cascade"
    roles: OneOrMany | None = None  # default: authenticated (supabase)
    # `current_tenant: private.current_tenant_id()` names the function only.
    current_tenant: Either(str, CurrentTenantSpec) = CurrentTenantSpec()

    @property
    def current(self) -> CurrentTenantSpec:
        if isinstance(self.current_tenant, str):
            return CurrentTenantSpec(function=self.current_tenant)
        return self.current_tenant


class SoftDeleteConvention(Model):
    column: str = "deleted_at"


class AuditUserColumn(Model):
    """``created_by: {column: created_by, references: profiles.id, on_delete: set null}``."""

    column: str | None = None
    references: str | None = None
    on_delete: Action = "set null"


class AuditConvention(Model):
    """Each part: ``true`` (the column of that name), a column name, or ``false``."""

    created_at: FlagOrName = True
    updated_at: FlagOrName = True
    created_by: Either(FlagOrName, AuditUserColumn) = True
    updated_by: Either(FlagOrName, AuditUserColumn) = False


class AppendOnlyConvention(Model):
    # The SQLSTATE the guard raises: a condition name or a five-character code.
    errcode: str = "insufficient_privilege"


class PartitionsConvention(Model):
    # When the extension pg_cron is declared, the maintenance function runs on this schedule.
    schedule: str = "0 3 * * *"


class SignupSpec(Model):
    """Supabase sign-up: a row of ``table`` for every new auth.users row."""

    table: str
    # profile column -> auth.users column, or 'raw_user_meta_data.key'
    columns: dict[str, str] = {}


class MonitoringConvention(Model):
    # Roles that may read the monitoring views (besides the owner).
    roles: OneOrMany = []


class ConventionsSpec(Model):
    """Set once, switched on per table; each expands into ordinary objects (src/schemac/expand/)."""

    schema_: str = Field(default="private", alias="schema")
    user_id: SqlText | None = None  # the current user's id; default auth.uid() (supabase)
    tenancy: TenancySpec | None = None
    soft_delete: SoftDeleteConvention = SoftDeleteConvention()
    audit: AuditConvention = AuditConvention()
    append_only: AppendOnlyConvention = AppendOnlyConvention()
    partitions: Either(bool, PartitionsConvention) = False
    signup: Either(str, SignupSpec) | None = None
    monitoring: Either(bool, MonitoringConvention) = False

    @property
    def partitioning(self) -> PartitionsConvention | None:
        if self.partitions is True:
            return PartitionsConvention()
        return self.partitions or None

    @property
    def signup_workflow(self) -> SignupSpec | None:
        return SignupSpec(table=self.signup) if isinstance(self.signup, str) else self.signup

    @property
    def monitoring_views(self) -> MonitoringConvention | None:
        if self.monitoring is True:
            return MonitoringConvention()
        return self.monitoring or None


class Expectation(Model):
    """What a test expects: exactly one of ``count``, ``rows`` or ``error``."""

    count: Annotated[int, Field(ge=0)] | None = None  # rows returned, or rows changed by INSERT/UPDATE/DELETE
    rows: list[list[Any]] | None = None  # the rows returned, in order, each a list of column values
    error: str | None = None  # a SQLSTATE (42501) or its condition name (insufficient_privilege)

    @model_validator(mode="after")
    def _one(self) -> Expectation:
        given = [k for k in ("count", "rows", "error") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "expect one of 'count', 'rows' or 'error'" + (f", not {' and '.join(given)}" if given else "")
            )
        return self


class SpecTest(Model):
    """One of the spec's own tests, run by ``schemac test`` in a transaction that is rolled back."""

    role: str | None = None  # the role to act as; none: the database owner
    claims: dict[str, Any] = {}  # the JWT claims (request.jwt.claims); 'role' defaults to the role
    setup: str | None = None  # SQL run first, as the owner
    sql: str
    expect: Expectation


# An object a plan leaves alone: its kind and name ('table public.audit_*'), checked by spec.leave_alone.
LeaveAloneEntry = Annotated[str, AfterValidator(check_leave_alone)]


class Spec(Model):
    version: Literal[1]
    target: Target = Target()
    # Roles the database already has (schemac does not create roles); grants
    # and policies may name these and the platform's own (PUBLIC; on Supabase
    # anon, authenticated, service_role).
    roles: list[str] = []
    extensions: list[ExtensionSpec] = []
    schemas: dict[str, SchemaSpec] = {}
    enums: dict[str, EnumSpec] = {}
    domains: dict[str, DomainSpec] = {}
    composite_types: dict[str, CompositeTypeSpec] = {}
    sequences: dict[str, SequenceSpec] = {}
    tables: dict[str, TableSpec] = {}
    views: dict[str, ViewSpec] = {}
    materialized_views: dict[str, MaterializedViewSpec] = {}
    functions: dict[str, FunctionSpec] = {}
    procedures: dict[str, ProcedureSpec] = {}
    aggregates: dict[str, AggregateSpec] = {}
    publications: dict[str, PublicationSpec] = {}
    platform_tables: dict[str, PlatformTableSpec] = Field(
        default={},
        description="The platform's tables (schema.table: storage.objects, auth.users) that the project's own "
        "policies and triggers are attached to; the tables themselves are never created, altered or dropped.",
    )
    default_privileges: list[DefaultPrivilegesSpec] = Field(
        default=[],
        description="ALTER DEFAULT PRIVILEGES: what roles are given on objects made later (by migrations, dashboards, "
        "other tools). Managed only where the spec has this key: then the roles it manages hold by each entry exactly "
        "what it grants, for the applying role and the roles named as for_role.",
    )
    conventions: ConventionsSpec = Field(
        default=ConventionsSpec(),
        description="Conventions set once and switched on per table (tenant_scoped, soft_delete, append_only, "
        "audit): tenancy, soft delete, audit, append-only, partitions, sign-up and monitoring.",
    )
    # Lint settings, as in [tool.schemac.lint] of pyproject.toml; they win over it.
    lint: dict[str, Any] = {}
    leave_alone: list[LeaveAloneEntry] = Field(
        default=[],
        description="Objects of the database that plan, apply and check --db leave alone: never created, altered or "
        "dropped, and named once in the plan. Each is its kind and name, as messages name it: 'function "
        "private.legacy_fn(integer)', 'table public.audit_*' (* for any characters), 'policy \"Users can read\" on "
        "public.notes'. `schemac import` lists here what it could not write. `schemac build` ignores it.",
    )
    tests: dict[str, SpecTest] = Field(
        default={},
        description="Tests `schemac test` runs after its generated checks: each acts as a role with JWT claims, "
        "runs SQL and expects a row count, rows, or an error.",
    )

    @field_validator("schemas", mode="before")
    @classmethod
    def _schema_list(cls, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(name, str) for name in value):
            return {name: {} for name in value}
        if isinstance(value, dict):
            return {k: ({} if v is None else v) for k, v in value.items()}
        return value


PartitionSpec.model_rebuild()
PartitionBound.model_rebuild()
SchemaSpec.model_rebuild()
