"""The text of table constraints, as CREATE TABLE and ALTER TABLE ... ADD CONSTRAINT write it."""

from __future__ import annotations

from ..catalog import objects as cat
from .quoting import ident, qualified, storage_parameters_sql


def timing(con: cat.PrimaryKey | cat.Unique | cat.Exclusion | cat.ForeignKey) -> str:
    """`` DEFERRABLE INITIALLY ...`` for a deferrable constraint, else nothing (NOT DEFERRABLE is the default)."""
    if not con.deferrable:
        return ""
    return " DEFERRABLE INITIALLY " + ("DEFERRED" if con.initially_deferred else "IMMEDIATE")


def _columns(names) -> str:
    return ", ".join(map(ident, names))


def index_key_sql(key: cat.IndexKey) -> str:
    """One key of an index or of an exclusion constraint: ``lower(name) text_pattern_ops DESC NULLS LAST``."""
    text = ident(key.column) if key.column else f"({key.expression})"
    if key.collation:
        text += f" COLLATE {qualified(key.collation)}"
    if key.opclass:
        text += f" {key.opclass}"
    if key.order:
        text += f" {key.order.upper()}"
    if key.nulls:
        text += f" NULLS {key.nulls.upper()}"
    return text


def exclusion_element(element: cat.ExclusionElement) -> str:
    return f"{index_key_sql(element.key)} WITH {element.operator}"


def constraint_body(con: cat.TableConstraint, indent: str = "") -> str:
    """What follows ``CONSTRAINT name``: ``PRIMARY KEY (id)``, ``EXCLUDE USING gist (...)``, ...

    An exclusion constraint's elements go one to a line, under the line the
    constraint starts on, which is indented by ``indent``."""
    if isinstance(con, cat.PrimaryKey):
        return f"PRIMARY KEY ({_columns(con.columns)}){_with(con)}{timing(con)}"
    if isinstance(con, cat.Unique):
        nnd = " NULLS NOT DISTINCT" if con.nulls_not_distinct else ""
        return f"UNIQUE{nnd} ({_columns(con.columns)}){_with(con)}{timing(con)}"
    if isinstance(con, cat.Check):
        return (
            f"CHECK ({con.expression})"
            + (" NO INHERIT" if con.no_inherit else "")
            + ("" if con.enforced else " NOT ENFORCED")
        )
    inner = f",\n{indent}    ".join(exclusion_element(e) for e in con.elements)
    text = f"EXCLUDE USING {con.method} (\n{indent}    {inner}\n{indent})"
    if con.include:
        text += f" INCLUDE ({_columns(con.include)})"
    text += _with(con)
    if con.where:
        text += f" WHERE ({con.where})"
    return text + timing(con)


def _with(key: cat.PrimaryKey | cat.Unique | cat.Exclusion) -> str:
    """The storage parameters of a key's index: `` WITH (fillfactor = 70)``, or nothing."""
    return f" WITH ({storage_parameters_sql(key.storage_parameters)})" if key.storage_parameters else ""


def inline_constraints(table: cat.Table) -> list[cat.TableConstraint]:
    """The constraints CREATE TABLE declares. A check that need not be valid is added
    NOT VALID after it instead: in CREATE TABLE, PostgreSQL validates every enforced check."""
    return [c for c in table.constraints if not (isinstance(c, cat.Check) and not c.valid and c.enforced)]
