"""What the importer's parts share: object identities, spec names, and the shapes of text."""

from __future__ import annotations

import re
from typing import Any, get_args

from ..catalog import kinds
from ..catalog.objects import QualifiedName
from ..spec.names import spell_qualified
from ..spec.models import Privilege
from ..introspect.text import closing_paren

Identity = tuple

SUPABASE_API_ROLES = ("anon", "authenticated", "service_role")
LANGUAGES = ("sql", "plpgsql")
TABLE_PRIVILEGES = ("select", "insert", "update", "delete", "truncate", "references", "trigger")
FULL = {
    "table": TABLE_PRIVILEGES,
    "sequence": ("usage", "select", "update"),
    "function": ("execute",),
    "schema": ("usage", "create"),
    "type": ("usage",),
}
# GRANT ... ON <keyword> (catalog.kinds' grant_keyword) -> the privileges of FULL it takes.
PRIVILEGES_ON = {
    "SCHEMA": "schema",
    "TYPE": "type",
    "DOMAIN": "type",
    "SEQUENCE": "sequence",
    "TABLE": "table",
    "FUNCTION": "function",
    "PROCEDURE": "function",
}
# The privileges a spec can name: the literal the spec model validates them against.
SPEC_PRIVILEGES = frozenset(get_args(Privilege))

_SHORT_TYPES = (
    (re.compile(r"timestamp(\(\d+\))? with time zone"), r"timestamptz\1"),
    (re.compile(r"timestamp(\(\d+\))? without time zone"), r"timestamp\1"),
    (re.compile(r"time(\(\d+\))? with time zone"), r"timetz\1"),
    (re.compile(r"time(\(\d+\))? without time zone"), r"time\1"),
    (re.compile(r"character varying"), "varchar"),
)


def storage_parameters(parameters: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Storage parameters as the spec writes them: numbers and booleans as YAML's, where they read back
    as the same text; other values as the text PostgreSQL stores."""
    out: dict[str, Any] = {}
    for name, text in parameters:
        value: Any = text
        if text in ("true", "false"):
            value = text == "true"
        elif re.fullmatch(r"-?[0-9]+", text) and str(int(text)) == text:
            value = int(text)
        elif re.fullmatch(r"-?[0-9]+\.[0-9]+", text) and str(float(text)) == text:
            value = float(text)
        out[name] = value
    return out


def identity(obj: Any) -> Identity:
    """How an object is matched between two catalogs: its kind's tag and identity (catalog.kinds),
    except that a function (or procedure) is matched by its name alone, as a trigger names the function it calls."""
    kind = kinds.of(obj)
    if kind in (kinds.FUNCTION, kinds.PROCEDURE):
        return (kind.tag, obj.qname)
    key = kind.identity(obj)
    return (kind.tag, *key) if isinstance(key, tuple) else (kind.tag, key)


def key_of(qname: QualifiedName) -> str:
    """How the spec names an object: ``vehicles`` in public, ``private.audit`` elsewhere, a name with a
    dot in double quotes (``'"v1.items"'``)."""
    return spell_qualified(qname)


def short_type(text: str) -> str:
    for pattern, short in _SHORT_TYPES:
        text = pattern.sub(short, text)
    return text


def bare(expression: str | None) -> str | None:
    """An expression without the parentheses PostgreSQL prints around all of it."""
    while expression and expression.startswith("(") and expression.endswith(")"):
        try:
            if closing_paren(expression, 0) != len(expression) - 1:
                break
        except ValueError:
            break
        expression = expression[1:-1].strip()
    return expression


def block(text: str) -> str:
    """Text of several lines ends with a newline, so it is written as a literal block."""
    return text + "\n" if "\n" in text else text


def one(items: list) -> Any:
    return items[0] if len(items) == 1 else list(items)
