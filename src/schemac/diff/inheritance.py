"""Table inheritance in a diff: what a child's parents do to it, and the links that change.

A column a child only inherits follows its parents (their ADD, ALTER and DROP COLUMN reach it), so the
child's own comparison leaves it out; a child that leaves a parent (NO INHERIT, planned before everything
else) keeps what it took, as its own; a child that joins one (INHERIT) must have the parent's columns and
checks first.
"""

from __future__ import annotations

from dataclasses import replace

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..spec.names import not_null_name
from . import changes as ch

Tables = dict[QualifiedName, cat.Table]


def left_by_parents(
    before: cat.Table, after: cat.Table, current: Tables, desired: Tables, named_not_null: bool
) -> tuple[cat.Table, dict[str, tuple[QualifiedName, ...]]]:
    """``before`` as the changes of its parents leave it, and the columns they take away (-> those parents).
    A column it only inherits goes with its parents' (ALTER TABLE parent DROP COLUMN reaches it), unless it
    stops inheriting from one of them first: then it keeps the column as its own, on PostgreSQL 18
    (``named_not_null``) with its NOT NULL under the parent's name; and the checks it took from a parent it
    leaves become its own too."""
    columns, cascaded = [], {}
    for column in before.columns:
        if column.local:
            columns.append(column)
            continue
        providers = tuple(p for p in before.inherits if p in current and current[p].column(column.name))
        if any(p in after.inherits and p in desired and desired[p].column(column.name) for p in providers):
            columns.append(column)
        elif any(p not in after.inherits for p in providers):
            name = (
                _inherited_not_null_name(before, column.name, current) if named_not_null and column.not_null else None
            )
            columns.append(
                replace(
                    column, local=True, not_null_name=None if name == not_null_name(before.qname, column.name) else name
                )
            )
        else:
            cascaded[column.name] = providers
    own = {c.name for c in before.checks}
    taken = {c.name: c for p in before.inherits if p not in after.inherits for c in inherited_checks(current, p)}
    checks = sorted([*before.checks, *(c for name, c in taken.items() if name not in own)], key=lambda c: c.name)
    return replace(before, columns=tuple(columns), checks=tuple(checks)), cascaded


def _inherited_not_null_name(table: cat.Table, column: str, current: Tables) -> str:
    """The name of the NOT NULL constraint ``table`` inherits for ``column``: PostgreSQL 18 gives a child's the
    name of the parent's, its first parent's that has one."""
    for parent in (current[p] for p in table.inherits if p in current):
        found = parent.column(column)
        if found is not None and found.not_null:
            if found.local:
                return found.not_null_name or not_null_name(parent.qname, column)
            return _inherited_not_null_name(parent, column, current)
    return not_null_name(table.qname, column)


def inherited_checks(tables: Tables, parent: QualifiedName) -> tuple[cat.Check, ...]:
    """The checks a child of ``parent`` takes (not those it declares NO INHERIT)."""
    return tuple(c for c in tables[parent].checks if not c.no_inherit) if parent in tables else ()


def merged_checks(before: cat.Table, after: cat.Table, desired: Tables) -> tuple[cat.Check, ...]:
    """The checks ``before`` has that a parent it joins has too, or that it inherits as well as declares from a
    parent it keeps: they are not dropped (PostgreSQL merges the first with the parent's, and refuses to drop the
    second while the parent has it)."""
    joined = {c.name for p in after.inherits if p not in before.inherits for c in inherited_checks(desired, p)}
    kept = {c.name for p in after.inherits if p in before.inherits for c in inherited_checks(desired, p)}
    return tuple(
        c for c in before.checks if c not in after.checks and (c.name in joined or (c.inherited and c.name in kept))
    )


def inheritance_changes(before: cat.Table, after: cat.Table, desired: Tables) -> list[ch.Change]:
    """NO INHERIT for each parent it leaves; INHERIT for each it joins, with the parent's checks it lacks."""
    out: list[ch.Change] = [
        ch.SetInheritance(after.qname, p, False) for p in before.inherits if p not in after.inherits
    ]
    had = {c.name for c in before.checks}
    for parent in (p for p in after.inherits if p not in before.inherits):
        given = desired[parent].columns if parent in desired else ()
        kept = tuple(c.name for c in given if (mine := after.column(c.name)) is not None and not mine.local)
        checks = tuple(c for c in inherited_checks(desired, parent) if c.name not in had)
        out.append(ch.SetInheritance(after.qname, parent, True, kept, checks))
    return out


def heirs(tables: Tables, parent: QualifiedName, column: str) -> tuple[QualifiedName, ...]:
    """The tables that lose ``column`` when ``parent`` drops it: its children (and theirs) that only inherit it."""
    out: list[QualifiedName] = []
    for child in tables.values():
        own = child.column(column)
        if parent in child.inherits and own is not None and not own.local:
            out += [child.qname, *heirs(tables, child.qname, column)]
    return tuple(dict.fromkeys(out))


def kept_as_they_are(current: cat.Catalog, desired: cat.Catalog) -> str | None:
    """The note of a plan that leaves a child's columns as the database has them where the spec says otherwise
    and PostgreSQL cannot change it in place: whether a column it inherits is its own as well (a table that
    joins a parent keeps its columns as its own; only a table made anew takes them inherited only), whether a
    check it inherits is its own as well (PostgreSQL refuses to drop it while the parent has it), and on
    PostgreSQL 18 whether a NOT NULL it inherits is its own as well (a constraint it inherits cannot be dropped
    or renamed, nor one of its own taken back). ``pg_dump`` tells them apart; declaring them under the table's
    columns and checks as the database has them makes the spec build the same."""
    before_tables = {t.qname: t for t in current.tables}
    desired_tables = {t.qname: t for t in desired.tables}
    found = []
    for after in desired.tables:
        before = before_tables.get(after.qname)
        if before is None or not after.inherits:
            continue
        for a in after.columns:
            b = before.column(a.name)
            if b is None:
                continue
            name = f"{after.qname}.{a.name}"
            kept = any(p in after.inherits and _gives(before_tables, p, a.name) for p in before.inherits)
            if b.local and not a.local:
                found.append(f"{name} stays its table's own as well as inherited (the spec: inherited only)")
            elif a.local and not b.local and kept:
                found.append(f"{name} stays inherited only (the spec: its table's own as well)")
            elif a.local and b.local and a.not_null and b.not_null and a.inherited_not_null != b.inherited_not_null:
                whose = "inherited only" if b.inherited_not_null else "its table's own as well as inherited"
                found.append(f"{name} keeps a NOT NULL {whose} (the spec: the other)")
        declared = {c.name for c in after.checks}
        for check in merged_checks(before, after, desired_tables):
            if check.inherited and check.name not in declared:
                found.append(
                    f"check {check.name} on {after.qname} stays its own as well as inherited (the spec: inherited only)"
                )
    if not found:
        return None
    return (
        "kept as the database has them, which PostgreSQL cannot change in place (declare them so in the spec "
        "to build the same): " + "; ".join(found)
    )


def _gives(tables: Tables, parent: QualifiedName, column: str) -> bool:
    return parent in tables and tables[parent].column(column) is not None
