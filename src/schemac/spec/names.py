"""Identifier rules and the names PostgreSQL would give unnamed constraints and indexes."""

from __future__ import annotations

import difflib
import hashlib
import re

from ..catalog.objects import QualifiedName

MAX_IDENTIFIER_BYTES = 63


def identifier_problem(name: str) -> str | None:
    """Why ``name`` cannot be used as an identifier, or ``None`` if it can.

    Any name PostgreSQL accepts is a name here (capitals, spaces, punctuation:
    ``"Individuals can view their own todos."``); the SQL quotes it where needed.
    """
    if not isinstance(name, str) or not name:
        return "an identifier cannot be empty"
    if "\0" in name:
        return "an identifier cannot hold the NUL character"
    if len(name.encode()) > MAX_IDENTIFIER_BYTES:
        return (
            f"identifier '{name}' is {len(name.encode())} bytes; PostgreSQL truncates names "
            f"longer than {MAX_IDENTIFIER_BYTES} bytes, so choose a shorter one"
        )
    return None


def key_part_problem(name: str) -> str | None:
    """Why ``name`` cannot be a part of a ``schema.name`` or ``table.column`` reference in the spec, or ``None``."""
    if "." in name:
        return (
            f"the name '{name}' holds a dot, which the spec's schema.name and table.column references cannot tell apart"
        )
    return identifier_problem(name)


_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*\Z")


def plain_name_problem(name: str) -> str | None:
    """Why ``name`` is not a plain lower-case name (as an operator class is written), or ``None``."""
    if problem := identifier_problem(name):
        return problem
    if _PLAIN_NAME.match(name):
        return None
    if _PLAIN_NAME.match(name.lower()):
        return (
            f"identifier '{name}' has upper-case letters; PostgreSQL folds unquoted names to "
            f"lower case, so write '{name.lower()}'"
        )
    return f"invalid identifier '{name}': use lower-case letters, digits and underscores, starting with a letter or underscore"


def qualified_identifier_problem(text: str) -> str | None:
    """Why ``text`` is not a name, optionally schema-qualified (``text_pattern_ops``,
    ``extensions.gist_trgm_ops``), or ``None`` if it is one."""
    if not isinstance(text, str):
        return "a name must be text"
    parts = text.split(".")
    if len(parts) > 2:
        return f"'{text}' has {len(parts)} parts; write name or schema.name"
    return next((problem for part in parts if (problem := plain_name_problem(part))), None)


def split_qualified(key: str, default_schema: str = "public") -> tuple[str, str] | None:
    """``'private.audit'`` -> ``('private', 'audit')``; ``'audit'`` -> ``('public', 'audit')``."""
    parts = key.split(".")
    if len(parts) == 1:
        return default_schema, parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return None


def suggest(word: str, choices) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, or an empty string."""
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def key_name(table: QualifiedName | str, keys, suffix: str) -> str:
    """The default name of an index (``idx``) or exclusion constraint (``excl``) over ``keys``
    (anything with a ``column``): an expression counts as ``expr``."""
    return default_name(table, [k.column or "expr" for k in keys], suffix)


def default_name(table: QualifiedName | str, columns, suffix: str) -> str:
    """``vehicles_tenant_id_vin_key``, shortened with a stable hash when over 63 bytes."""
    base = table.name if isinstance(table, QualifiedName) else table
    name = "_".join([base, *columns, suffix])
    if len(name.encode()) <= MAX_IDENTIFIER_BYTES:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    head = name.encode()[: MAX_IDENTIFIER_BYTES - len(suffix) - 10].decode(errors="ignore").rstrip("_")
    return f"{head}_{digest}_{suffix}"


def postgres_name(table: str, column: str, label: str) -> str:
    """The name PostgreSQL makes for an object of a table's column: ``table_column_label``, the longer of
    the two names cut first to fit 63 bytes (makeObjectName). PostgreSQL adds a number when that name is
    taken."""
    first, second = table.encode(), column.encode()
    room = MAX_IDENTIFIER_BYTES - len(label) - 2
    while len(first) + len(second) > room:
        if len(first) > len(second):
            first = first[:-1]
        else:
            second = second[:-1]
    return f"{first.decode(errors='ignore')}_{second.decode(errors='ignore')}_{label}"


def not_null_name(table: QualifiedName, column: str) -> str:
    """The name PostgreSQL 18 gives a column's NOT NULL constraint: ``table_column_not_null``."""
    return postgres_name(table.name, column, "not_null")
