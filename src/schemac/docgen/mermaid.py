"""A Mermaid ``erDiagram`` of a catalog's tables, their key columns and foreign keys.

GitHub renders it in Markdown. Names are written so that Mermaid's ER
grammar reads them whatever the version: entity names always in double
quotes (they may hold a schema's dot, and a bare ``one`` or ``end`` is a
keyword), attribute types and names reduced to letters, digits, ``_``, ``-``,
brackets and parentheses.

Each relationship reads from the referenced table to the referencing one:

- ``||`` the referenced row always exists (the foreign key columns are NOT
  NULL), ``|o`` it may not;
- ``o{`` any number of referencing rows, ``o|`` at most one (the foreign key
  columns are the referencing table's primary key, a unique constraint, or a
  unique index on those columns alone, without WHERE);
- ``--`` (identifying, a solid line) when the foreign key columns are part of
  the referencing table's primary key, ``..`` (a dashed line) otherwise.
"""

from __future__ import annotations

import re

from ..catalog.objects import Catalog, ForeignKey, Index, QualifiedName, Table

_UNSAFE = re.compile(r"[^A-Za-z0-9_\-\[\]()]+")
_KEY_WORDS = {"pk", "fk", "uk"}


def entity(qname: QualifiedName) -> str:
    name = qname.name if qname.schema == "public" else str(qname)
    # A double quote would end the name early: Mermaid writes it as an entity code.
    return '"' + name.replace('"', "#quot;") + '"'


def attribute_type(sql_type: str) -> str:
    return _UNSAFE.sub("_", sql_type.removeprefix("public.").replace(", ", ",")).strip("_") or "type"


def attribute_name(column: str) -> str:
    name = _UNSAFE.sub("_", column)
    # PK, FK and UK are keywords inside an entity's block, in any case.
    return f"{name}_" if name.lower() in _KEY_WORDS else name


def _markers(table: Table, fks: list[ForeignKey]) -> dict[str, list[str]]:
    markers: dict[str, list[str]] = {}
    for column in table.primary_key.columns if table.primary_key else ():
        markers.setdefault(column, []).append("PK")
    for fk in fks:
        for column in fk.columns:
            if "FK" not in markers.setdefault(column, []):
                markers[column].append("FK")
    for unique in table.uniques:
        for column in unique.columns:
            if "UK" not in markers.setdefault(column, []):
                markers[column].append("UK")
    return markers


def _relationship(fk: ForeignKey, table: Table, unique_indexes: list[Index]) -> str:
    not_null = all((c := table.column(name)) is not None and c.not_null for name in fk.columns)
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [tuple(k.column for k in i.keys) for i in unique_indexes]
    at_most_one = any(set(key) == set(fk.columns) for key in keys)
    identifying = table.primary_key is not None and set(fk.columns) <= set(table.primary_key.columns)
    left = "||" if not_null else "|o"
    right = "o|" if at_most_one else "o{"
    line = "--" if identifying else ".."
    label = ", ".join(fk.columns)
    return f'{entity(fk.ref_table)} {left}{line}{right} {entity(fk.table)} : "{label}"'


def er_diagram(catalog: Catalog) -> list[str]:
    """The lines of the diagram, from ``erDiagram`` on, without the Markdown fence."""
    tables = {t.qname: t for t in catalog.tables}
    fks_of: dict[QualifiedName, list[ForeignKey]] = {}
    for fk in catalog.foreign_keys:
        fks_of.setdefault(fk.table, []).append(fk)
    # A unique index on plain columns, for every row, is a key as much as a constraint is.
    unique_indexes: dict[QualifiedName, list[Index]] = {}
    for index in catalog.indexes:
        if index.unique and index.where is None and all(k.column is not None for k in index.keys):
            unique_indexes.setdefault(index.table, []).append(index)
    lines = ["erDiagram"]
    for table in catalog.tables:
        markers = _markers(table, fks_of.get(table.qname, []))
        attributes = [
            f"        {attribute_type(c.type)} {attribute_name(c.name)} {', '.join(markers[c.name])}"
            for c in table.columns
            if markers.get(c.name)
        ]
        if attributes:
            lines += [f"    {entity(table.qname)} {{", *attributes, "    }"]
        else:
            lines.append(f"    {entity(table.qname)}")
    for fk in catalog.foreign_keys:
        if fk.table in tables:
            lines.append(f"    {_relationship(fk, tables[fk.table], unique_indexes.get(fk.table, []))}")
    return lines
