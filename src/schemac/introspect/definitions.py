"""What two databases hold differently where the catalog does not look: each object's definition as
PostgreSQL prints it (``queries/definitions.sql``), compared line by line.

The catalog models what schemac can write; whatever it has not learnt yet (a function's ``SET
statement_timeout``, a foreign key's ``MATCH FULL``, a comment on a constraint, a table's rule) would be
invisible to ``diff.compare``, so an import would say "exact" and ``check --db`` see no drift while it is
lost. Here every object both databases hold is compared as PostgreSQL prints it; an object only one of them
holds is the catalog's to report (or named as not managed).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..catalog.objects import Catalog, PrivilegeScope

# The line pg_get_functiondef gives a function's attributes on, where LEAKPROOF is left out: the scratch
# database builds a goal's functions without it (only a superuser may declare it), and the catalog has it.
_ATTRIBUTE_WORDS = frozenset(
    "IMMUTABLE STABLE VOLATILE STRICT LEAKPROOF SECURITY DEFINER WINDOW NOT PARALLEL SAFE UNSAFE RESTRICTED".split()
)


@dataclass(frozen=True)
class Unmodelled:
    """An object two databases both hold whose definitions differ: the lines only one of them has."""

    object: str  # "function public.f(integer)", "constraint orders_fk on public.orders", ...
    only_first: tuple[str, ...]
    only_second: tuple[str, ...]

    def describe(self, first: str = "the source", second: str = "the rebuilt database") -> str:
        ours, theirs = self.only_first, self.only_second
        if len(ours) == len(theirs):  # lines changed in place: from where they start to differ
            ours, theirs = zip(*(_from_difference(a, b) for a, b in zip(ours, theirs))) if ours else ((), ())
        parts = []
        if ours:
            parts.append(f"{first} has {_quoted(ours)}")
        if theirs:
            parts.append(f"{second} has {_quoted(theirs)}")
        return f"{self.object} differs in what schemac does not model: {'; '.join(parts)}"


def _from_difference(a: str, b: str, context: int = 2) -> tuple[str, str]:
    """Two lines from a few words before the first word where they differ."""
    words_a, words_b = a.split(), b.split()
    same = 0
    while same < min(len(words_a), len(words_b)) and words_a[same] == words_b[same]:
        same += 1
    start = max(same - context, 0)
    if start == 0:
        return a, b
    return " ".join(["...", *words_a[start:]]), " ".join(["...", *words_b[start:]])


def _quoted(lines: Iterable[str]) -> str:
    return " / ".join(f"`{_short(line.strip())}`" for line in lines)


def _short(line: str, limit: int = 160) -> str:
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _lines(obj: str, definition: str, scope: PrivilegeScope | None) -> list[str]:
    """The definition's lines as compared: LEAKPROOF left out of a function's attributes, and its SET lines
    (the catalog compares every setting, and the scratch database builds a goal's functions without those
    its role may not set); where the privileges of only some roles are stated (a spec's allow-list), the
    others' grants."""
    lines = definition.splitlines()
    if obj.startswith(("function ", "procedure ")):
        lines = [_without_leakproof(line) for line in lines if not line.startswith(" SET ")]
    if scope is not None:
        roles = set() if not _privileges_managed(obj, scope) else set(scope.roles)
        lines = [line for line in lines if not _grant_of_another(line, roles)]
    return lines


def _privileges_managed(obj: str, scope: PrivilegeScope) -> bool:
    """Whether a spec manages the privileges on ``obj`` at all: not those of a schema it leaves alone, nor of a
    type it gives no grants (``PrivilegeScope``)."""
    kind, _, name = obj.partition(" ")
    if kind == "schema":
        return name.strip('"') not in scope.schemas_left_alone
    if kind in ("enum", "domain", "type") and scope.types is not None:
        return name.replace('"', "") in {str(t) for t in scope.types}
    return True


def _without_leakproof(line: str) -> str:
    words = line.split()
    if "LEAKPROOF" in words and set(words) <= _ATTRIBUTE_WORDS:
        return line.replace(" LEAKPROOF", "")
    return line


def _grant_of_another(line: str, roles: set[str]) -> bool:
    text = line.strip()
    if not text.startswith("grant "):
        return False
    role = text[len("grant ") :].split(":", 1)[0].strip('"').lower()
    return role not in roles


def compare(
    first: Mapping[str, str], second: Mapping[str, str], scope: PrivilegeScope | None = None
) -> list[Unmodelled]:
    """The objects both ``first`` and ``second`` hold (object -> definition) whose definitions differ, with
    the lines that differ; ``scope``: only these roles' grants are compared."""
    out = []
    for obj in sorted(first.keys() & second.keys()):
        a, b = _lines(obj, first[obj], scope), _lines(obj, second[obj], scope)
        if a == b:
            continue
        only_first, only_second = [], []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag != "equal":
                only_first += a[i1:i2]
                only_second += b[j1:j2]
        out.append(Unmodelled(obj, tuple(only_first), tuple(only_second)))
    return out


def unmodelled(first: Catalog, second: Catalog) -> list[Unmodelled]:
    """How the databases two catalogs were read from differ where the catalogs do not look (a spec's
    privilege scope, on either, limits the grants compared to its roles')."""
    scope = second.privileges or first.privileges
    return compare(dict(first.definitions), dict(second.definitions), scope)
