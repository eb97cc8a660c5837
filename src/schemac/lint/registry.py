"""Rules, their registry, and what a rule receives and returns.

A rule is a function decorated with :func:`rule`: it takes a :class:`Context`
and yields :class:`Hit` s. Its code never changes; the registry refuses a
duplicate code or name, and a renamed rule keeps its old name as an alias.
Its docstring is its user documentation (see :mod:`schemac.lint.docs`), so
the registry also refuses a docstring without the fixed sections.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Iterator

from schemac.lint.config import LintConfig
from schemac.lint.finding import Severity
from schemac.lint.model import Model
from schemac.lint.source import Statement

SECTIONS = ("What it does", "Why is this bad", "Example", "Use instead", "Fix safety")


@dataclass(frozen=True)
class Hit:
    """A rule's raw report: the statement it belongs to (for suppressions), an
    absolute byte offset in that statement's file, and the message."""

    stmt: Statement
    offset: int
    message: str
    # How to fix this one, where it differs from the rule's hint (SC301 on a Citus table).
    hint: str | None = None


@dataclass
class Context:
    """What a rule reads: the model, the statements and the options."""

    model: Model
    statements: list[Statement]
    config: LintConfig
    # Names of the rules that run: where two rules would see one mistake, the
    # more general one leaves it to the other (one finding per mistake).
    enabled: frozenset[str] = frozenset()

    def of_kind(self, *kinds: str) -> Iterator[Statement]:
        return (s for s in self.statements if s.kind in kinds)

    def reported_by(self, name: str) -> bool:
        """Does the rule ``name`` run, so that another rule may leave a finding to it?"""
        return name in self.enabled


Check = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its code, name, severity, hint and documentation."""

    code: str
    name: str
    severity: Severity
    hint: str  # one line: how to fix it
    doc: str
    check: Check
    aliases: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The first paragraph of "What it does", on one line."""
        body = section(self.doc, SECTIONS[0])
        return " ".join(body.split("\n\n")[0].split())


class UnknownRule(LookupError):
    pass


class Registry:
    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._lookup: dict[str, Rule] = {}

    def add(self, new: Rule) -> None:
        _validate(new)
        if new.code in self._rules:
            raise ValueError(f"duplicate rule code {new.code} ({self._rules[new.code].name} and {new.name})")
        for key in (new.name, *new.aliases):
            if key.lower() in self._lookup:
                raise ValueError(f"duplicate rule name {key!r}")
        self._rules[new.code] = new
        for key in (new.code, new.name, *new.aliases):
            self._lookup[key.lower()] = new

    def get(self, code_or_name: str) -> Rule:
        found = self._lookup.get(code_or_name.strip().lower())
        if found is None:
            raise UnknownRule(f"unknown rule {code_or_name!r}")
        return found

    def find(self, code_or_name: str) -> Rule | None:
        return self._lookup.get(code_or_name.strip().lower())

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)


REGISTRY = Registry()


def rule(code: str, name: str, severity: str, hint: str, aliases: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Register the decorated check function as a rule."""

    def register(check: Check) -> Check:
        doc = inspect.cleandoc(check.__doc__ or "")
        REGISTRY.add(Rule(code, name, Severity.parse(severity), hint, doc, check, aliases))
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, sorted by code (importing the rules package registers them)."""
    from schemac.lint import rules as package

    for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
        importlib.import_module(f"{package.__name__}.{module}")
    return list(REGISTRY)


def get_rule(code_or_name: str) -> Rule:
    all_rules()
    return REGISTRY.get(code_or_name)


def section(doc: str, title: str) -> str:
    """The text under ``## title`` in a rule docstring."""
    lines = doc.splitlines()
    try:
        start = lines.index(f"## {title}") + 1
    except ValueError:
        return ""
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip()


def _validate(new: Rule) -> None:
    if not (len(new.code) == 5 and new.code.startswith("SC") and new.code[2:].isdigit()):
        raise ValueError(f"rule code {new.code!r} must look like SC123")
    if not all(part and part.isalnum() and part.islower() for part in new.name.split("-")):
        raise ValueError(f"rule name {new.name!r} must be kebab-case")
    headings = [line[3:] for line in new.doc.splitlines() if line.startswith("## ")]
    if tuple(headings) != SECTIONS:
        raise ValueError(f"rule {new.code} docstring sections {headings} must be exactly {list(SECTIONS)}")
