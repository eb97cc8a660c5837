"""Typed tables (``of:``, CREATE TABLE ... OF type): each one's composite type, checked as PostgreSQL checks
it, and its columns: the type's attributes, in their order, with the defaults, NOT NULL and identity the
table gives them."""

from __future__ import annotations

from dataclasses import replace

from ...catalog import objects as cat
from ...errors import Path
from ..names import suggest
from ..conventions import added_columns
from .scope import Scope


def declare_typed_tables(scope: Scope, composites: tuple[cat.CompositeType, ...]) -> None:
    """Record each typed table's composite type in ``scope.typed``, refusing what PostgreSQL (or the spec)
    refuses."""
    by_name = {c.qname: c for c in composites}
    for qname, (path, table) in scope.tables.items():
        if table.of is None:
            continue
        where = path + ("of",)
        ref = scope.qualify(table.of, where)
        if ref is None:
            continue
        found = by_name.get(ref)
        if found is None:
            known = [str(q) if q.schema != "public" else q.name for q in by_name]
            scope.error(where, f"unknown composite type '{table.of}'{suggest(table.of, known)}")
        elif table.inherits:
            scope.error(where, "a typed table cannot inherit (PostgreSQL refuses OF with INHERITS)")
        elif table.partition is not None:
            scope.error(where, "a typed table is not partitioned here: make a table of its own columns instead")
        elif conventions := added_columns(scope.spec, table):
            scope.error(
                where,
                f"a typed table's columns are its type's; the conventions would add {', '.join(conventions)}: "
                "switch them off on it",
            )
        else:
            scope.typed[qname] = found


def typed_columns(
    scope: Scope, path: Path, of: cat.CompositeType, own: tuple[cat.Column, ...]
) -> tuple[cat.Column, ...]:
    """The columns of a table of the type ``of``: its attributes, each with what ``own`` declares of it."""
    attributes = {a.name: a for a in of.attributes}
    declared = {}
    for column in own:
        attribute = attributes.get(column.name)
        where = path + ("columns", column.name)
        if attribute is None:
            scope.error(
                where,
                f"'{of.qname}' has no attribute '{column.name}': a typed table's columns are its type's"
                f"{suggest(column.name, list(attributes))}",
                key=True,
            )
        elif column.type != attribute.type or column.collation not in (None, attribute.collation):
            scope.error(where, f"'{column.name}' is {attribute.type} in '{of.qname}': give it the attribute's type")
        else:
            declared[column.name] = column
    return tuple(
        replace(declared.get(a.name) or cat.Column(a.name, a.type), collation=a.collation) for a in of.attributes
    )
