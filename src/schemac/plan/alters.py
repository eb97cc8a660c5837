"""Changes made in place (ALTER ...): one function per change type, chosen by ``ALTERS``.

Each returns (ordering statement, step) pairs: the statement places the step in
the dependency order of the plan, the step is what runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..catalog import objects as cat
from ..catalog import kinds
from ..catalog.graph import Stage, Statement, column_key, dropped_column_key, persistence_key
from ..catalog.kinds import of as kind_of
from ..catalog.objects import QualifiedName
from ..diff import changes as ch
from ..render.constraints import constraint_body, timing
from ..render.quoting import ident, qualified
from ..render.sql import (
    attribute_definition,
    change_sql,
    column_definition,
    identity_clause,
    identity_options_sql,
    identity_sequence,
    not_valid_check_sql,
    publication_options,
    published_tables,
    requires_sql,
    requires_type,
)
from ..spec.names import default_name, not_null_name
from .hazards import rule, sends_more
from .steps import Phase, PlanError, Step

Pair = tuple[Statement, Step]


def _step(
    change: ch.Change,
    sql: str,
    stage: Stage,
    requires=(),
    hazards=frozenset(),
    phase=Phase.TRANSACTION,
    note: str | None = None,
    provides: str | None = None,
) -> Pair:
    statement = Statement(stage, sql, provides, requires=frozenset(requires))
    return (statement, Step(sql, change, frozenset(hazards), phase, note=note))


def _add_column(c: ch.AddColumn, existing: set[QualifiedName]) -> list[Pair]:
    requires = (
        {kinds.RELATIONS.key(c.table.qname)}
        | requires_type(c.column.type)
        | requires_sql(c.column.default, c.column.generated)
        | {dropped_column_key(parent, c.column.name) for parent in c.after_dropped_from}
    )
    out = [
        _step(
            c,
            change_sql("add_column", c.table.qname, column_definition(c.column)),
            Stage.TABLES,
            requires,
            rule("add a generated column", bool(c.column.generated) and not c.column.virtual),
            provides=column_key(c.table.qname, c.column.name),
        )
    ]
    if c.column.comment is not None:
        target = f"{ident(c.table.qname)}.{ident(c.column.name)}"
        out.append(
            _step(
                c,
                change_sql("comment", "COLUMN", target, c.column.comment),
                Stage.GRANTS,
                {column_key(c.table.qname, c.column.name)},
                note=f"comment on column {c.table.qname}.{c.column.name}",
            )
        )
    return out


def _drop_column(c: ch.DropColumn, existing: set[QualifiedName]) -> list[Pair]:
    q = c.table.qname
    sql = change_sql("drop_column", q, c.column.name)
    hazards = rule("drop a column", not c.remade)
    return [_step(c, sql, Stage.TABLES, hazards=hazards, provides=dropped_column_key(q, c.column.name))]


def _set_inheritance(c: ch.SetInheritance, existing: set[QualifiedName]) -> list[Pair]:
    # After the columns it needs are added (a parent's columns must be the table's first), and the parent's
    # checks, validated in the transaction: INHERIT refuses a NOT VALID one.
    requires = {kinds.RELATIONS.key(c.table), kinds.RELATIONS.key(c.parent)}
    checks = [
        _step(
            c,
            change_sql("add_constraint", c.table, check.name, constraint_body(check)),
            Stage.PARTITIONS,
            requires,
            rule("check a table's rows for a parent's check"),
            note=f"add check {check.name} of {c.parent} on {c.table}, as it joins",
        )
        for check in c.checks
    ]
    return checks + [
        _step(
            c,
            change_sql("inherit", c.table, c.parent, c.inherit),
            Stage.PARTITIONS,
            requires,
            rule("inherit from a table") if c.inherit else rule("stop inheriting from a table"),
        )
    ]


def _set_typed_table(c: ch.SetTypedTable, existing: set[QualifiedName]) -> list[Pair]:
    # OF after the table's columns are the type's (added, dropped, retyped); NOT OF before they change.
    if c.of_type is None:
        sql = change_sql("typed_table", c.table, None)
        return [_step(c, sql, Stage.TABLES, {kinds.RELATIONS.key(c.table)}, rule("make a table no longer typed"))]
    requires = {kinds.RELATIONS.key(c.table), kinds.TYPES.key(c.of_type)}
    sql = change_sql("typed_table", c.table, c.of_type)
    return [_step(c, sql, Stage.PARTITIONS, requires, rule("make a table typed"))]


# Built-in types by family: PostgreSQL casts within a family, and between families only
# where _CASTS says (text reads and writes every type, so it is in none). Names are
# PostgreSQL's own (format_type), each alias mapped to one.
_ALIASES = {
    "int2": "smallint",
    "int4": "integer",
    "int": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "decimal": "numeric",
    "bool": "boolean",
    "timestamptz": "timestamp with time zone",
    "timestamp without time zone": "timestamp",
    "timetz": "time with time zone",
    "time without time zone": "time",
}
_FAMILIES = {
    "number": {"smallint", "integer", "bigint", "numeric", "real", "double precision"},
    "time": {"date", "timestamp", "timestamp with time zone", "time", "time with time zone"},
    "boolean": {"boolean"},
    "uuid": {"uuid"},
    "json": {"json", "jsonb"},
    "bytea": {"bytea"},
}
_CASTS = {
    ("integer", "boolean"),
    ("boolean", "integer"),
    *(("jsonb", t) for t in (*_FAMILIES["number"], "boolean")),
    *((t, "bytea") for t in ("smallint", "integer", "bigint")),  # PostgreSQL 18
    *(("bytea", t) for t in ("smallint", "integer", "bigint")),
}


def _base(type_: str) -> str:
    """A type's canonical name without its modifiers: numeric(10,2) -> numeric, int4 -> integer."""
    base = re.sub(r"\s*\(.*?\)", "", type_.lower()).strip()
    return _ALIASES.get(base, base)


def _family(type_: str) -> str | None:
    return next((name for name, members in _FAMILIES.items() if _base(type_) in members), None)


def _no_cast(before: str, after: str) -> bool:
    """Whether PostgreSQL surely has no cast from one built-in type to the other."""
    old, new = _family(before), _family(after)
    return old is not None and new is not None and old != new and (_base(before), _base(after)) not in _CASTS


def _sequence_of(default: str | None) -> str | None:
    """The sequence a serial column's default draws from (``nextval('public.t_id_seq'::regclass)``), as SQL
    names it; None for any other default."""
    found = re.fullmatch(r"nextval\('((?:[^']|'')+)'::regclass\)", default or "")
    return found.group(1).replace("''", "'") if found else None


def narrowing(before: tuple[int, int], after: tuple[int, int]) -> str | None:
    """How a sequence's bounds (MINVALUE, MAXVALUE) change for the value it is at: None when every value
    within ``before`` lies within ``after``, 'apart' when none does, else 'narrower'. PostgreSQL refuses an
    ALTER that leaves the current value outside the bounds ("RESTART value (-200) cannot be less than
    MINVALUE (-100)"), whether the sequence has given a value yet or not."""
    (low, high), (new_low, new_high) = before, after
    if new_low <= low and high <= new_high:
        return None
    return "apart" if new_high < low or high < new_low else "narrower"


def exhausts(before: tuple[int, int], after: tuple[int, int], increment: int) -> bool:
    """Whether narrower bounds come nearer on the side the sequence counts towards: a sequence already past
    the new bound there has no value left (moved below the other bound, it only skips values)."""
    return after[1] < before[1] if increment > 0 else after[0] > before[0]


def within_bounds_sql(sequence: QualifiedName, bounds: tuple[int, int]) -> str:
    """The statement that moves a sequence's current value to the nearer of ``bounds`` when it lies outside
    them, so that an ALTER to those bounds can run; it runs under the old bounds, which hold that value."""
    return change_sql("sequence_within", sequence, *bounds)


def _identity_options_steps(c: ch.AlterColumn, alter: Callable[[str], Pair]) -> list[Pair]:
    """An identity's sequence options changed in place: what it numbered stays, the next value follows
    the new options. Counting the other way, or within bounds apart from the old ones, its last value lies
    outside the new bounds: it starts again, then goes on past the rows. Within narrower bounds, a last
    value outside them is moved to the nearer bound first (with a hazard where the bound it counts towards
    comes nearer: past it, the sequence has no value left)."""
    after, before = c.after.identity_options, c.before.identity_options
    action = " ".join(f"SET {option}" for option in identity_options_sql(c.after, after, before))
    type_ = c.after.type
    change = narrowing(before.bounds(c.before.type), after.bounds(type_))
    table, col = c.table, c.after.name
    if (after.increment > 0) != (before.increment > 0) or change == "apart":
        sql = change_sql("identity_past_rows", table, col, None, after.increment < 0)
        note = f"continue the identity of {table}.{col} past its rows"
        return [alter(f"{action} RESTART"), _step(c, sql, Stage.TABLES, {kinds.RELATIONS.key(table)}, note=note)]
    if change is None:
        return [alter(action)]
    statement, step = alter(action)
    sequence = c.before.sequence or identity_sequence(table, col)
    old, new = before.bounds(c.before.type), after.bounds(type_)
    sql = f"{within_bounds_sql(sequence, new)}\n{step.sql}"
    hazards = rule("narrow a sequence's bounds", exhausts(old, new, after.increment))
    return [_step(c, sql, Stage.TABLES, statement.requires, hazards)]


def _alter_column(c: ch.AlterColumn, existing: set[QualifiedName]) -> list[Pair]:
    out = []
    table, col = c.table, c.after.name
    if c.type_changed and c.using is None and _no_cast(c.before.type, c.after.type):
        raise PlanError(
            f"column {table}.{col}: PostgreSQL has no cast from {c.before.type} to {c.after.type}, so "
            f"its rows cannot be converted as they are; give the column a 'using:' expression that "
            f"computes the new value from the old (using: to_timestamp({col})), or drop it and add it "
            f"again under another name (its values are lost)"
        )
    requires = {kinds.RELATIONS.key(table)}

    def alter(action: str, hazards=frozenset(), phase=Phase.TRANSACTION) -> Pair:
        return _step(c, change_sql("alter_column", table, col, action), Stage.TABLES, requires, hazards, phase)

    # PostgreSQL casts a default to a column's new type only where an implicit cast
    # exists (never to an enum): the old default goes first, the new one after.
    default_reset = c.type_changed and c.before.default is not None
    if default_reset:
        out.append(alter("DROP DEFAULT"))
    if c.type_changed:
        collate = f" COLLATE {qualified(c.after.collation)}" if c.after.collation else ""
        cast = "::text" if c.via_text else ""
        using = c.using or f"{ident(col)}{cast}::{c.after.type}"
        # A generated column's values are computed again in the new type: PostgreSQL takes no USING.
        using = "" if c.before.generated and c.after.generated else f" USING {using}"
        out.append(alter(f"TYPE {c.after.type}{collate}{using}", rule("change a column's type")))
    if c.generated_changed and c.after.generated is None:
        # Before a default is set: the stored values stay, written by clients from now on.
        out.append(alter("DROP EXPRESSION"))
    elif c.generated_changed:
        # Every row's value is computed again, under an ACCESS EXCLUSIVE lock, unless it is virtual.
        action = f"SET EXPRESSION AS ({c.after.generated})"
        needs = requires | requires_sql(c.after.generated)
        hazards = rule("compute a stored generated column again", not c.after.virtual)
        out.append(_step(c, change_sql("alter_column", table, col, action), Stage.TABLES, needs, hazards))
    # ALWAYS <-> BY DEFAULT in place: the identity keeps its sequence, and where it is.
    kind_only = c.identity_changed and c.before.identity is not None and c.after.identity is not None
    always = rule("make a column GENERATED ALWAYS", c.identity_changed and c.after.identity == "always")
    if kind_only:
        out.append(alter(f"SET GENERATED {c.after.identity.upper()}", always))
    if c.identity_options_changed and c.before.identity and c.after.identity:
        out += _identity_options_steps(c, alter)
    # Where the column was set aside from (order._set_aside), its old sequence is read under that name.
    old_sequence = QualifiedName(c.table.schema, c.sequence_aside[1]) if c.sequence_aside else None
    # A column has a default or an identity, never both: the old one goes first.
    if c.identity_changed and c.before.identity and not kind_only:
        serial = _sequence_of(c.after.default)
        if serial:
            # The serial's sequence goes on past the rows the identity numbered, before it is dropped.
            identity = old_sequence or c.before.sequence or identity_sequence(table, col)
            sql = change_sql("serial_past_rows", table, col, serial, identity)
            needs = requires | requires_sql(c.after.default)
            out.append(_step(c, sql, Stage.TABLES, needs, note=f"continue {serial} past the rows of {table}.{col}"))
        out.append(alter("DROP IDENTITY"))
    if (c.default_changed or default_reset) and c.after.default is not None:
        out.append(alter(f"SET DEFAULT {c.after.default}"))
    elif c.default_changed and not default_reset:
        out.append(alter("DROP DEFAULT"))
    # PostgreSQL adds an identity only to a column already NOT NULL: set in the
    # transaction, since the identity cannot wait for a check validated after it.
    identity_needs_not_null = c.identity_changed and bool(c.after.identity) and not c.before.not_null
    if identity_needs_not_null:
        out.append(alter("SET NOT NULL"))
    if c.identity_changed and c.after.identity and not kind_only:
        out.append(alter(f"ADD GENERATED {c.after.identity.upper()} AS IDENTITY{identity_clause(c.after)}", always))
        # The new sequence starts at 1: it goes on past the rows (and the serial sequence it replaces),
        # or the next insert collides with a row it numbered before.
        serial = ident(old_sequence) if old_sequence else _sequence_of(c.before.default)
        sql = change_sql("identity_past_rows", table, col, serial, c.after.identity_options.increment < 0)
        out.append(_step(c, sql, Stage.TABLES, requires, note=f"continue the identity of {table}.{col} past its rows"))
    if c.null_changed and not c.after.not_null:
        out.append(alter("DROP NOT NULL"))
    elif c.null_changed and not identity_needs_not_null:
        out += _set_not_null(c, table, col, requires)
    if c.not_null_renamed:
        old, new = (
            (c.before.not_null_name if c.before.not_null else None) or not_null_name(table, col),
            c.after.not_null_name or not_null_name(table, col),
        )
        # After SET NOT NULL, where this plan sets it.
        phase = Phase.AFTER if c.null_changed and not identity_needs_not_null else Phase.TRANSACTION
        out.append(_step(c, change_sql("rename_constraint", table, old, new), Stage.TABLES, requires, phase=phase))
    if c.comment_changed:
        out.append(
            _step(c, change_sql("comment", "COLUMN", f"{ident(table)}.{ident(col)}", c.after.comment), Stage.GRANTS)
        )
    return out


def _set_not_null(c: ch.Change, table: QualifiedName, col: str, requires: set[str]) -> list[Pair]:
    """SET NOT NULL alone scans the table under an exclusive lock. A check added NOT VALID and
    validated (which lets writes go on) proves it first, and PostgreSQL then sets NOT NULL without
    scanning. Not "<table>_<col>_not_null": PostgreSQL 18 names NOT NULL constraints so."""
    check = default_name(table, [col], "set_not_null")
    body = f"CHECK ({ident(col)} IS NOT NULL)"
    return [
        _step(c, change_sql("add_constraint", table, check, body, not_valid=True), Stage.TABLES, requires),
        _step(c, change_sql("validate_constraint", table, check), Stage.TABLES, requires, phase=Phase.AFTER),
        _step(c, change_sql("alter_column", table, col, "SET NOT NULL"), Stage.TABLES, requires, phase=Phase.AFTER),
        _step(c, change_sql("drop_constraint", table, check), Stage.TABLES, requires, phase=Phase.AFTER),
    ]


def _alter_partition_columns(c: ch.AlterPartitionColumns, existing: set[QualifiedName]) -> list[Pair]:
    """A partition's own defaults and NOT NULLs, set as ALTER COLUMN sets a table's. PostgreSQL renames
    a NOT NULL constraint the partition inherits only while it is detached: the partition is detached,
    renamed and attached again in one step (ATTACH checks its rows against its bound, under a lock
    that also blocks its table, which DETACH took)."""
    partition = c.partition
    table = partition.qname
    requires = {kinds.RELATIONS.key(table), kinds.RELATIONS.key(partition.parent)}
    out = []
    for before, after in c.columns:
        col = after.name

        def alter(action: str, phase=Phase.TRANSACTION) -> Pair:
            return _step(c, change_sql("alter_column", table, col, action), Stage.TABLES, requires, phase=phase)

        if before.default != after.default:
            out.append(alter(f"SET DEFAULT {after.default}" if after.default is not None else "DROP DEFAULT"))
        if before.not_null and not after.not_null:
            out.append(alter("DROP NOT NULL"))
        elif after.not_null and not before.not_null:
            out += _set_not_null(c, table, col, requires)
        elif after.not_null and before.not_null_name != after.not_null_name and col not in c.inherited:
            out.append(
                _step(
                    c,
                    change_sql("rename_constraint", table, before.not_null_name, after.not_null_name),
                    Stage.TABLES,
                    requires,
                )
            )
    if c.renamed_inherited:
        sql = "\n".join(
            [
                change_sql("detach_partition", partition.parent, table),
                *(
                    change_sql("rename_constraint", table, b.not_null_name, a.not_null_name)
                    for b, a in c.renamed_inherited
                ),
                change_sql("attach_partition", partition.parent, table, partition.bound),
            ]
        )
        names = ", ".join(a.not_null_name for _, a in c.renamed_inherited)
        out.append(
            _step(
                c,
                sql,
                Stage.TABLES,
                requires,
                hazards=rule("detach a partition and attach it again"),
                note=f"rename NOT NULL constraints of partition {table} to {names}, detached from {partition.parent}",
            )
        )
    return out


def _add_constraint(c: ch.AddConstraint, existing: set[QualifiedName]) -> list[Pair]:
    """The constraint, then its comment (in the transaction: the constraint exists once added, valid or not)."""
    added = _added_constraint(c, existing)
    if c.constraint.comment is None:
        return added
    target = kinds.constraint_sql_name(c.table, c.constraint.name)
    sql = change_sql("comment", "CONSTRAINT", target, c.constraint.comment)
    return [
        *added,
        _step(c, sql, Stage.TABLES, {kinds.RELATIONS.key(c.table)}, note=f"set comment on constraint {target}"),
    ]


def _added_constraint(c: ch.AddConstraint, existing: set[QualifiedName]) -> list[Pair]:
    con = c.constraint
    body = constraint_body(con)
    requires = {kinds.RELATIONS.key(c.table)}
    if isinstance(con, cat.Check) and not con.enforced:
        # NOT ENFORCED: no row is checked, now or later (its body says so).
        return [_step(c, change_sql("add_constraint", c.table, con.name, body), Stage.TABLES, requires)]
    if isinstance(con, cat.Check) and not con.valid:
        # The goal lets existing rows break it: added NOT VALID, and never validated.
        return [_step(c, not_valid_check_sql(c.table, con), Stage.TABLES, requires)]
    if isinstance(con, cat.Check) and c.table in existing:
        # Added NOT VALID (a brief lock), then validated without blocking writes.
        return [
            _step(c, not_valid_check_sql(c.table, con), Stage.TABLES, requires, note=f"{c.describe()} (not valid)"),
            _step(
                c,
                change_sql("validate_constraint", c.table, con.name),
                Stage.TABLES,
                requires,
                phase=Phase.AFTER,
                note=f"validate check {con.name} on {c.table}",
            ),
        ]
    return [
        _step(
            c,
            change_sql("add_constraint", c.table, con.name, body),
            Stage.TABLES,
            requires,
            rule("add a key or exclusion to a table with rows", c.table in existing),
        )
    ]


def _drop_constraint(c: ch.DropConstraint, existing: set[QualifiedName]) -> list[Pair]:
    return [
        _step(
            c,
            change_sql("drop_constraint", c.table, c.constraint.name),
            Stage.TABLES,
            hazards=rule("drop a key, check or exclusion for good", not c.added_again),
        )
    ]


def _validate_constraint(c: ch.ValidateConstraint, existing: set[QualifiedName]) -> list[Pair]:
    # Scans the table, but under a lock that lets reads and writes go on.
    stage = Stage.FOREIGN_KEYS if isinstance(c.constraint, cat.ForeignKey) else Stage.TABLES
    return [
        _step(
            c,
            change_sql("validate_constraint", c.table, c.constraint.name),
            stage,
            {kinds.RELATIONS.key(c.table)},
            phase=Phase.AFTER,
        )
    ]


def _alter_constraint(c: ch.AlterConstraint, existing: set[QualifiedName]) -> list[Pair]:
    state = [timing(c.after).strip() or "NOT DEFERRABLE"] if c.timing_changed else []
    hazards = frozenset()
    if c.before.enforced and not c.after.enforced:
        state.append("NOT ENFORCED")  # checks nothing: a brief lock
        hazards = rule(
            "stop enforcing a foreign key that has actions",
            bool({c.before.on_delete, c.before.on_update} & {"cascade", "set null", "set default"}),
        )
    return [
        _step(
            c,
            change_sql("alter_constraint", c.after.table, c.after.name, " ".join(state)),
            Stage.FOREIGN_KEYS,
            {kinds.RELATIONS.key(c.after.table)},
            hazards,
        )
    ]


def _set_row_security(c: ch.SetRowSecurity, existing: set[QualifiedName]) -> list[Pair]:
    out = []
    requires = {kinds.RELATIONS.key(c.table)}
    if c.enabled != c.was_enabled:
        out.append(
            _step(
                c,
                change_sql("row_security", c.table, "ENABLE" if c.enabled else "DISABLE"),
                Stage.SECURITY,
                requires,
                rule("disable row level security", not c.enabled),
            )
        )
    if c.forced != c.was_forced:
        out.append(
            _step(
                c,
                change_sql("row_security", c.table, "FORCE" if c.forced else "NO FORCE"),
                Stage.SECURITY,
                requires,
                rule("stop forcing row level security", not c.forced),
            )
        )
    return out


def _alter_policy(c: ch.AlterPolicy, existing: set[QualifiedName]) -> list[Pair]:
    return [
        _step(
            c,
            change_sql("alter_policy", c.after),
            Stage.SECURITY,
            hazards=rule("alter a permissive policy", c.after.permissive),
        )
    ]


def _alter_domain(c: ch.AlterDomain, existing: set[QualifiedName]) -> list[Pair]:
    out = []
    q, before, after = c.after.qname, c.before, c.after

    def alter(action: str, hazards=frozenset(), phase=Phase.TRANSACTION) -> Pair:
        return _step(c, change_sql("alter_domain", q, action), Stage.TYPES, (), hazards, phase)

    if before.default != after.default:
        out.append(alter(f"SET DEFAULT {after.default}" if after.default is not None else "DROP DEFAULT"))
    if before.not_null != after.not_null:
        out.append(
            alter("SET NOT NULL" if after.not_null else "DROP NOT NULL", rule("set a domain NOT NULL", after.not_null))
        )
    old_checks, new_checks = dict(before.checks), dict(after.checks)
    for name in sorted(set(old_checks) | set(new_checks)):
        if old_checks.get(name) == new_checks.get(name):
            continue
        if name in old_checks:
            out.append(alter(f"DROP CONSTRAINT {ident(name)}"))
        if name in new_checks:
            out.append(alter(f"ADD CONSTRAINT {ident(name)} CHECK ({new_checks[name]}) NOT VALID"))
            out.append(alter(f"VALIDATE CONSTRAINT {ident(name)}", phase=Phase.AFTER))
    return out


def _set_replica_identity(c: ch.SetReplicaIdentity, existing: set[QualifiedName]) -> list[Pair]:
    (was, _), (identity, index) = c.before, c.after
    requires = {kinds.RELATIONS.key(c.table)} | (
        {kinds.RELATIONS.key(QualifiedName(c.table.schema, index))} if index else set()
    )
    # After the transaction when an index identifies rows: the plan may build it concurrently.
    return [
        _step(
            c,
            change_sql("replica_identity", c.table, identity, index),
            Stage.INDEXES,
            requires,
            rule("send less of the old row to subscribers", was == "full" or identity == "nothing"),
            Phase.AFTER if index else Phase.TRANSACTION,
        )
    ]


def _enable_trigger(c: ch.EnableTrigger, existing: set[QualifiedName]) -> list[Pair]:
    t = c.trigger
    return [
        _step(
            c,
            change_sql("enable_trigger", t.table, t.name, t.enabled),
            Stage.TRIGGERS,
            {kinds.RELATIONS.key(t.table)},
            rule("stop a trigger firing", c.before in ("origin", "always") and t.enabled in ("disabled", "replica")),
        )
    ]


def _set_logged(c: ch.SetLogged, existing: set[QualifiedName]) -> list[Pair]:
    return [
        _step(
            c,
            change_sql("set_logged", c.table, c.unlogged),
            Stage.TABLES,
            {kinds.RELATIONS.key(c.table), *(persistence_key(q) for q in c.follows)},
            rule("make a table logged or unlogged"),
            provides=persistence_key(c.table),
        )
    ]


def _set_storage_parameters(c: ch.SetStorageParameters, existing: set[QualifiedName]) -> list[Pair]:
    kind = kind_of(c.obj)
    after = dict(c.obj.storage_parameters)
    changed = tuple((name, value) for name, value in c.obj.storage_parameters if dict(c.before).get(name) != value)
    reset = tuple(name for name, _ in c.before if name not in after)
    stage = {"TABLE": Stage.TABLES, "INDEX": Stage.INDEXES}.get(kind.keyword, Stage.VIEWS)
    target = kind.provides(c.obj)
    return [
        _step(
            c,
            change_sql("set_storage_parameters", kind.keyword, kind.sql_name(c.obj), changed, reset),
            stage,
            {target} if target else (),
        )
    ]


def _alter_publication(c: ch.AlterPublication, existing: set[QualifiedName]) -> list[Pair]:
    name = c.after.name
    out = []
    if c.refiltered:
        # Another column list or row filter of a table it keeps: the whole list is set again, in one statement.
        b, a = c.before, c.after
        return [
            _step(
                c,
                change_sql("alter_publication", name, "SET TABLE " + published_tables(a)),
                Stage.PUBLICATIONS,
                {kinds.RELATIONS.key(t) for t in c.added},
                rule("publish a table", bool(c.added))
                | rule("stop publishing a table", bool(c.removed))
                | rule("publish more of a table", any(sends_more(b.filter_of(t), a.filter_of(t)) for t in c.refiltered))
                | rule(
                    "publish less of a table", any(sends_more(a.filter_of(t), b.filter_of(t)) for t in c.refiltered)
                ),
                note=f"set the tables of publication {name}, and the columns and rows it sends of each",
            ),
            *([_publication_options_step(c)] if c.options_changed else []),
        ]
    if c.added:
        out.append(
            _step(
                c,
                change_sql("alter_publication", name, "ADD TABLE " + published_tables(c.after, c.added)),
                Stage.PUBLICATIONS,
                {kinds.RELATIONS.key(t) for t in c.added},
                rule("publish a table"),
                note=f"add {', '.join(map(str, c.added))} to publication {name}",
            )
        )
    if c.removed:
        out.append(
            _step(
                c,
                change_sql("alter_publication", name, "DROP TABLE " + ", ".join(map(ident, c.removed))),
                Stage.PUBLICATIONS,
                hazards=rule("stop publishing a table"),
                note=f"drop {', '.join(map(str, c.removed))} from publication {name}",
            )
        )
    if c.options_changed:
        out.append(_publication_options_step(c))
    return out


def _publication_options_step(c: ch.AlterPublication) -> Pair:
    name = c.after.name
    return _step(
        c,
        change_sql("alter_publication", name, f"SET ({publication_options(c.after)})"),
        Stage.PUBLICATIONS,
        hazards=rule("stop publishing an operation", not set(c.before.publish) <= set(c.after.publish)),
        note=f"set the options of publication {name}",
    )


def _alter_distribution(c: ch.AlterDistribution, existing: set[QualifiedName]) -> list[Pair]:
    after = c.after
    target = after.colocate_with
    requires = {kinds.RELATIONS.key(after.table)}
    colocate_with = None
    if c.colocation_changed:
        colocate_with = ident(target) if isinstance(target, QualifiedName) else "none"
        if isinstance(target, QualifiedName):
            requires.add(kinds.DISTRIBUTION.key(target))
    sql = change_sql(
        "alter_distribution",
        after.table,
        after.column if c.column_changed else None,
        after.shard_count if c.shard_count_changed and colocate_with in (None, "none") else None,
        colocate_with,
    )
    hazards = rule("redistribute a table") | rule(
        "move a table to another colocation group", c.colocation_changed and not c.realign
    )
    return [_step(c, sql, Stage.DISTRIBUTION, requires, hazards, provides=kinds.DISTRIBUTION.key(after.table))]


def _add_enum_value(c: ch.AddEnumValue, existing: set[QualifiedName]) -> list[Pair]:
    return [_step(c, change_sql("add_enum_value", c.enum, c.value, c.before), Stage.TYPES, phase=Phase.BEFORE)]


def _rename_table(c: ch.RenameTable, existing: set[QualifiedName]) -> list[Pair]:
    # One step: the names PostgreSQL made from the table's name go with it.
    sql = "\n\n".join(
        [change_sql("rename_table", c.old, c.new)]
        + [
            change_sql("rename_constraint", c.new, not_null_name(c.old, column), not_null_name(c.new, column))
            for column in c.not_null_columns
        ]
    )
    return [_step(c, sql, Stage.SCHEMAS, hazards=rule("rename a table"))]


def _rename_constraint(c: ch.RenameConstraint, existing: set[QualifiedName]) -> list[Pair]:
    return [
        _step(c, change_sql("rename_constraint", c.table, c.old, c.new), Stage.TABLES, {kinds.RELATIONS.key(c.table)})
    ]


def _rename_index(c: ch.RenameIndex, existing: set[QualifiedName]) -> list[Pair]:
    return [_step(c, change_sql("rename_index", QualifiedName(c.schema, c.old), c.new), Stage.INDEXES)]


def _rename_column(c: ch.RenameColumn, existing: set[QualifiedName]) -> list[Pair]:
    sql = change_sql("rename_column", c.table, c.old, c.new)
    if c.not_null:  # its NOT NULL constraint's name, made from the column's, goes with it
        sql += "\n\n" + change_sql(
            "rename_constraint", c.table, not_null_name(c.table, c.old), not_null_name(c.table, c.new)
        )
    return [_step(c, sql, Stage.SCHEMAS, hazards=rule("rename a column"))]


def _change_grants(c: ch.ChangeGrants, existing: set[QualifiedName]) -> list[Pair]:
    kind = kind_of(c.obj)
    return [
        _step(
            c,
            change_sql(
                "grants",
                kind.grant_keyword,
                kind.granted_as(c.obj),
                c.role,
                [p for p in c.grant if not p.endswith("*")],
                [p[:-1] for p in c.grant if p.endswith("*")],
                [p[:-1] for p in c.revoke if p.endswith("*")],
                [p for p in c.revoke if not p.endswith("*")],
                c.column,
            ),
            Stage.GRANTS,
            hazards=rule("grant a privilege", bool(c.grant)) | rule("revoke a privilege", bool(c.revoke)),
        )
    ]


def _change_default_privileges(c: ch.ChangeDefaultPrivileges, existing: set[QualifiedName]) -> list[Pair]:
    sql = change_sql(
        "default_privileges",
        c.entry,
        c.role,
        [p for p in c.grant if not p.endswith("*")],
        [p[:-1] for p in c.grant if p.endswith("*")],
        [p[:-1] for p in c.revoke if p.endswith("*")],
        [p for p in c.revoke if not p.endswith("*")],
    )
    requires = {kinds.SCHEMA.key(c.entry.schema)} if c.entry.schema else set()
    return [_step(c, sql, Stage.DEFAULT_PRIVILEGES, requires, rule("grant a default privilege", bool(c.grant)))]


def _alter_composite_type(c: ch.AlterCompositeType, existing: set[QualifiedName]) -> list[Pair]:
    """Attributes dropped, then retyped, then added at the end, one ALTER TYPE each."""
    q = c.after.qname
    old = {a.name: a for a in c.before.attributes}
    new = {a.name: a for a in c.after.attributes}

    # CASCADE: the columns of the tables of the type change with it (PostgreSQL refuses otherwise).
    cascade = " CASCADE" if c.typed_tables else ""
    tables = f" and of {', '.join(map(str, c.typed_tables))}" if c.typed_tables else ""

    def alter(action: str, note: str, requires=(), hazards=frozenset()) -> Pair:
        sql = change_sql("alter_type", q, action + cascade)
        return _step(c, sql, Stage.TYPES, requires, hazards, note=f"{note} of composite type {q}{tables}")

    typed = bool(c.typed_tables)
    out = [
        alter(
            f"DROP ATTRIBUTE {ident(name)}",
            f"drop attribute {name}",
            (),
            rule("drop an attribute of a composite type") | rule("drop a typed table's column", typed),
        )
        for name in old
        if name not in new
    ]
    for name, now in old.items():
        goal = new.get(name)
        if goal is not None and goal != now:
            collation = f" COLLATE {qualified(goal.collation)}" if goal.collation else ""
            action = f"ALTER ATTRIBUTE {ident(name)} SET DATA TYPE {goal.type}{collation}"
            hazards = rule("retype a typed table's column", typed)
            out.append(alter(action, f"change the type of attribute {name}", requires_type(goal.type), hazards))
    out += [
        alter(f"ADD ATTRIBUTE {attribute_definition(a)}", f"add attribute {a.name}", requires_type(a.type))
        for a in c.after.attributes
        if a.name not in old
    ]
    return out


def _set_comment(c: ch.SetComment, existing: set[QualifiedName]) -> list[Pair]:
    kind = kind_of(c.obj)
    return [_step(c, change_sql("comment", kind.keyword, kind.sql_name(c.obj), c.text), Stage.GRANTS)]


def _set_column_comment(c: ch.SetColumnComment, existing: set[QualifiedName]) -> list[Pair]:
    return [_step(c, change_sql("comment", "COLUMN", f"{ident(c.relation)}.{ident(c.column)}", c.text), Stage.GRANTS)]


def _set_constraint_comment(c: ch.SetConstraintComment, existing: set[QualifiedName]) -> list[Pair]:
    sql = change_sql("comment", "CONSTRAINT", kinds.constraint_sql_name(c.on, c.name, c.domain), c.text)
    return [_step(c, sql, Stage.GRANTS)]


ALTERS: dict[type[ch.Change], Callable[..., list[Pair]]] = {
    ch.AddColumn: _add_column,
    ch.DropColumn: _drop_column,
    ch.AlterColumn: _alter_column,
    ch.AlterPartitionColumns: _alter_partition_columns,
    ch.AddConstraint: _add_constraint,
    ch.DropConstraint: _drop_constraint,
    ch.ValidateConstraint: _validate_constraint,
    ch.AlterConstraint: _alter_constraint,
    ch.SetRowSecurity: _set_row_security,
    ch.AlterPolicy: _alter_policy,
    ch.AlterDomain: _alter_domain,
    ch.AlterCompositeType: _alter_composite_type,
    ch.AlterPublication: _alter_publication,
    ch.SetReplicaIdentity: _set_replica_identity,
    ch.AlterDistribution: _alter_distribution,
    ch.SetLogged: _set_logged,
    ch.SetInheritance: _set_inheritance,
    ch.SetTypedTable: _set_typed_table,
    ch.SetStorageParameters: _set_storage_parameters,
    ch.EnableTrigger: _enable_trigger,
    ch.AddEnumValue: _add_enum_value,
    ch.RenameTable: _rename_table,
    ch.RenameConstraint: _rename_constraint,
    ch.RenameIndex: _rename_index,
    ch.RenameColumn: _rename_column,
    ch.ChangeGrants: _change_grants,
    ch.ChangeDefaultPrivileges: _change_default_privileges,
    ch.SetComment: _set_comment,
    ch.SetConstraintComment: _set_constraint_comment,
    ch.SetColumnComment: _set_column_comment,
}


def alter_steps(change: ch.Change, existing: set[QualifiedName]) -> list[Pair]:
    """(ordering statement, step) pairs for a change that alters an object in place; ``existing``
    holds the relations the database has (and keeps) before the plan runs."""
    return ALTERS[type(change)](change, existing)
