"""Two catalogs in, typed changes out: what must change for ``current`` to become ``desired``.

Objects are matched by the identity of their kind (``catalog.kinds``: a
qualified name; a name within a table; a function's name and argument
types). Renames are never guessed: they come from ``renamed_from`` in the
spec, passed in as ``Renames``. The result is in
no particular order; ``plan`` orders it by dependencies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

from .. import versions
from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.objects import QualifiedName, acl, column_acl
from ..catalog.partitions import children, descendants
from ..spec.names import postgres_name
from ..render.quoting import ident
from ..spec.platform import platform_for
from ..sqltree import references, rename_column, without_hidden_names
from . import changes as ch
from . import citus
from .constraints import domain_check_comments, foreign_key_changes, rename_in_constraints, table_constraint_changes
from .inheritance import heirs, inheritance_changes, kept_as_they_are, left_by_parents, merged_checks
from .partitions import partition_column_changes

# Fields that record how a spec was written, not what the database holds.
_SPEC_ONLY = {"ignore": (), "renamed_from": None, "exposed": False}


def comparable(obj: Any) -> Any:
    """``obj`` without its spec-only fields, so the two sides compare on substance."""
    updates = {k: v for k, v in _SPEC_ONLY.items() if getattr(obj, k, v) != v}
    if isinstance(obj, cat.Table) and any(c.renamed_from for c in obj.columns):
        updates["columns"] = tuple(replace(c, renamed_from=None) for c in obj.columns)
    if getattr(obj, "storage_parameters", ()) != tuple(sorted(getattr(obj, "storage_parameters", ()))):
        updates["storage_parameters"] = tuple(sorted(obj.storage_parameters))
    if isinstance(obj, cat.View) and (query := without_hidden_names(obj.query)) != obj.query:
        updates["query"] = query
    # Introspected objects carry no spec-only fields: most need no copy at all.
    return replace(obj, **updates) if updates else obj


def _parameters_differ(before: Any, after: Any) -> bool:
    """Whether two versions of a table, index or materialized view hold other storage parameters."""
    return sorted(before.storage_parameters) != sorted(after.storage_parameters)


def differs(before: Any, after: Any) -> bool:
    """Whether two versions of an object differ in substance. Equal objects (most of
    them) are not copied into their comparable forms."""
    return before != after and comparable(before) != comparable(after)


@dataclass(frozen=True)
class Renames:
    """From the spec's ``renamed_from``: new name -> old name; and its columns' ``using``:
    (table, column) -> how a type change converts the rows. Hints for a migration, which
    a database read back from the spec does not keep."""

    tables: dict[QualifiedName, QualifiedName] = field(default_factory=dict)
    columns: dict[tuple[QualifiedName, str], str] = field(default_factory=dict)
    using: dict[tuple[QualifiedName, str], str] = field(default_factory=dict)

    @classmethod
    def from_catalog(cls, catalog: cat.Catalog) -> Renames:
        tables, columns, using = {}, {}, {}
        for table in catalog.tables:
            if table.renamed_from:
                tables[table.qname] = QualifiedName(table.qname.schema, table.renamed_from)
            for column in table.columns:
                if column.renamed_from:
                    columns[(table.qname, column.name)] = column.renamed_from
                if column.using:
                    using[(table.qname, column.name)] = column.using
        return cls(tables, columns, using)


# -- renames ----------------------------------------------------------------------


def _rename_qname(value: Any, old: QualifiedName, new: QualifiedName) -> Any:
    if value == old:
        return new
    if isinstance(value, tuple) and len(value) == 2 and value[0] == old:  # Sequence.owned_by
        return (new, value[1])
    return value


def _rename_everywhere(catalog: cat.Catalog, old: QualifiedName, new: QualifiedName) -> cat.Catalog:
    """``catalog`` as it is after ``ALTER TABLE old RENAME TO new``."""

    def fix(obj: Any) -> Any:
        updates = {
            f.name: _rename_qname(getattr(obj, f.name), old, new)
            for f in fields(obj)
            if f.name in ("qname", "table", "ref_table", "parent", "owned_by", "colocate_with")
        }
        if isinstance(obj, cat.Table) and old in obj.inherits:  # a renamed parent stays the parent
            updates["inherits"] = tuple(new if p == old else p for p in obj.inherits)
        return replace(obj, **{k: v for k, v in updates.items() if v != getattr(obj, k)})

    # A publication keeps a renamed table, and what it sends of it.
    publications = tuple(
        replace(
            p,
            tables=tuple(sorted((new if t == old else t for t in p.tables), key=str)),
            filters=tuple(sorted((replace(f, table=new) if f.table == old else f for f in p.filters), key=_by_table)),
        )
        if old in p.tables
        else p
        for p in catalog.publications
    )
    return replace(
        catalog,
        publications=publications,
        **{
            name: tuple(fix(o) for o in getattr(catalog, name))
            for name in (
                "tables",
                "partitions",
                "foreign_keys",
                "indexes",
                "policies",
                "triggers",
                "sequences",
                "distributions",  # Citus keeps a renamed table's shards and colocation group
            )
        },
    )


def _by_table(sent: cat.TableFilter) -> str:
    return str(sent.table)


def _rename_key(key: cat.PartitionKey | None, old: str, new: str) -> cat.PartitionKey | None:
    if key is None:
        return None
    return replace(
        key,
        parts=tuple(
            replace(p, column=new)
            if p.column == old
            else replace(p, expression=rename_column(p.expression, old, new))
            if p.expression is not None
            else p
            for p in key.parts
        ),
    )


def _rename_column(
    catalog: cat.Catalog, table: QualifiedName, old: str, new: str, below: dict[QualifiedName, list[cat.Partition]]
) -> cat.Catalog:
    """``catalog`` as it is after the column is renamed; ``below`` is its partition tree (``children``)."""

    def cols(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if n == old else n for n in names)

    def constraints(r: cat.Table | cat.Partition) -> dict[str, Any]:  # its keys and checks, renamed
        return {
            "primary_key": replace(r.primary_key, columns=cols(r.primary_key.columns)) if r.primary_key else None,
            "uniques": tuple(replace(u, columns=cols(u.columns)) for u in r.uniques),
            "checks": rename_in_constraints(r.checks, old, new),
            "exclusions": rename_in_constraints(r.exclusions, old, new),
        }

    # The table and its partitions: what they declare on the column follows it.
    tree = {table} | {p.qname for p in descendants(below, table)}
    tables = []
    for t in catalog.tables:
        if t.qname == table:
            t = replace(
                t,
                columns=tuple(replace(c, name=new) if c.name == old else c for c in t.columns),
                partition_key=_rename_key(t.partition_key, old, new),
                **constraints(t),
            )
        tables.append(t)

    def renamed(fk: cat.ForeignKey) -> cat.ForeignKey:
        if fk.table in tree:
            fk = replace(fk, columns=cols(fk.columns), on_delete_columns=cols(fk.on_delete_columns))
        if fk.ref_table == table:  # a key of the table that references it too
            fk = replace(fk, ref_columns=cols(fk.ref_columns))
        return fk

    fks = tuple(map(renamed, catalog.foreign_keys))
    indexes = tuple(
        replace(
            i,
            keys=tuple(
                replace(k, column=new)
                if k.column == old
                else replace(k, expression=rename_column(k.expression, old, new))
                if k.expression
                else k
                for k in i.keys
            ),
            include=cols(i.include),
            where=i.where and rename_column(i.where, old, new),
        )
        if i.table in tree
        else i
        for i in catalog.indexes
    )
    # Sub-partitions are partitioned by columns of the table too, and partitions hold its columns'
    # settings, and keys and checks of their own.
    partitions = tuple(
        replace(
            p,
            partition_key=_rename_key(p.partition_key, old, new),
            own_columns=tuple(replace(c, name=new) if c.name == old else c for c in p.own_columns),
            **constraints(p),
        )
        if p.qname in tree
        else p
        for p in catalog.partitions
    )
    # A publication's column list and row filter name columns by number: they follow the rename.
    publications = tuple(
        replace(
            p,
            filters=tuple(
                replace(f, columns=cols(f.columns), where=f.where and rename_column(f.where, old, new))
                if f.table == table
                else f
                for f in p.filters
            ),
        )
        for p in catalog.publications
    )
    # Citus keeps a distribution column by number, as PostgreSQL does the column.
    distributions = tuple(
        replace(d, column=new) if d.table == table and d.column == old else d for d in catalog.distributions
    )
    return replace(
        catalog,
        tables=tuple(tables),
        foreign_keys=fks,
        indexes=indexes,
        partitions=partitions,
        publications=publications,
        distributions=distributions,
    )


def apply_renames(current: cat.Catalog, desired: cat.Catalog, renames: Renames) -> tuple[cat.Catalog, list[ch.Change]]:
    """Renames that apply (the old name exists, the new does not), and ``current`` as it is after them."""
    out: list[ch.Change] = []
    have = {t.qname: t for t in current.tables}

    def named_by_default(table: QualifiedName, column: cat.Column) -> bool:
        """Whether the column's NOT NULL constraint has PostgreSQL 18's own name, which a rename follows
        (Citus renames no constraint of its tables: there it keeps the name it has)."""
        named = current.target_version >= versions.NAMED_NOT_NULL and column.not_null and column.not_null_name is None
        return named and table not in citus.placed(current)

    for new, old in sorted(renames.tables.items()):
        if old in have and new not in have:
            defaults = tuple(c.name for c in have[old].columns if named_by_default(old, c))
            out.append(ch.RenameTable(old, new, defaults))
            current = _rename_everywhere(current, old, new)
    tables = {t.qname: t for t in current.tables}
    below = children(current.partitions) if renames.columns else {}
    for (table, new), old in sorted(renames.columns.items()):
        existing = tables.get(table)
        if existing and existing.column(old) and not existing.column(new):
            out.append(ch.RenameColumn(table, old, new, named_by_default(table, existing.column(old))))
            current = _rename_column(current, table, old, new, below)
    return current, out


# -- access ------------------------------------------------------------------------


def _grant_changes(
    obj: Any, before: tuple[cat.Grant, ...], after: tuple[cat.Grant, ...], scope: cat.PrivilegeScope | None
) -> list[ch.Change]:
    """Grants and revokes on ``obj`` (the desired side's object) and its columns from ``before`` to
    ``after``: of the roles ``scope`` manages when the desired side is a spec (others are left as they
    are), else of all."""
    if before == after or (scope is not None and not scope.manages(obj)):
        return []
    old = {(role, None): held for role, held in acl(before).items()} | column_acl(before)
    new = {(role, None): held for role, held in acl(after).items()} | column_acl(after)
    out: list[ch.Change] = []
    for role, column in sorted(set(old) | set(new), key=lambda k: (k[0], k[1] or "")):
        if scope is not None and role not in scope.roles:
            continue
        add, remove = _privilege_steps(old.get((role, column), set()), new.get((role, column), set()))
        if add or remove:
            out.append(ch.ChangeGrants(obj, role, add, remove, column))
    return out


def _privilege_steps(before: set[str], after: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(to grant, to revoke) for one role: ``p`` plainly, ``p*`` with (grant) or only the (revoke) grant option."""

    def state(held: set[str], privilege: str) -> int:  # 0 none, 1 held, 2 held with grant option
        return 2 if f"{privilege}*" in held else 1 if privilege in held else 0

    add, remove = [], []
    for privilege in sorted({p.rstrip("*") for p in before | after}):
        b, a = state(before, privilege), state(after, privilege)
        if a == 2 and b != 2:
            add.append(f"{privilege}*")
        elif a == 1 and b == 0:
            add.append(privilege)
        elif a == 1 and b == 2:
            remove.append(f"{privilege}*")
        elif a == 0 and b != 0:
            remove.append(privilege)
    return tuple(add), tuple(remove)


def _creator(current: cat.Catalog, for_role: str | None) -> str | None:
    """An entry's creator as a plan to ``current`` sees it: None for the role it was read as, which applies it."""
    return None if for_role == current.read_as else for_role


def _default_privilege_changes(current: cat.Catalog, desired: cat.Catalog) -> list[ch.Change]:
    """Each role's default privileges, entry by entry, where the desired side manages them (a spec's
    allow-list: its creators', for its roles; a database's: all). An entry a side lacks holds what
    PostgreSQL holds without it (``cat.default_acl``), so dropping one is revoking and granting back
    the built-in defaults, never a statement of its own. Those of a schema the plan drops go with it."""
    scope = desired.privileges
    if scope is not None and scope.creators is None:
        return []

    def keyed(catalog: cat.Catalog) -> dict[tuple, cat.DefaultPrivileges]:
        return {(_creator(current, e.for_role), e.schema, e.on): e for e in catalog.default_privileges}

    old, new = keyed(current), keyed(desired)
    dropped_schemas = {s.name for s in current.schemas} - {s.name for s in desired.schemas}
    out: list[ch.Change] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0] or "", k[1] or "", k[2])):
        for_role, schema, on = key
        if (scope is not None and not scope.manages_defaults_of(for_role)) or schema in dropped_schemas:
            continue
        before, after = cat.default_acl(old.get(key), on, schema), cat.default_acl(new.get(key), on, schema)
        entry = cat.DefaultPrivileges(on, for_role, schema)
        for role in sorted(before.keys() | after.keys()):
            if scope is not None and role not in scope.roles:
                continue
            add, remove = _privilege_steps(before.get(role, set()), after.get(role, set()))
            if add or remove:
                out.append(ch.ChangeDefaultPrivileges(entry, role, add, remove))
    return out


_DEFAULT_OWN = "the spec has no objects of a default partition's own (it names only `default: true`)"
_PARTITION_TRIGGER = "the spec puts triggers on tables (a row trigger on the table reaches its partitions)"


def partitions_own_left_alone(current: cat.Catalog, desired: cat.Catalog | None = None) -> cat.Catalog:
    """``current`` with what a DEFAULT partition holds of its own (not through its table: indexes, foreign
    keys, keys and checks) named as not managed: a spec cannot write them (it spells own objects under
    the partitions it lists by name), so a plan to a spec would drop them as strays; and so the triggers
    made on a partition that the spec ``desired`` does not make there (its conventions make some: the
    append-only guard's TRUNCATE trigger). A trigger of the table reaches each partition as a clone,
    which is not read. A plan to another database or an SQL file compares them like any others."""
    partitions = {p.qname for p in current.partitions}
    defaults = {p.qname for p in current.partitions if p.bound is None}
    held = {kinds.TRIGGER.identity(t) for t in desired.triggers} if desired is not None else None
    own = {slot: [o for o in getattr(current, slot) if o.table in defaults] for slot in ("indexes", "foreign_keys")}
    own["triggers"] = [
        t
        for t in current.triggers
        if t.table in partitions and held is not None and kinds.TRIGGER.identity(t) not in held
    ]
    keyed = [p for p in current.partitions if p.qname in defaults and p.constraints]
    if not any(own.values()) and not keyed:
        return current
    named = tuple(
        cat.Unmanaged(
            f"partition {kinds.of(obj).noun}",
            kinds.of(obj).name(obj),
            _PARTITION_TRIGGER if slot == "triggers" else _DEFAULT_OWN,
        )
        for slot, objects in own.items()
        for obj in objects
    ) + tuple(
        cat.Unmanaged("partition constraint", f"{ident(con.name)} on {p.qname}", _DEFAULT_OWN)
        for p in keyed
        for con in p.constraints
    )
    kept = {slot: tuple(o for o in getattr(current, slot) if o not in objects) for slot, objects in own.items()}
    cleared = dict(primary_key=None, uniques=(), checks=(), exclusions=())
    partitions_kept = tuple(replace(p, **cleared) if p in keyed else p for p in current.partitions)
    return replace(current, **kept, partitions=partitions_kept, unmanaged=current.unmanaged + named)


def left_alone(current: cat.Catalog, desired: cat.Catalog) -> tuple[str, ...]:
    """What a plan to a spec does not touch in ``current``, said once: what schemac does not manage
    (``unmanaged``), the privileges that roles the spec does not name hold on the objects it manages
    (by role, how many objects), and what of a child's columns it keeps as PostgreSQL has them."""
    notes = (
        listed_note(tuple(o for o in current.unmanaged if o.listed is not None)),
        unmanaged_note(tuple(o for o in current.unmanaged if o.listed is None)),
        unmanaged_note(goal_unmanaged(current, desired), "the goal", "which this plan does not make"),
        _unnamed_roles_note(current, desired),
        kept_as_they_are(current, desired),
    )
    defaults = _default_privileges_left_alone(current, desired.privileges) if desired.privileges else []
    return (*filter(None, notes), *defaults)


# How many objects schemac does not manage a plan's note names before it counts the rest.
NAMED_IN_NOTE = 3


def unmanaged_note(
    objects: tuple[cat.Unmanaged, ...], holder: str = "the database", done: str = "left as they are"
) -> str | None:
    """One line for what a database holds that schemac does not manage: how many, and the first few."""
    if not objects:
        return None
    return (
        f"{holder} holds {_counted(objects)} schemac does not manage, {done}: {_first_few(objects)} "
        "(`schemac check --db` and `--format json` list each with the reason)"
    )


def listed_note(objects: tuple[cat.Unmanaged, ...]) -> str | None:
    """One line for what a plan leaves alone because the spec's leave_alone names it."""
    if not objects:
        return None
    return (
        f"the spec leaves {_counted(objects)} of the database alone (leave_alone), untouched: {_first_few(objects)} "
        "(`schemac check --db` lists each with its entry)"
    )


def _counted(objects: tuple) -> str:
    return f"{len(objects)} object{'s' * (len(objects) != 1)}"


def _first_few(objects: tuple[cat.Unmanaged, ...]) -> str:
    """'table public.a, function public.f(integer), ... and 4 more'."""
    named = ", ".join(f"{o.kind} {o.name}" for o in objects[:NAMED_IN_NOTE])
    return named + (f" and {len(objects) - NAMED_IN_NOTE} more" if len(objects) > NAMED_IN_NOTE else "")


def goal_unmanaged(current: cat.Catalog, desired: cat.Catalog) -> tuple[cat.Unmanaged, ...]:
    """What a goal that is not a spec (another database, an SQL file) holds that schemac does not manage,
    less what ``current`` holds of it too (named once, as the start's): a plan does not make it."""
    if desired.privileges is not None:
        return ()
    held = {(o.kind, o.name) for o in current.unmanaged}
    return tuple(o for o in desired.unmanaged if (o.kind, o.name) not in held)


def _unnamed_roles_note(current: cat.Catalog, desired: cat.Catalog) -> str | None:
    scope = desired.privileges
    if scope is None:
        return None
    objects: dict[str, int] = {}
    for kind in kinds.GRANTED:
        for _, b, a in _matched(kind, current, desired):
            if b is not None and a is not None and scope.manages(a):
                for role in set(acl(b.grants)) | {r for r, _ in column_acl(b.grants)}:
                    if role not in scope.roles:
                        objects[role] = objects.get(role, 0) + 1
    if not objects:
        return None
    held = ", ".join(f"{role} (on {n} object{'s' if n > 1 else ''})" for role, n in sorted(objects.items()))
    return f"privileges of roles the spec does not name are left as they are: {held}"


def _default_privileges_left_alone(current: cat.Catalog, scope: cat.PrivilegeScope) -> list[str]:
    """Where a spec manages default privileges: the entries of other creators, and the roles it does not
    name that entries of its creators give privileges to (by creator or role, how many entries)."""
    if scope.creators is None:
        return []
    entries: dict[str, int] = {}
    for entry in current.default_privileges:
        for_role = _creator(current, entry.for_role)
        if not scope.manages_defaults_of(for_role):
            entries[f"for role {for_role}"] = entries.get(f"for role {for_role}", 0) + 1
        else:
            for role in set(acl(entry.grants)) - set(scope.roles):
                entries[f"to {role}"] = entries.get(f"to {role}", 0) + 1
    if not entries:
        return []
    held = ", ".join(f"{whose} ({n} entr{'ies' if n > 1 else 'y'})" for whose, n in sorted(entries.items()))
    return [f"default privileges the spec does not manage are left as they are: {held}"]


# -- the comparison -----------------------------------------------------------------


def _by(items: Iterable[Any], key) -> dict[Any, Any]:
    return {key(i): i for i in items}


def _matched(kind: kinds.Kind, current: cat.Catalog, desired: cat.Catalog):
    """``_pair`` over the objects of ``kind`` on the two sides, matched by identity."""
    return _pair(_by(getattr(current, kind.slot), kind.identity), _by(getattr(desired, kind.slot), kind.identity))


def _pair(before: dict, after: dict):
    """(key, before or None, after or None) for every key, in a stable order."""
    for key in sorted(set(before) | set(after), key=str):
        yield key, before.get(key), after.get(key)


def _enum_additions(before: cat.Enum, after: cat.Enum) -> list[ch.Change] | None:
    """ADD VALUE steps when ``after`` only adds values, keeping the existing order; else None."""
    if [v for v in after.values if v in before.values] != list(before.values):
        return None
    out: list[ch.Change] = []
    for i, value in enumerate(after.values):
        if value not in before.values:
            following = next((v for v in after.values[i + 1 :] if v in before.values), None)
            out.append(ch.AddEnumValue(after.qname, value, following))
    return out


def _replace_enum(
    before: cat.Enum, after: cat.Enum, current: cat.Catalog, desired: cat.Catalog, renames: Renames
) -> ch.Replace:
    """A Replace, or a ReplaceEnum when columns of tables kept use the enum."""
    names = _type_names((before,))
    wanted = {(t.qname, c.name): c for t in desired.tables for c in t.columns}
    kept = {t.qname for t in desired.tables}  # a table dropped is dropped first, its columns with it
    columns = tuple(
        (t.qname, c, wanted.get((t.qname, c.name)), renames.using.get((t.qname, c.name)))
        for t in current.tables
        if t.qname in kept
        for c in t.columns
        if c.type.removesuffix("[]") in names  # the enum, or an array of it
    )
    return ch.ReplaceEnum(before, after, columns=columns) if columns else ch.Replace(before, after)


def _stored_in(
    type_: cat.CompositeType, current: cat.Catalog, desired: cat.Catalog, renames: Renames | None
) -> tuple[tuple[QualifiedName, cat.Column, cat.Column | None, str | None], ...]:
    """The columns of tables kept that hold ``type_``: of the type, an array of it, a domain over it,
    or a composite type that holds it (PostgreSQL then refuses to retype its attributes too)."""
    holders = {type_.qname}
    # Domains and composite types over it, and over those.
    while True:
        more = {d.qname for d in current.domains if d.type.removesuffix("[]") in _type_names_of(holders)} | {
            t.qname
            for t in current.composite_types
            if any(a.type.removesuffix("[]") in _type_names_of(holders) for a in t.attributes)
        }
        if more <= holders:
            break
        holders |= more
    names = _type_names_of(holders)
    wanted = {(t.qname, c.name): c for t in desired.tables for c in t.columns}
    kept = {t.qname for t in desired.tables}
    using = (renames or Renames()).using
    return tuple(
        (t.qname, c, wanted.get((t.qname, c.name)), using.get((t.qname, c.name)))
        for t in current.tables
        if t.qname in kept
        for c in t.columns
        if c.type.removesuffix("[]") in names
    )


def _type_names_of(qnames: set[QualifiedName]) -> set[str]:
    """The spellings a column's type may give these types in: qualified (as written, and quoted as
    format_type prints it), and bare in public."""
    return {s for q in qnames for s in (str(q), ident(q))} | {q.name for q in qnames if q.schema == "public"}


def _type_names(types: tuple[cat.Enum, ...] | tuple[cat.CompositeType, ...]) -> set[str]:
    """The spellings a column's type may give an enum (or composite type) in."""
    return _type_names_of({t.qname for t in types})


def _table_changes(
    before: cat.Table,
    after: cat.Table,
    enum_types: set[str] = frozenset(),
    using: dict[tuple[QualifiedName, str], str] | None = None,
    scope: cat.PrivilegeScope | None = None,
    desired_tables: dict[QualifiedName, cat.Table] | None = None,
    cascaded: dict[str, tuple[QualifiedName, ...]] | None = None,
    set_expression: bool = False,
) -> list[ch.Change]:
    """``before`` as its parents' changes leave it (:func:`.inheritance.left_by_parents`), with the columns they
    take away (``cascaded``); ``desired_tables``: every table of the goal, for the parents it starts inheriting from;
    ``set_expression``: the server changes a generated column's expression in place (PostgreSQL 17)."""
    out: list[ch.Change] = []
    tables = desired_tables or {}
    q = after.qname
    old_cols, new_cols = _by(before.columns, lambda c: c.name), _by(after.columns, lambda c: c.name)
    # New columns are added in the spec's order (PostgreSQL appends them).
    names = [*(c.name for c in before.columns), *(c.name for c in after.columns if c.name not in old_cols)]
    joined = set(after.inherits) - set(before.inherits)
    # A table of a type it stays of: its columns come and go, and change type, with the type's attributes.
    typed = after.of_type is not None and before.of_type == after.of_type
    for name in names:
        b, a = old_cols.get(name), new_cols.get(name)
        if typed and a is None:
            continue
        if typed:  # one its type adds comes bare: the table's default or NOT NULL on it are set after
            b = (
                replace(b, type=a.type, collation=a.collation)
                if b
                else cat.Column(a.name, a.type, collation=a.collation)
            )
        if (
            a is not None
            and not a.local
            and (b is None or not b.local)
            and not any(tables[p].column(name) for p in joined if p in tables)
        ):
            continue  # its parents change it (a parent's ADD COLUMN, ALTER COLUMN); one of its own, it changes
        if b is not None and not b.local and a is None:
            continue  # dropped with its parent's
        if b is not None and a is not None and (b.local, b.inherited_not_null) != (a.local, a.inherited_not_null):
            # PostgreSQL cannot make an inherited column (or NOT NULL) the table's own, nor take that away: a
            # table that starts inheriting merges the columns it has into its parent's. The plan says so
            # (inheritance.kept_as_they_are).
            b = replace(b, local=a.local, inherited_not_null=a.inherited_not_null)
        if b is None:
            out.append(ch.AddColumn(after, replace(a, local=True), (cascaded or {}).get(name, ())))
        elif a is None:
            out.append(ch.DropColumn(before, b))
        elif differs(b, a):
            # A column becomes generated, or changes between stored and virtual, only dropped and added
            # again; its expression changes in place where the server can, and a stored one becomes
            # plain keeping its values (DROP EXPRESSION).
            in_place = (set_expression and b.generated and a.generated and b.virtual == a.virtual) or (
                b.generated and not b.virtual and not a.generated
            )
            if (b.generated, b.virtual) != (a.generated, a.virtual) and not in_place:
                out += [ch.DropColumn(before, b, remade=bool(b.generated and a.generated)), ch.AddColumn(after, a)]
            else:
                out.append(
                    ch.AlterColumn(
                        q,
                        b,
                        a,
                        via_text=b.type != a.type and {b.type, a.type} <= enum_types,
                        using=(using or {}).get((q, name)),
                    )
                )
    out += table_constraint_changes(before, replace(after, checks=after.checks + merged_checks(before, after, tables)))
    out += inheritance_changes(before, after, tables)
    if before.of_type != after.of_type:  # NOT OF the one it leaves, then OF the one it joins
        out += [ch.SetTypedTable(q, None, before.of_type)] if before.of_type else []
        out += [ch.SetTypedTable(q, after.of_type)] if after.of_type else []
    if (before.rls_enabled, before.rls_forced) != (after.rls_enabled, after.rls_forced):
        out.append(ch.SetRowSecurity(q, after.rls_enabled, after.rls_forced, before.rls_enabled, before.rls_forced))
    if before.comment != after.comment:
        out.append(ch.SetComment(after, after.comment))
    replica = (before.replica_identity, before.replica_index), (after.replica_identity, after.replica_index)
    if replica[0] != replica[1]:
        out.append(ch.SetReplicaIdentity(q, *replica))
    if before.unlogged != after.unlogged:
        out.append(ch.SetLogged(q, after.unlogged))
    if _parameters_differ(before, after):
        out.append(ch.SetStorageParameters(after, before.storage_parameters))
    out += _grant_changes(after, before.grants, after.grants, scope)
    for name in names:
        b, a = old_cols.get(name), new_cols.get(name)
        if b is not None and a is not None and b.sequence and a.identity:
            out += _grant_changes(cat.Sequence(b.sequence), b.sequence_grants, a.sequence_grants, scope)
    return out


def _sequence_grants(table: cat.Table) -> list:
    """The privileges on its identity columns' sequences, which the column does not compare."""
    return [(c.name, c.sequence_grants) for c in table.columns if c.sequence_grants]


@lru_cache(maxsize=16384)
def _relations_read(sql_text: str) -> frozenset[QualifiedName]:
    """The relations an SQL text names (unqualified ones in public). Cached: the view
    loop below asks again on every pass, and policies repeat their expressions."""
    return frozenset(QualifiedName(schema or "public", name) for schema, name in references(sql_text).relations)


def _reads(view: cat.View) -> frozenset[QualifiedName]:
    return _relations_read(view.query)


# Identifiers as PostgreSQL prints them: bare, or in double quotes.
_WORD = re.compile(r'[A-Za-z_][A-Za-z0-9_$]*|"((?:[^"]|"")+)"')


@lru_cache(maxsize=16384)
def _words(text: str) -> frozenset[str]:
    # Policies repeat the same expressions across tables.
    return frozenset(
        match.group(1).replace('""', '"') if match.group(1) else match.group(0) for match in _WORD.finditer(text)
    )


def _policy_reads(policy: cat.Policy, among: set[QualifiedName], names: set[str]) -> set[QualifiedName]:
    """The relations of ``among`` (whose names are ``names``) that the policy's expressions
    read. Most policies name none of them: the text is parsed only when one of the names
    appears in it as a word."""
    expressions = [e for e in (policy.using, policy.with_check) if e]
    if all(names.isdisjoint(_words(e)) for e in expressions):
        return set()
    return set(_relations_read("SELECT " + ", ".join(f"({e})" for e in expressions)) & among)


def same_schema(a: cat.Catalog, b: cat.Catalog) -> bool:
    """Whether two catalogs describe the same schema. Column order does not count:
    PostgreSQL cannot reorder columns, and a plan does not rebuild a table for it; nor does
    the order of storage parameters, nor whether a column a table inherits, or its NOT NULL or a check, is its
    own too (a table that starts inheriting keeps its columns as its own: see ch.SetInheritance)."""

    def unordered(obj: Any) -> Any:  # storage parameters, in any order
        return replace(obj, storage_parameters=tuple(sorted(obj.storage_parameters)))

    def canonical(catalog: cat.Catalog) -> cat.Catalog:
        tables = tuple(
            unordered(
                replace(
                    t,
                    columns=tuple(
                        sorted(
                            (replace(c, local=True, inherited_not_null=False) for c in t.columns), key=lambda c: c.name
                        )
                    ),
                    checks=tuple(c for c in t.checks if not c.inherited),
                )
            )
            for t in catalog.tables
        )
        return replace(
            catalog,
            tables=tables,
            indexes=tuple(map(unordered, catalog.indexes)),
            views=tuple(map(unordered, catalog.views)),
            source="",
            privileges=None,
        )

    return canonical(a) == canonical(b)


# The slots compare() matches by code of their own: what one of their objects becomes depends on other
# objects (a table's columns, the views that read them, ...). A kind not named here is compared as
# it is: created, dropped, or changed in place (_object_change; else replaced).
COMPARED_APART = frozenset(
    {
        "schemas",
        "extensions",
        "enums",
        "composite_types",
        "tables",
        "views",
        "policies",
        "publications",
        "distributions",
        "default_privileges",
    }
)


def compare(
    current: cat.Catalog,
    desired: cat.Catalog,
    renames: Renames | None = None,
    keep_partitions_of: frozenset[QualifiedName] = frozenset(),
) -> list[ch.Change]:
    """The changes that turn ``current`` into ``desired``.

    Partitions of the tables in ``keep_partitions_of`` that only ``current``
    has are left alone: something other than the spec makes them (the
    partitions convention's maintenance function, ahead of the clock).
    """
    current, out = apply_renames(current, desired, renames or Renames())
    current = citus.keep_not_null_names(current, desired)
    desired_partitions = {p.qname for p in desired.partitions}
    current = replace(
        current,
        partitions=tuple(
            p for p in current.partitions if p.parent not in keep_partitions_of or p.qname in desired_partitions
        ),
    )

    for name, b, a in _matched(kinds.SCHEMA, current, desired):
        if name == "public" and (b is None or a is None):
            continue  # every database has it; a spec may leave it out
        if b is None:
            out.append(ch.Create(a))
        elif a is None:
            out.append(ch.Drop(b))
        else:
            if b.comment != a.comment:
                out.append(ch.SetComment(a, a.comment))
            out += _grant_changes(a, b.grants, a.grants, desired.privileges)

    for name, b, a in _matched(kinds.EXTENSION, current, desired):
        if b is None:
            out.append(ch.Create(a))
        elif a is None:
            out.append(ch.Drop(b))

    for key, b, a in _matched(kinds.ENUM, current, desired):
        if b is None or a is None:
            out.append(ch.Create(a) if b is None else ch.Drop(b))
        elif (additions := _enum_additions(b, a) if b.values != a.values else []) is None:
            out.append(_replace_enum(b, a, current, desired, renames or Renames()))
        else:
            out += additions
            if b.comment != a.comment:
                out.append(ch.SetComment(a, a.comment))
            out += _grant_changes(a, b.grants, a.grants, desired.privileges)

    for key, b, a in _matched(kinds.COMPOSITE_TYPE, current, desired):
        if b is None or a is None:
            out.append(ch.Create(a) if b is None else ch.Drop(b))
        elif differs(b, a):
            # The tables of the type that stay of it (one that leaves it does so first: NOT OF).
            stays = {t.qname for t in desired.tables if t.of_type == a.qname}
            typed = tuple(t.qname for t in current.tables if t.of_type == b.qname and t.qname in stays)
            out += _composite_type_changes(b, a, desired.privileges, _stored_in(b, current, desired, renames), typed)

    # Every other kind's objects are created, dropped or changed on their own.
    for kind in (kind for slot, kind in kinds.BY_SLOT.items() if slot not in COMPARED_APART):
        created, dropped = [], []
        for _, b, a in _matched(kind, current, desired):
            if b is None:
                created.append(a)
            elif a is None:
                dropped.append(b)
            elif differs(b, a):
                out += _object_change(b, a, desired.privileges)
        # The same index or foreign key under another name (one named after a renamed table or column)
        # is renamed, not built or checked again.
        unnamed: dict[Any, list[Any]] = {}
        for a in created:
            if isinstance(a, (cat.Index, cat.ForeignKey)):
                unnamed.setdefault(comparable(replace(a, name="")), []).append(a)
        renamed: set[int] = set()
        for b in list(dropped):
            twins = unnamed.get(comparable(replace(b, name=""))) if isinstance(b, (cat.Index, cat.ForeignKey)) else None
            if twins:
                twin = twins.pop(0)
                dropped.remove(b)
                renamed.add(id(twin))
                if isinstance(b, cat.Index):
                    out.append(ch.RenameIndex(b.table.schema, b.name, twin.name))
                else:
                    out.append(ch.RenameConstraint(b.table, b.name, twin.name))
        out += [ch.Create(a) for a in created if id(a) not in renamed] + [ch.Drop(b) for b in dropped]

    old_tables, new_tables = _by(current.tables, kinds.TABLE.identity), _by(desired.tables, kinds.TABLE.identity)
    enum_types = _type_names(current.enums) | _type_names(desired.enums)
    for key, b, a in _pair(old_tables, new_tables):
        if b is None:
            out.append(ch.Create(a))
        elif a is None:
            out.append(ch.Drop(b))
        elif b.partition_key != a.partition_key:
            out.append(ch.Repartition(b, a))
        elif b != a or _sequence_grants(b) != _sequence_grants(a):
            cascaded: dict[str, tuple[QualifiedName, ...]] = {}
            if b.inherits:
                named = current.target_version >= versions.NAMED_NOT_NULL
                b, cascaded = left_by_parents(b, a, old_tables, new_tables, named)
            out += _table_changes(
                b,
                a,
                enum_types,
                (renames or Renames()).using,
                desired.privileges,
                new_tables,
                cascaded,
                set_expression=current.target_version >= versions.SET_EXPRESSION,
            )

    # A column dropped from a parent goes from the children that only inherit it: the step says which.
    out = [
        replace(c, heirs=heirs(old_tables, c.table.qname, c.column.name)) if isinstance(c, ch.DropColumn) else c
        for c in out
    ]
    out += partition_column_changes(current, desired, out)
    out = _foreign_keys_over_dropped_keys(current, desired, out)
    out = _persistence_order(current, out)
    out = _sequences_set_aside(out)
    out += _dependents_of_remade_columns(current, desired, out)

    # A view must be dropped and made again when it changes, and so must every
    # view that reads a replaced view or a table whose columns change shape.
    reshaped = {
        c.table if isinstance(c, ch.AlterColumn) else c.table.qname
        for c in out
        if (isinstance(c, ch.AlterColumn) and c.type_changed) or isinstance(c, ch.DropColumn)
    }
    # And the tables whose columns move to an enum or composite type made again.
    reshaped |= {table for c in out if isinstance(c, ch.ReplaceEnum) for table, *_ in c.columns}
    # A table rebuilt for a new partition key is dropped with its partitions, and the
    # views and other tables' policies that read any of them with it.
    rebuilt = {c.after.qname for c in out if isinstance(c, ch.Repartition)}
    if rebuilt:
        below = children(current.partitions)
        rebuilt |= {p.qname for q in list(rebuilt) for p in descendants(below, q)}
    # A table dropped while a view of the same name replaces it (or a view reading it goes on).
    dropped = {c.obj.qname for c in out if isinstance(c, ch.Drop) and isinstance(c.obj, cat.Table)}
    gone = reshaped | rebuilt | dropped
    # Why each relation a dependent reads is dropped: the title of the dependent's steps says it.
    why: dict[QualifiedName, str] = {q: f"table {q} is dropped" for q in dropped}
    why.update({q: f"columns of table {q} change" for q in reshaped})
    why.update(
        {
            c.after.qname: f"{ch.kind_of(c.after)} {c.after.qname} is rebuilt"
            for c in out
            if isinstance(c, ch.Repartition)
        }
    )
    if rebuilt:
        for c in out:
            if isinstance(c, ch.Repartition):
                for p in descendants(below, c.after.qname):
                    why.setdefault(p.qname, f"{ch.kind_of(c.after)} {c.after.qname} is rebuilt")
    old_views, new_views = _by(current.views, kinds.VIEW.identity), _by(desired.views, kinds.VIEW.identity)
    replaced: set[QualifiedName] = set()
    pending = True
    while pending:
        pending = False
        for key, b, a in _pair(old_views, new_views):
            if b is None or a is None or key in replaced:
                continue
            # Privileges, comments and a materialized view's storage parameters change in place.
            if differs(_view_shape(b), _view_shape(a)):
                replaced.add(key)
                why[key] = f"{ch.kind_of(b)} {key} is replaced"
                pending = True
            elif hits := _reads(b) & (gone | replaced):
                replaced.add(key)
                why[key] = why.get(key) or why[min(hits, key=str)]
                pending = True
    for key, b, a in _pair(old_views, new_views):
        if b is None:
            out.append(ch.Create(a))
        elif a is None:
            out.append(ch.Drop(b))
        elif key in replaced:
            out.append(ch.Replace(b, a, because=None if differs(_view_shape(b), _view_shape(a)) else why.get(key)))
        else:
            if _parameters_differ(b, a):
                out.append(ch.SetStorageParameters(a, b.storage_parameters))
            if b.comment != a.comment:
                out.append(ch.SetComment(a, a.comment))
            was, wanted = dict(b.column_comments), dict(a.column_comments)
            out += [
                ch.SetColumnComment(a.qname, column, wanted.get(column))
                for column in sorted(set(was) | set(wanted))
                if was.get(column) != wanted.get(column)
            ]
            out += _grant_changes(a, b.grants, a.grants, desired.privileges)

    out += _publication_changes(current, desired, rebuilt)
    out += _default_privilege_changes(current, desired)

    # A policy that reads a relation dropped or replaced above is dropped with it.
    read = gone | replaced
    read_names = {q.name for q in read}
    for _, b, a in _matched(kinds.POLICY, current, desired):
        if b is None:
            out.append(ch.Create(a))
        elif a is None:
            out.append(ch.Drop(b))
        elif b.table in reshaped:
            out.append(ch.Replace(b, a, because=why[b.table]))  # PostgreSQL refuses to retype a column a policy uses
        elif read and b.table not in rebuilt and (hits := _policy_reads(b, read, read_names)):
            out.append(ch.Replace(b, a, because=why[min(hits, key=str)]))
        elif differs(b, a):
            # ALTER POLICY sets USING and WITH CHECK but cannot take one away.
            removed = (b.using and not a.using) or (b.with_check and not a.with_check)
            if (b.command, b.permissive) != (a.command, a.permissive) or removed:
                out.append(ch.Replace(b, a))
            elif (b.roles, b.using, b.with_check) != (a.roles, a.using, a.with_check):
                out.append(ch.AlterPolicy(b, a))
            if b.comment != a.comment:
                out.append(ch.SetComment(a, a.comment))
    return citus.constraint_renames(current, desired, _distribution_changes(current, desired, gone, out))


def _view_shape(view: cat.View) -> cat.View:
    """A view without what changes in place: its privileges, comments and storage parameters."""
    return replace(view, grants=(), storage_parameters=(), comment=None, column_comments=())


def _publication_changes(current: cat.Catalog, desired: cat.Catalog, rebuilt: set[QualifiedName]) -> list[ch.Change]:
    """Publications: their tables and options change in place (ALTER PUBLICATION); one that
    starts or stops publishing all tables is made again. A table the plan drops (or rebuilds)
    leaves its publications with it: it is not dropped from them on its own, and a rebuilt
    one is added again."""
    relations = [*current.tables, *current.partitions]
    dropped = {r.qname for r in relations} - {r.qname for r in (*desired.tables, *desired.partitions)} | rebuilt
    # The platform's own publications exist before any spec: never created or dropped.
    platform = platform_for(current.flavor).publications | platform_for(desired.flavor).publications
    out: list[ch.Change] = []
    for name, b, a in _matched(kinds.PUBLICATION, current, desired):
        if name in platform and a is None:
            continue
        if name in platform and b is None:
            b = cat.Publication(name)
        if b is None or a is None:
            out.append(ch.Create(a) if b is None else ch.Drop(b))
        elif b.all_tables != a.all_tables:
            out.append(ch.Replace(b, a))
        else:
            kept = replace(
                b,
                tables=tuple(t for t in b.tables if t not in dropped),
                filters=tuple(f for f in b.filters if f.table not in dropped),
            )
            if replace(kept, comment=None) != replace(a, comment=None):
                out.append(ch.AlterPublication(kept, a))
            if b.comment != a.comment:
                out.append(ch.SetComment(a, a.comment))
    return out


def _distribution_changes(
    current: cat.Catalog, desired: cat.Catalog, gone: set[QualifiedName], out: list[ch.Change]
) -> list[ch.Change]:
    """Citus' placement of tables: a table distributed, made a reference table or undistributed
    (a change of kind is an undistribute and a create), or redistributed in place (its column,
    shard count or colocation group). A table dropped or rebuilt takes its placement with it.

    Citus refuses to distribute or undistribute a table that a foreign key joins to a table placed
    otherwise, and alter_distributed_table drops the keys between tables it separates: the foreign
    keys of every table that moves are dropped first and made again after (not valid, then validated).
    It refuses to distribute a table with a policy it cannot create on the shards (one with a subquery,
    as the tenancy convention writes off Citus): the policies of every table that moves are dropped
    first and made again after too. What is made again is made as the goal has it, so what ``out``
    alters of it in place goes. And Citus alters no constraint of its tables in place ("alter table
    command is currently unsupported" for ALTER CONSTRAINT): a foreign key of a Citus table whose
    deferrable state or enforcement changes is made again. Returns ``out`` with these changes.
    """
    new_tables = {c.obj.qname for c in out if isinstance(c, ch.Create) and isinstance(c.obj, cat.Table)}
    changes: list[ch.Change] = []
    moved: set[QualifiedName] = set()
    sharded = {d.table for d in current.distributions if d.kind == "distributed"} & {
        d.table for d in desired.distributions if d.kind == "distributed"
    }
    pairs = [
        (q, b, a)
        for q, b, a in _pair(_anchored(current.distributions, sharded), _anchored(desired.distributions, sharded))
        if q not in gone
    ]
    altered: list[tuple[cat.Distribution, cat.Distribution]] = []
    for q, b, a in pairs:
        if b is None:
            changes.append(ch.Create(a))
        elif a is None:
            changes.append(ch.Drop(b))
        elif b.kind != a.kind:
            changes.append(ch.Replace(b, a))
        elif b != a:
            altered.append((b, a))
        else:
            continue
        if q not in new_tables:
            moved.add(q)
    # A table colocated with one that moves (or changes its shard count) follows it: the group's head is
    # redistributed on its own (cascade_to_colocated => false), the others are colocated with it again.
    for q, b, a in pairs:
        follows = a is not None and isinstance(a.colocate_with, QualifiedName) and a.colocate_with in moved
        if b is not None and a is not None and b.kind == a.kind and (b, a) in altered:
            changes.append(ch.AlterDistribution(b, a, realign=follows))
        elif b == a and follows:
            changes.append(ch.AlterDistribution(b, a, realign=True))
            moved.add(q)
    placed = {d.table for d in (*current.distributions, *desired.distributions)}
    if not moved and not placed:
        return out + changes
    identity = kinds.FOREIGN_KEY.identity
    # Made again by their own change: dropped, or replaced (enforced again: a drop and an add).
    touched = {id(c.before) for c in out if isinstance(c, ch.Replace) and not isinstance(c, ch.EnforceForeignKey)} | {
        id(c.obj) for c in out if isinstance(c, ch.Drop)
    }
    wanted = _by(desired.foreign_keys, identity)
    in_place = {identity(c.after) for c in out if isinstance(c, ch.AlterConstraint)}
    # A key renamed (after its renamed table) is made again under its new name if its table moves.
    renamed = {(c.table, c.old): c for c in out if isinstance(c, ch.RenameConstraint)}
    remade_keys, unrenamed = set(), set()
    for fk in current.foreign_keys:
        rename = renamed.get((fk.table, fk.name))
        after = wanted.get(identity(replace(fk, name=rename.new) if rename else fk))
        table = fk.table if fk.table in moved else fk.ref_table
        if after is None or id(fk) in touched:
            continue
        if table in moved:
            changes.append(ch.Replace(fk, after, because=f"table {table} moves on the Citus cluster"))
            if rename:
                unrenamed.add(id(rename))
        elif fk.table in placed and identity(fk) in in_place:
            changes.append(ch.Replace(fk, after, because="Citus alters no constraint of its tables in place"))
        else:
            continue
        remade_keys.add(identity(fk))
    policies = _by(desired.policies, kinds.POLICY.identity)
    remade = set()
    for policy in current.policies:
        after = policies.get(kinds.POLICY.identity(policy))
        if policy.table in moved and after is not None and id(policy) not in touched:
            changes.append(ch.Replace(policy, after, because=f"table {policy.table} moves on the Citus cluster"))
            remade.add(kinds.POLICY.identity(policy))

    def made_again(c: ch.Change) -> bool:
        if id(c) in unrenamed:
            return True
        if isinstance(c, (ch.AlterConstraint, ch.ValidateConstraint, ch.EnforceForeignKey)):
            fk = getattr(c, "after", None) or c.constraint
            return isinstance(fk, cat.ForeignKey) and identity(fk) in remade_keys
        policy = c.after if isinstance(c, (ch.AlterPolicy, ch.Replace)) else getattr(c, "obj", None)
        return isinstance(policy, cat.Policy) and kinds.POLICY.identity(policy) in remade

    return [c for c in out if not made_again(c)] + changes


def _anchored(distributions: tuple[cat.Distribution, ...], kept: set[QualifiedName]) -> dict:
    """Each placement by its table, a colocation group named by one of its tables: the first of those
    distributed on both sides (``kept``), else its first. Adding a table to a group, or dropping its
    first, then changes nothing of the others; a new table is colocated with one that exists.
    (Introspection names a group by its first table, which a new table may precede.)"""
    by_table = {d.table: d for d in distributions}

    def root(d: cat.Distribution) -> QualifiedName:
        seen = {d.table}
        while isinstance(d.colocate_with, QualifiedName) and d.colocate_with in by_table:
            if d.colocate_with in seen:
                break
            d = by_table[d.colocate_with]
            seen.add(d.table)
        return d.table

    groups: dict[QualifiedName, list[QualifiedName]] = {}
    for d in distributions:
        if d.kind == "distributed":
            groups.setdefault(root(d), []).append(d.table)
    anchor = {t: min([m for m in members if m in kept] or members) for members in groups.values() for t in members}
    # The table that names a group is in a group of its own making ('none'): created so, it joins no
    # other group by Citus' default (same column type and shard count).
    return {
        d.table: replace(d, colocate_with=anchor[d.table] if anchor[d.table] != d.table else "none")
        if d.table in anchor
        else d
        for d in distributions
    }


def _keys_use(keys: Iterable[cat.IndexKey], include: tuple[str, ...], where: str | None, column: str) -> bool:
    texts = [k.expression for k in keys if k.expression] + ([where] if where else [])
    return any(k.column == column for k in keys) or column in include or any(column in _words(t) for t in texts)


def _uses(obj: Any, column: str) -> bool:
    """Whether an index or a table's constraint names ``column`` of its table."""
    if isinstance(obj, cat.Index):
        return _keys_use(obj.keys, obj.include, obj.where, column)
    if isinstance(obj, cat.Exclusion):
        return _keys_use([e.key for e in obj.elements], obj.include, obj.where, column)
    if isinstance(obj, cat.Check):
        return column in _words(obj.expression)
    return column in obj.columns  # a primary key or unique constraint


def _dependents_of_remade_columns(
    current: cat.Catalog, desired: cat.Catalog, changes: list[ch.Change]
) -> list[ch.Change]:
    """What stands on a column dropped and added again (a generated column that changes between stored
    and virtual, or its expression before PostgreSQL 17): its indexes and constraints, and the foreign
    keys from or to it. DROP COLUMN would take them with it (or refuse, for a foreign key to it), so
    they are dropped first and made again, unchanged."""
    added = {(c.table.qname, c.column.name) for c in changes if isinstance(c, ch.AddColumn)}
    remade = {(c.table.qname, c.column.name) for c in changes if isinstance(c, ch.DropColumn)} & added
    if not remade:
        return []
    # Objects and constraints some change already drops, makes again or alters.
    touched = {id(obj) for c in changes for obj in (getattr(c, "obj", None), getattr(c, "before", None))}
    altered = {(c.table, c.constraint.name) for c in changes if isinstance(c, (ch.AddConstraint, ch.DropConstraint))}
    out: list[ch.Change] = []
    indexes = _by(desired.indexes, kinds.INDEX.identity)
    for index in current.indexes:
        goal = indexes.get(kinds.INDEX.identity(index))
        if (
            goal is not None
            and id(index) not in touched
            and any(t == index.table and _uses(index, column) for t, column in remade)
        ):
            out.append(ch.Replace(index, goal))
    tables = _by(desired.tables, kinds.TABLE.identity)
    for table in current.tables:
        goal_table = tables.get(kinds.TABLE.identity(table))
        wanted = {c.name: c for c in goal_table.constraints} if goal_table else {}
        for con in table.constraints:
            if (
                con.name in wanted
                and (table.qname, con.name) not in altered
                and any(t == table.qname and _uses(con, column) for t, column in remade)
            ):
                out += [
                    ch.DropConstraint(table.qname, con, added_again=True),
                    ch.AddConstraint(table.qname, wanted[con.name]),
                ]
    keys = _by(desired.foreign_keys, kinds.FOREIGN_KEY.identity)
    for fk in current.foreign_keys:
        goal = keys.get(kinds.FOREIGN_KEY.identity(fk))
        ends = [(fk.table, c) for c in fk.columns] + [(fk.ref_table, c) for c in fk.ref_columns]
        if goal is not None and id(fk) not in touched and remade & set(ends):
            out.append(ch.Replace(fk, goal))
    return out


def _sequences_set_aside(changes: list[ch.Change]) -> list[ch.Change]:
    """A column moving between serial and identity whose new sequence takes its old one's name
    (``t_id_seq``, PostgreSQL's for both; it would number the new one otherwise): the old one is
    renamed aside first, and dropped under that name (a serial's) or with the identity."""
    made = {c.obj.qname: c.obj for c in changes if isinstance(c, ch.Create) and isinstance(c.obj, cat.Sequence)}
    dropped = {c.obj.qname: c.obj for c in changes if isinstance(c, ch.Drop) and isinstance(c.obj, cat.Sequence)}
    renamed: dict[QualifiedName, QualifiedName] = {}
    out: list[ch.Change] = []
    for change in changes:
        old = _sequence_replaced(change, made, dropped) if isinstance(change, ch.AlterColumn) else None
        if old is not None:
            aside = postgres_name(change.table.name, change.after.name, "seq_replaced")
            renamed[old] = QualifiedName(old.schema, aside)
            change = replace(change, sequence_aside=(old, aside))
        out.append(change)
    return [
        ch.Drop(replace(c.obj, qname=renamed[c.obj.qname]))
        if isinstance(c, ch.Drop) and isinstance(c.obj, cat.Sequence) and c.obj.qname in renamed
        else c
        for c in out
    ]


def _sequence_replaced(
    change: ch.AlterColumn, made: dict[QualifiedName, cat.Sequence], dropped: dict[QualifiedName, cat.Sequence]
) -> QualifiedName | None:
    """The column's old sequence, where the sequence it moves to takes that name."""
    column = (change.table, change.after.name)
    postgres = QualifiedName(change.table.schema, postgres_name(change.table.name, change.after.name, "seq"))
    if change.after.identity and not change.before.identity:  # serial -> identity, named by PostgreSQL
        serial = dropped.get(postgres)
        return postgres if serial is not None and serial.owned_by == column else None
    if change.before.identity and not change.after.identity:  # identity -> serial, named by the spec
        serial = made.get(change.before.sequence or postgres)
        return serial.qname if serial is not None and serial.owned_by == column else None
    return None


def _in_place_part(obj: cat.Index | cat.Trigger) -> cat.Index | cat.Trigger:
    """An index or trigger without what changes in place: its comment, an index's storage parameters,
    and whether a trigger is enabled."""
    changes = {"enabled": "origin"} if isinstance(obj, cat.Trigger) else {"storage_parameters": ()}
    return replace(obj, comment=None, **changes)


def _persistence_order(current: cat.Catalog, changes: list[ch.Change]) -> list[ch.Change]:
    """``changes`` with each SetLogged following the others it must (see SetLogged.follows), along the
    foreign keys the database has while they run."""
    changing = {c.table: c.unlogged for c in changes if isinstance(c, ch.SetLogged)}
    if len(changing) < 2:
        return changes
    follows: dict[QualifiedName, set[QualifiedName]] = {}
    for fk in current.foreign_keys:
        table, referenced = fk.table, fk.ref_table
        if table == referenced or changing.get(table) is None or changing.get(table) != changing.get(referenced):
            continue
        if changing[table]:
            follows.setdefault(referenced, set()).add(table)
        else:
            follows.setdefault(table, set()).add(referenced)
    return [
        replace(c, follows=tuple(sorted(follows[c.table], key=str)))
        if isinstance(c, ch.SetLogged) and c.table in follows
        else c
        for c in changes
    ]


def _foreign_keys_over_dropped_keys(
    current: cat.Catalog, desired: cat.Catalog, out: list[ch.Change]
) -> list[ch.Change]:
    """``out`` with each kept foreign key that references a key or unique index ``out`` drops made
    again: PostgreSQL refuses to drop the key a foreign key depends on, so the foreign key goes
    first and comes back on the goal's key (a unique constraint becoming the primary key)."""
    dropped: dict[tuple[QualifiedName, frozenset], str] = {}
    for c in out:
        if isinstance(c, ch.DropConstraint) and isinstance(c.constraint, (cat.PrimaryKey, cat.Unique)):
            dropped[(c.table, frozenset(c.constraint.columns))] = f"key {c.constraint.name} on {c.table} is dropped"
        index = c.obj if isinstance(c, ch.Drop) else c.before if isinstance(c, ch.Replace) else None
        if isinstance(index, cat.Index) and index.unique and all(k.column for k in index.keys):
            columns = frozenset(k.column for k in index.keys)
            dropped[(index.table, columns)] = f"index {index.name} on {index.table} is dropped"
    if not dropped:
        return out
    identity = kinds.FOREIGN_KEY.identity
    remade = {identity(c.before) for c in out if isinstance(c, ch.Replace) and isinstance(c.before, cat.ForeignKey)}
    again = {}
    for key, b, a in _matched(kinds.FOREIGN_KEY, current, desired):
        if b is not None and a is not None and key not in remade:
            why = dropped.get((b.ref_table, frozenset(b.ref_columns)))
            if why:
                again[key] = ch.Replace(b, a, because=why)
    if not again:
        return out

    def of_key(c: ch.Change) -> Any:  # the foreign key an AlterConstraint or ValidateConstraint changes
        fk = getattr(c, "before", None) or getattr(c, "constraint", None)
        return identity(fk) if isinstance(fk, cat.ForeignKey) else None

    return [c for c in out if of_key(c) not in again] + list(again.values())


def _partition_change(before: cat.Partition, after: cat.Partition, scope: cat.PrivilegeScope | None) -> list[ch.Change]:
    """A partition made again for another key or bound; else its row level security, storage parameters,
    own keys and checks, and grants changed in place (what it holds of its own columns:
    ``partitions.partition_column_changes``)."""
    if before.partition_key != after.partition_key:
        return [ch.Repartition(before, after)]

    def in_place(p: cat.Partition) -> cat.Partition:
        return replace(
            p,
            rls_enabled=False,
            rls_forced=False,
            grants=(),
            own_columns=(),
            storage_parameters=(),
            primary_key=None,
            uniques=(),
            checks=(),
            exclusions=(),
        )

    if differs(in_place(before), in_place(after)):
        return [ch.Replace(before, after)]
    out: list[ch.Change] = table_constraint_changes(before, after)
    if (before.rls_enabled, before.rls_forced) != (after.rls_enabled, after.rls_forced):
        out.append(
            ch.SetRowSecurity(after.qname, after.rls_enabled, after.rls_forced, before.rls_enabled, before.rls_forced)
        )
    if _parameters_differ(before, after):
        out.append(ch.SetStorageParameters(after, before.storage_parameters))
    return out + _grant_changes(after, before.grants, after.grants, scope)


def attributes_alterable(before: cat.CompositeType, after: cat.CompositeType) -> bool:
    """Whether ALTER TYPE takes ``before``'s attributes to ``after``'s: the attributes both have keep
    their order, and new ones come at the end (ADD ATTRIBUTE appends; nothing reorders them)."""
    old, new = [a.name for a in before.attributes], [a.name for a in after.attributes]
    kept = [name for name in new if name in old]
    return kept == [name for name in old if name in new] and new[: len(kept)] == kept


def _composite_type_changes(
    before: cat.CompositeType,
    after: cat.CompositeType,
    scope: cat.PrivilegeScope | None,
    stored: tuple = (),
    typed: tuple[QualifiedName, ...] = (),
) -> list[ch.Change]:
    """Attributes changed in place where PostgreSQL can, else the type made again (beside the old one,
    when columns hold it: ``stored``, as ReplaceCompositeType lists them); then its comment and grants.
    PostgreSQL retypes no attribute of a type a column holds. ``typed``: the tables of the type (OF), whose
    columns its ALTER TYPE changes too."""
    retyped = any(a != b for a in after.attributes for b in before.attributes if a.name == b.name)
    if before.attributes != after.attributes and (not attributes_alterable(before, after) or (retyped and stored)):
        # Made again, with its comment and grants.
        return [ch.ReplaceCompositeType(before, after, columns=stored) if stored else ch.Replace(before, after)]
    out: list[ch.Change] = (
        [ch.AlterCompositeType(before, after, typed)] if before.attributes != after.attributes else []
    )
    if before.comment != after.comment:
        out.append(ch.SetComment(after, after.comment))
    # An attribute added (or dropped and added again) has no comment yet.
    kept = {a.name for a in before.attributes} & {a.name for a in after.attributes}
    was = {name: text for name, text in before.attribute_comments if name in kept}
    wanted = dict(after.attribute_comments)
    out += [
        ch.SetColumnComment(after.qname, name, wanted.get(name))
        for name in sorted(set(was) | set(wanted))
        if was.get(name) != wanted.get(name)
    ]
    return out + _grant_changes(after, before.grants, after.grants, scope)


def _object_change(before: Any, after: Any, scope: cat.PrivilegeScope | None = None) -> list[ch.Change]:
    """Changes for an object that exists on both sides and differs."""
    if isinstance(after, (cat.Index, cat.Trigger)) and not differs(_in_place_part(before), _in_place_part(after)):
        out: list[ch.Change] = []
        if isinstance(after, cat.Trigger) and before.enabled != after.enabled:
            out.append(ch.EnableTrigger(after, before.enabled))
        if isinstance(after, cat.Index) and _parameters_differ(before, after):
            out.append(ch.SetStorageParameters(after, before.storage_parameters))
        if before.comment != after.comment:
            out.append(ch.SetComment(after, after.comment))
        return out
    if isinstance(after, cat.Partition):
        return _partition_change(before, after, scope)
    if isinstance(after, cat.Domain) and before.type == after.type:
        unremarked = dict(comment=None, grants=(), check_comments=())
        same = replace(before, **unremarked) == replace(after, **unremarked)
        out = [] if same else [ch.AlterDomain(before, after)]
        if before.comment != after.comment:
            out.append(ch.SetComment(after, after.comment))
        out += domain_check_comments(before, after)
        return out + _grant_changes(after, before.grants, after.grants, scope)
    if isinstance(after, cat.ForeignKey):
        return foreign_key_changes(before, after)
    if isinstance(after, cat.Aggregate) and replace(before, grants=(), comment=None) != replace(
        after, grants=(), comment=None
    ):
        return [ch.Replace(before, after)]  # made again, with its comment and grants
    if isinstance(after, (cat.Function, cat.Sequence, cat.Aggregate)):
        out: list[ch.Change] = []
        if replace(before, grants=(), comment=None) != replace(after, grants=(), comment=None):
            out.append(ch.Replace(before, after))
        if before.comment != after.comment:
            out.append(ch.SetComment(after, after.comment))
        out += _grant_changes(after, before.grants, after.grants, scope)
        return out
    return [ch.Replace(before, after)]
