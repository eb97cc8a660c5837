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


def _parts(text: str) -> list[tuple[str, str]] | None:
    """Each part of a dotted reference as written and as the name it is: ``app."v1.items"`` ->
    ``[('app', 'app'), ('"v1.items"', 'v1.items')]``. A part in double quotes, as PostgreSQL quotes
    it (``""`` for a quote inside), may hold dots; any other part is the name as written (capitals,
    spaces and all). None when a quoted part is not closed or is followed by more than a dot."""
    parts, start = [], 0
    while True:
        if text.startswith('"', start):
            end = start + 1
            while (end := text.find('"', end)) >= 0 and text.startswith('""', end):
                end += 2
            if end < 0 or (end + 1 < len(text) and text[end + 1] != "."):
                return None
            parts.append((text[start : end + 1], text[start + 1 : end].replace('""', '"')))
            if end + 1 == len(text):
                return parts
            start = end + 2
        else:
            dot = text.find(".", start)
            if dot < 0:
                parts.append((text[start:], text[start:]))
                return parts
            parts.append((text[start:dot], text[start:dot]))
            start = dot + 1


def split_name(text: str) -> list[str] | None:
    """The names a dotted reference is made of: ``app."v1.items"`` -> ``['app', 'v1.items']``."""
    parts = _parts(text) if isinstance(text, str) else None
    return [name for _, name in parts] if parts else None


def last_part(text: str) -> tuple[str, str] | None:
    """``table.column`` -> (``table``, ``column``): the reference before its last part, as written,
    and the name of its last part (``'"v1.items"."a.b"'`` -> ``('"v1.items"', 'a.b')``); ``('', name)``
    for one part."""
    parts = _parts(text) if isinstance(text, str) else None
    if not parts:
        return None
    return ".".join(written for written, _ in parts[:-1]), parts[-1][1]


def spell(name: str) -> str:
    """How the spec writes ``name`` as a part of a ``schema.name`` or ``table.column`` reference: as it
    is, or in double quotes as PostgreSQL quotes it where it holds a dot or starts with a quote."""
    if "." in name or name.startswith('"'):
        return '"' + name.replace('"', '""') + '"'
    return name


def key_part_problem(name: str) -> str | None:
    """Why ``name`` cannot be a part of a ``schema.name`` or ``table.column`` reference in the spec, or ``None``
    (a name with a dot is written in double quotes there: ``spell``)."""
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
    """``'private.audit'`` -> ``('private', 'audit')``; ``'audit'`` -> ``('public', 'audit')``;
    ``'"v1.items"'`` -> ``('public', 'v1.items')``."""
    parts = split_name(key)
    if parts and len(parts) == 1:
        return default_schema, parts[0]
    if parts and len(parts) == 2:
        return parts[0], parts[1]
    return None


def spell_qualified(qname: QualifiedName, default_schema: str = "public") -> str:
    """How the spec names ``qname``: ``vehicles`` in the default schema, ``private.audit`` elsewhere,
    a part with a dot in double quotes (``'"v1.items"'``)."""
    name = spell(qname.name)
    return name if qname.schema == default_schema else f"{spell(qname.schema)}.{name}"


def unknown(what: str, ref: str, known, shown: str | None = None) -> str:
    """``unknown table 'x'`` (``shown``, else ``ref``) and what the spec may have meant: a ``known``
    qualified name with a dot that ``ref`` writes without its double quotes, or the closest name."""
    for qname in known:
        plain = qname.name if qname.schema == "public" else f"{qname.schema}.{qname.name}"
        if ("." in qname.name or "." in qname.schema) and (ref == plain or ref.startswith(plain + ".")):
            spelled = spell_qualified(qname) + ref[len(plain) :]
            return f"unknown {what} '{shown or ref}'; a name with a dot is written in double quotes: '{spelled}'"
    return f"unknown {what} '{shown or ref}'{suggest(shown or ref, [spell_qualified(q) for q in known])}"


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
