"""A table: its columns, keys, checks and exclusion constraints, partitioning, indexes, policies,
triggers, grants and replica identity."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ... import versions
from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from ...sqltree import parse_type
from .. import models as m
from ..names import default_name, not_null_name, suggest
from .constraints import checks, deferrable, exclusions
from .coverage import unique_key_problem
from .fragments import collation_name, expression, ignores, storage_parameters
from .grants import SEQUENCE_PRIVILEGES, TABLE_PRIVILEGES, grants_of
from .indexes import table_indexes
from .inheritance import inherited_columns
from .typed import typed_columns
from .partitioning import partitioning
from .policies import policy_of
from .scope import Scope
from .triggers import trigger_of
from .types import enum_default, type_of


@dataclass(frozen=True)
class ResolvedTable:
    """A table and what it brings into the catalog beside it."""

    table: cat.Table
    partitions: list[cat.Partition]
    indexes: list[cat.Index]
    policies: list[cat.Policy]
    triggers: list[cat.Trigger]


def primary_key_columns(table: m.TableSpec) -> tuple[str, ...]:
    if table.pk:
        return tuple(table.pk.columns)
    return tuple(name for name, column in table.columns.items() if column.primary_key)


def column_of(
    scope: Scope, qname: QualifiedName, table: m.TableSpec, name: str, spec: m.ColumnSpec, path: Path
) -> cat.Column | None:
    scope.ident(name, path)
    type_ = type_of(scope, spec.type, path + ("type",))
    for key, where in (
        ("default", "a DEFAULT expression"),
        ("generated", "a generated column"),
        ("check", "a check constraint"),
        ("using", "a USING expression"),
    ):
        text = getattr(spec, key)
        if text is not None:
            node = expression(scope, text, path + (key,), where, columns=key != "default")
            if key == "default" and node is not None and type_ is not None:
                enum_default(scope, type_, node, path + (key,))
    if spec.collation is not None:
        collation_name(scope, spec.collation, path + ("collation",))  # a name, or an error
    if spec.identity and (spec.default is not None or spec.generated is not None):
        scope.error(path + ("identity",), "an identity column cannot also have a default or a generated expression")
    if spec.default is not None and spec.generated is not None:
        scope.error(path + ("generated",), "a generated column cannot also have a default")
    if spec.virtual:
        if spec.generated is None:
            scope.error(path + ("virtual",), "'virtual' applies to a generated column: give 'generated' too")
        scope.needs_version(versions.VIRTUAL_GENERATED, "virtual generated columns", path + ("virtual",))
    if spec.identity and type_ and parse_type(type_).base not in ("int2", "int4", "int8"):
        scope.error(path + ("identity",), "identity columns must be smallint, integer or bigint")
    options = identity_options(scope, spec, spec.sequence, type_, path) if spec.sequence else cat.IdentityOptions()
    if spec.sequence_grants and not spec.identity:
        scope.error(
            path + ("sequence_grants",),
            "'sequence_grants' are privileges on an identity column's sequence: give 'identity' too "
            "(a sequence of its own goes under 'sequences:' with its grants)",
        )
    sequence_grants = grants_of(scope, spec.sequence_grants, (), SEQUENCE_PRIVILEGES, path, key="sequence_grants")
    if spec.primary_key and table.primary_key:
        scope.error(
            path + ("primary_key",), "the table also has a table-level 'primary_key'; declare the key in one place"
        )
    if spec.references is None and (spec.on_delete or spec.on_update):
        scope.error(
            path + ("on_delete" if spec.on_delete else "on_update",),
            "'on_delete' and 'on_update' need 'references'",
        )
    not_null = spec.not_null or spec.primary_key or name in (table.pk.columns if table.pk else ())
    if spec.not_null_name is not None:
        scope.needs_version(versions.NAMED_NOT_NULL, "a named NOT NULL constraint", path + ("not_null_name",))
        scope.ident(spec.not_null_name, path + ("not_null_name",), key=False)
        if not not_null:
            scope.error(
                path + ("not_null_name",), "'not_null_name' names the column's NOT NULL constraint: add not_null: true"
            )
    if type_ is None:
        return None
    return cat.Column(
        name,
        type_,
        not_null,
        spec.default,
        spec.identity,
        spec.generated,
        spec.collation,
        spec.comment,
        spec.renamed_from,
        spec.using,
        virtual=spec.virtual,
        identity_options=options,
        sequence_grants=sequence_grants,
        # As a database reads it back: None where it is PostgreSQL's own.
        not_null_name=None if spec.not_null_name == not_null_name(qname, name) else spec.not_null_name,
    )


_INTEGER_TYPES = {"int2": "smallint", "int4": "integer", "int8": "bigint"}


def identity_options(
    scope: Scope, spec: m.ColumnSpec, seq: m.IdentitySequenceSpec, type_: str | None, path: Path
) -> cat.IdentityOptions:
    """``sequence:``, checked as PostgreSQL checks it when the identity is made."""
    where = path + ("sequence",)
    if not spec.identity:
        scope.error(where, "'sequence' sets an identity column's sequence options: give 'identity' too")
        return cat.IdentityOptions()
    name = _INTEGER_TYPES.get(parse_type(type_).base) if type_ else None
    if name is None:
        return cat.IdentityOptions()  # the type is refused above
    if seq.increment == 0:
        scope.error(where + ("increment",), "increment must not be zero")
        return cat.IdentityOptions()
    low, high = cat.INTEGER_BOUNDS[name]
    for key in ("start", "min_value", "max_value"):
        value = getattr(seq, key)
        if value is not None and not low <= value <= high:
            scope.error(where + (key,), f"{value} is out of range for {name} ({low} to {high})")
            return cat.IdentityOptions()
    options = cat.IdentityOptions.of(name, seq.start, seq.increment, seq.min_value, seq.max_value, seq.cache, seq.cycle)
    first, (least, most) = options.first(name), cat.IdentityOptions.defaults(name, seq.increment)
    least = least if options.min_value is None else options.min_value
    most = most if options.max_value is None else options.max_value
    if least >= most:
        scope.error(where, f"min_value ({least}) must be less than max_value ({most})")
    elif not least <= first <= most:
        scope.error(where + ("start",), f"start ({first}) must be between min_value ({least}) and max_value ({most})")
    return options


def table_of(
    scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec, parents: list[cat.Table] = ()
) -> ResolvedTable:
    """``parents``: the tables it inherits from, resolved."""
    columns = tuple(
        c
        for name, spec in table.columns.items()
        if (c := column_of(scope, qname, table, name, spec, path + ("columns", name))) is not None
    )
    if parents:
        # `default: null` on a column a parent has too: none, where the parent's has one.
        no_default = {n for n, c in table.columns.items() if isinstance(c, m.ColumnSpec) and _null_default(c)}
        columns = inherited_columns(scope, path, parents, columns, no_default)
    if qname in scope.typed:
        columns = typed_columns(scope, path, scope.typed[qname], columns)
    names = set(scope.table_columns(qname))
    pk = primary_key(scope, qname, path, table, names)
    uniques = unique_keys(scope, qname, path, table, names)
    table_checks = checks(scope, qname, path, table)
    # A check a parent has too is merged with the parent's, as PostgreSQL does: the table's own as well.
    given = {c.name: (parent, c) for parent in reversed(parents) for c in parent.checks if not c.no_inherit}
    for i, check in enumerate(table_checks):
        if check.name not in given:
            continue
        parent, theirs = given[check.name]
        if (check.expression, check.no_inherit) != (theirs.expression, False):
            scope.error(
                path + ("checks", check.name),
                f"'{parent.qname}' has check '{check.name}' as {theirs.expression}, which this table inherits: "
                "one it declares too is merged with it, and must have its expression",
            )
        table_checks[i] = replace(check, inherited=True)
    table_exclusions = exclusions(scope, qname, path, table, names)
    partition_key, partitions = None, []
    if table.partition:
        partition_key, partitions = partitioning(scope, qname, path + ("partition",), table, columns)
        keys_per_partition(scope, path, table, uniques)
    indexes = table_indexes(scope, qname, path, table, names)
    rls = table.rls
    if rls is not None and rls.force and not rls.enable:
        scope.error(
            path + ("rls",), "'force' needs 'enable: true'; forcing row level security that is off does nothing"
        )
    policies = table_policies(scope, qname, path, table)
    triggers = [
        built
        for name, trigger in table.triggers.items()
        if (built := trigger_of(scope, qname, name, trigger, path + ("triggers", name), names))
    ]
    grants = grants_of(scope, table.grants, table.revokes, TABLE_PRIVILEGES, path, set(scope.table_columns(qname)))
    identity, replica_index = replica_identity(scope, qname, table, pk, uniques, indexes, path)
    if table.unlogged and table.partition:
        scope.error(
            path + ("unlogged",),
            "a partitioned table cannot be unlogged: it holds no rows of its own; leave 'unlogged' out",
        )
    if table.storage_parameters and table.partition:
        scope.error(
            path + ("storage_parameters",),
            "a partitioned table takes no storage parameters: it holds no rows of its own; leave "
            "'storage_parameters' out",
        )
    built = cat.Table(
        qname,
        columns,
        pk,
        tuple(uniques),
        tuple(table_checks),
        tuple(table_exclusions),
        partition_key,
        bool(rls and rls.enable),
        bool(rls and rls.force),
        grants,
        table.comment,
        table.renamed_from,
        ignores(scope, table.ignore, path),
        identity,
        replica_index,
        table.unlogged,
        storage_parameters(table.storage_parameters),
        tuple(p.qname for p in parents),
        scope.typed[qname].qname if qname in scope.typed else None,
    )
    return ResolvedTable(built, partitions, indexes, policies, triggers)


def primary_key(scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec, names) -> cat.PrimaryKey | None:
    pk_columns = primary_key_columns(table)
    if not pk_columns:
        return None
    long_form = isinstance(table.primary_key, m.PrimaryKeySpec)
    if table.pk:
        scope.distinct(
            table.pk.columns, path + (("primary_key", "columns") if long_form else ("primary_key",)), "column"
        )
    for i, column in enumerate(table.pk.columns if table.pk else ()):
        if column not in names:
            where = ("primary_key", "columns", i) if long_form else ("primary_key", i)
            scope.error(path + where, f"unknown column '{column}'{suggest(column, names)}")
    return cat.PrimaryKey(
        constraint_name(scope, qname, (), "pkey", path),
        pk_columns,
        **deferrable(table.pk.deferrable if table.pk else False),
        storage_parameters=storage_parameters(table.pk.storage_parameters if table.pk else {}),
        comment=table.pk.comment if table.pk else None,
    )


def unique_keys(scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec, names) -> list[cat.Unique]:
    """The unique constraints: a column's ``unique: true``, then the table's ``unique``."""
    uniques = []
    for name, column in table.columns.items():
        if column.unique:
            uniques.append(cat.Unique(constraint_name(scope, qname, (name,), "key", path + ("columns", name)), (name,)))
    for i, unique in enumerate(table.unique):
        upath = path + ("unique", i)
        # `[a, b]` or `{columns: [a, b]}`: point at the column as written.
        cpath = upath + ("columns",) if upath + ("columns",) in scope.positions.keys else upath
        scope.distinct(unique.columns, cpath, "column")
        for j, column in enumerate(unique.columns):
            if column not in names:
                scope.error(cpath + (j,), f"unknown column '{column}'{suggest(column, names)}")
        if unique.nulls_not_distinct:
            scope.needs_version(versions.NULLS_NOT_DISTINCT, "NULLS NOT DISTINCT", upath)
        name = unique.name or default_name(qname, unique.columns, "key")
        uniques.append(
            cat.Unique(
                constraint_name(scope, qname, unique.columns, "key", upath, name),
                tuple(unique.columns),
                unique.nulls_not_distinct,
                **deferrable(unique.deferrable),
                storage_parameters=storage_parameters(unique.storage_parameters),
                comment=unique.comment,
            )
        )
    return uniques


def keys_per_partition(scope: Scope, path: Path, table: m.TableSpec, uniques: list[cat.Unique]) -> None:
    """The primary key and unique constraints of a partitioned table, as PostgreSQL can enforce them."""
    pk_columns = primary_key_columns(table)
    pk_path = path + (("primary_key",) if table.pk else ("columns", pk_columns[0] if pk_columns else "", "primary_key"))
    for kind, cols, cpath in [("primary key", pk_columns, pk_path)] + [
        ("unique constraint", u.columns, path + ("unique",)) for u in uniques
    ]:
        if cols and (problem := unique_key_problem(table.partition, table, kind, cols)):
            scope.error(cpath, problem)


def table_policies(scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec) -> list[cat.Policy]:
    """The policies the table writes (with ``policies: auto`` the conventions write them)."""
    written = table.policies if isinstance(table.policies, dict) else {}
    policies = [
        built
        for name, policy in written.items()
        if (built := policy_of(scope, qname, name, policy, path + ("policies", name)))
    ]
    rls = table.rls
    if written and not table.tenant_scoped and (rls is None or not rls.enable):
        scope.error(
            path + ("policies",), "the table has policies but row level security is off; add 'rls: true'", key=True
        )
    return policies


def replica_identity(
    scope: Scope, qname, table: m.TableSpec, pk, uniques, indexes, path: Path
) -> tuple[str, str | None]:
    """``replica_identity``: default, full, nothing, or ``index NAME`` of a unique index or key of the table."""
    text = " ".join((table.replica_identity or "default").split())
    if text in ("default", "full", "nothing"):
        return text, None
    word, _, name = text.partition(" ")
    keys = [k.name for k in (pk, *uniques) if k is not None and not k.deferrable]
    keys += [i.name for i in indexes if i.table == qname and i.unique and not i.where]
    if word != "index" or not name:
        scope.error(
            path + ("replica_identity",),
            f"'{text}' is not a replica identity; expected default, full, nothing or 'index NAME'",
        )
    elif name not in keys:
        scope.error(
            path + ("replica_identity",),
            f"'{name}' is not a unique, non-partial, non-deferrable index of table '{qname}'{suggest(name, keys)}",
        )
    else:
        return "index", name
    return "default", None


def constraint_name(
    scope: Scope, table: QualifiedName, columns, suffix: str, path: Path, name: str | None = None
) -> str:
    """Names of index-backed constraints live in the schema's relation namespace."""
    name = name or default_name(table, columns, suffix)
    if scope.ident(name, path, key=True):
        scope.qualified(table.schema, name, path, declare=True)
    return name


def _null_default(column: m.ColumnSpec) -> bool:
    return "default" in column.model_fields_set and column.default is None
