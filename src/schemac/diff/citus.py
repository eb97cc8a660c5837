"""Constraint names on Citus tables, which Citus does not let a plan rename.

Citus refuses ``ALTER TABLE ... RENAME CONSTRAINT`` on its tables ("renaming constraints belonging to
distributed tables is currently unsupported", measured on Citus 14), while it renames tables, columns
(the distribution column included) and indexes. So on a table Citus places (distributed or reference):

- a key's constraint (primary key, unique, exclusion) is renamed through its index, ``ALTER INDEX ...
  RENAME``, which renames both;
- a check or foreign key under a new name (one named after a renamed table or column) is dropped and
  added again;
- a column's NOT NULL constraint (PostgreSQL 18 names them ``<table>_<column>_not_null``) keeps the name
  it has: it can be neither renamed nor, on a key column, dropped, so a spec that leaves it unnamed
  matches it under any name.
"""

from __future__ import annotations

from dataclasses import replace

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from . import changes as ch


def placed(catalog: cat.Catalog) -> set[QualifiedName]:
    """The tables Citus places in ``catalog``."""
    return {d.table for d in catalog.distributions}


def keep_not_null_names(current: cat.Catalog, desired: cat.Catalog) -> cat.Catalog:
    """``current`` with the NOT NULL constraints of tables Citus places on both sides named as the
    desired side has them wherever the desired side leaves them unnamed (Citus renames none)."""
    both = placed(current) & placed(desired)
    if not both:
        return current
    wanted = {t.qname: t for t in desired.tables if t.qname in both}

    def matched(table: cat.Table) -> cat.Table:
        goal = wanted.get(table.qname)
        if goal is None:
            return table
        columns = tuple(
            replace(c, not_null_name=None)
            if c.not_null_name and (g := goal.column(c.name)) is not None and g.not_null and g.not_null_name is None
            else c
            for c in table.columns
        )
        return replace(table, columns=columns) if columns != table.columns else table

    return replace(current, tables=tuple(matched(t) for t in current.tables))


def constraint_renames(current: cat.Catalog, desired: cat.Catalog, changes: list[ch.Change]) -> list[ch.Change]:
    """``changes`` with each constraint rename on a table Citus places (in ``current``, as it is after the
    plan's table and column renames) made as Citus allows it."""
    on_citus = placed(current)
    if not on_citus:
        return changes
    tables, goals = {t.qname: t for t in current.tables}, {t.qname: t for t in desired.tables}
    keys = {(fk.table, fk.name): fk for fk in current.foreign_keys}
    wanted_keys = {(fk.table, fk.name): fk for fk in desired.foreign_keys}
    out: list[ch.Change] = []
    for c in changes:
        if not isinstance(c, ch.RenameConstraint) or c.table not in on_citus:
            out.append(c)
        elif (c.table, c.old) in keys:
            out.append(ch.Replace(keys[c.table, c.old], wanted_keys[c.table, c.new]))
        elif isinstance(before := _constraint(tables.get(c.table), c.old), cat.Check):
            out += [ch.DropConstraint(c.table, before), ch.AddConstraint(c.table, _constraint(goals[c.table], c.new))]
        else:  # a key: its index bears its name
            out.append(ch.RenameIndex(c.table.schema, c.old, c.new))
    return out


def _constraint(table: cat.Table | None, name: str) -> cat.TableConstraint | None:
    return next((con for con in table.constraints if con.name == name), None) if table else None
