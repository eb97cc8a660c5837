"""The spec's ``leave_alone``: objects of the database that a plan neither creates, alters nor drops.

An entry names one object, or several with ``*``, the way messages name it, its kind first::

    function private.legacy_fn(integer)
    table public.audit_*
    policy "Users can read" on public.notes

A name is written as the database has it (as everywhere in the spec: no folding to lower case), in
double quotes where it holds a space, a dot, a parenthesis or a ``*`` meant literally. A name without a
schema is in public. ``*`` in an unquoted name stands for any run of characters; a routine without its
argument types is every routine of that name. Argument types are written as PostgreSQL prints them
(``integer``, ``character varying``), as ``schemac import`` writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..catalog import kinds
from .names import suggest

# The kinds an entry can name, by the word it starts with. A schema is not one: a schema the spec does not
# declare is left alone already, with all it holds.
KINDS: dict[str, kinds.Kind] = {
    kind.noun: kind for kind in kinds.KINDS if kind not in (kinds.SCHEMA, kinds.DISTRIBUTION, kinds.DEFAULT_PRIVILEGES)
}
_ON_TABLE = {noun for noun, kind in KINDS.items() if kind.slot in ("indexes", "foreign_keys", "policies", "triggers")}
_ROUTINES = {noun for noun, kind in KINDS.items() if kind.slot in ("functions", "aggregates")}
_UNQUALIFIED = {noun for noun, kind in KINDS.items() if kind.slot in ("extensions", "publications")}

_PART = r'"(?:[^"]|"")+"|[^\s."()]+'
_NAME = rf"(?:{_PART})(?:\.(?:{_PART}))?"
_ENTRY = re.compile(
    rf"(?P<noun>{'|'.join(sorted(map(re.escape, KINDS), key=len, reverse=True))})\s+"
    rf"(?P<name>{_NAME})"
    r"(?:\s*\((?P<signature>(?:[^()]|\([^()]*\))*)\))?"
    rf"(?:\s+on\s+(?P<table>{_NAME}))?\s*\Z"
)
_PARTS = re.compile(rf"({_PART})(?:\.({_PART}))?\Z")


@dataclass(frozen=True)
class Entry:
    """One entry, parsed: each name part a regular expression over the name as the database has it."""

    text: str
    kind: kinds.Kind
    schema: re.Pattern | None  # None: the kind has no schema (an extension, a publication)
    name: re.Pattern
    table: tuple[re.Pattern, re.Pattern] | None = None  # the table an index, key, policy or trigger is on
    signature: str | None = None  # a routine's argument types; None: any

    def matches(self, obj: Any) -> bool:
        if kinds.of(obj) is not self.kind:
            return False
        if self.table is not None:
            return (
                _full(self.name, obj.name)
                and _full(self.table[0], obj.table.schema)
                and _full(self.table[1], obj.table.name)
            )
        if self.schema is None:
            return _full(self.name, obj.name)
        if not (_full(self.schema, obj.qname.schema) and _full(self.name, obj.qname.name)):
            return False
        return self.signature is None or _signature(obj.signature) == self.signature


def _full(pattern: re.Pattern, text: str) -> bool:
    return pattern.fullmatch(text) is not None


def _signature(text: str) -> str:
    """Argument types compared without case and spacing: ``Integer,text`` is ``integer, text``."""
    return ", ".join(" ".join(part.split()) for part in text.lower().split(",")) if text.strip() else ""


def _pattern(part: str) -> re.Pattern:
    if part.startswith('"'):
        return re.compile(re.escape(part[1:-1].replace('""', '"')))
    return re.compile(".*".join(re.escape(piece) for piece in part.split("*")), re.DOTALL)


def _qualified(text: str) -> tuple[re.Pattern, re.Pattern]:
    first, second = _PARTS.match(text).groups()
    return (_pattern(first), _pattern(second)) if second else (re.compile("public"), _pattern(first))


def _shape(noun: str) -> str:
    if noun in _ON_TABLE:
        return f"'{noun} NAME on schema.table'"
    if noun in _ROUTINES:
        return f"'{noun} schema.name(argument types)' (or without the types: every {noun} of that name)"
    if noun in _UNQUALIFIED:
        return f"'{noun} NAME'"
    return f"'{noun} schema.name'"


def parse(text: str) -> Entry:
    """The entry ``text``; ValueError, saying how to write it, when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("an entry names an object: its kind and its name, such as 'table public.audit_log'")
    text = text.strip()
    noun = next((n for n in sorted(KINDS, key=len, reverse=True) if text == n or text.startswith(n + " ")), None)
    if noun is None:
        word = text.split()[0]
        if word == "schema":
            raise ValueError(
                "a schema is not left alone by name: one the spec does not declare is left alone already, "
                "with all it holds"
            )
        hint = suggest(word, KINDS) or f"; start with one of {', '.join(sorted(KINDS))}"
        raise ValueError(f"'{word}' is not a kind of object an entry can name{hint}")
    found = _ENTRY.match(text)
    if found is None:
        raise ValueError(f"'{text}' is not an entry; write {_shape(noun)}, quoting a name with spaces or dots")
    name, table, signature = found["name"], found["table"], found["signature"]
    if (table is None) == (noun in _ON_TABLE):
        raise ValueError(f"'{text}': write {_shape(noun)}")
    if signature is not None and noun not in _ROUTINES:
        raise ValueError(f"'{text}': only a routine has argument types; write {_shape(noun)}")
    kind = KINDS[noun]
    if table is not None:
        if _PARTS.match(name).group(2):
            raise ValueError(f"'{text}': name the {noun} without a schema (it is in its table's); write {_shape(noun)}")
        return Entry(text, kind, None, _pattern(name), _qualified(table))
    if noun in _UNQUALIFIED:
        if _PARTS.match(name).group(2):
            raise ValueError(
                f"'{text}': {'an' if noun[0] in 'aeiou' else 'a'} {noun} has no schema; write {_shape(noun)}"
            )
        return Entry(text, kind, None, _pattern(name))
    schema, pattern = _qualified(name)
    return Entry(text, kind, schema, pattern, signature=None if signature is None else _signature(signature))


def check(text: str) -> str:
    """``text`` as the spec keeps it, once it parses (for the spec's model)."""
    parse(text)
    return text.strip()


def quoted(name: str) -> str:
    """A name part as an entry writes it: bare where it can be, else in double quotes."""
    if re.fullmatch(r'[^\s."()*]+', name) and name not in ("on",):
        return name
    return '"' + name.replace('"', '""') + '"'


def entry_for(obj: Any) -> str:
    """The entry that names ``obj`` and nothing else (what ``schemac import`` writes)."""
    kind = kinds.of(obj)
    if kind.noun in _ON_TABLE:
        return f"{kind.noun} {quoted(obj.name)} on {quoted(obj.table.schema)}.{quoted(obj.table.name)}"
    if kind.noun in _UNQUALIFIED:
        return f"{kind.noun} {quoted(obj.name)}"
    name = f"{quoted(obj.qname.schema)}.{quoted(obj.qname.name)}"
    return f"{kind.noun} {name}({obj.signature})" if kind.noun in _ROUTINES else f"{kind.noun} {name}"
