"""The one place identifiers and literals are quoted."""

from __future__ import annotations

import re

from pglast import keywords

from ..catalog.objects import QualifiedName, StorageParameters

_BARE = re.compile(r"[a-z_][a-z0-9_$]*\Z")
# Unreserved keywords are fine as bare names; the others need quotes somewhere.
_NEEDS_QUOTES = keywords.RESERVED_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS | keywords.COL_NAME_KEYWORDS


def ident(name: str | QualifiedName) -> str:
    """Quote a name only when PostgreSQL needs it, as ``quote_ident`` does."""
    if isinstance(name, QualifiedName):
        return f"{ident(name.schema)}.{ident(name.name)}"
    if _BARE.match(name) and name not in _NEEDS_QUOTES:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(name: str) -> str:
    """A name written ``name`` or ``schema.name`` (a collation, an operator class) in SQL:
    ``C`` -> ``"C"``, ``public.german`` -> ``public.german``; pg_catalog's are written
    unqualified, as PostgreSQL prints them."""
    schema, _, bare = name.rpartition(".")
    if schema and schema != "pg_catalog":
        return ident(QualifiedName(schema, bare))
    return ident(bare)


def range_bound(value) -> str:
    """One value of a range partition's bound: MINVALUE and MAXVALUE (any case) as the keywords they
    are there, anything else as a literal."""
    if isinstance(value, str) and value.upper() in ("MINVALUE", "MAXVALUE"):
        return value.upper()
    return literal(value)


def literal(value) -> str:
    """An SQL literal for a string, number or boolean from the spec."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if "\\" in text:
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + text.replace("'", "''") + "'"


_BARE_VALUE = re.compile(r"-?[0-9]+(\.[0-9]+)?|true|false")


def storage_parameters_sql(parameters: StorageParameters) -> str:
    """``fillfactor = 70, autovacuum_enabled = false``, the list of WITH (...); a value other than a
    number or a boolean is quoted. PostgreSQL stores each value as text, as written."""
    return ", ".join(
        f"{name} = {value if _BARE_VALUE.fullmatch(value) else literal(value)}" for name, value in parameters
    )
