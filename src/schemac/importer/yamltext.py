"""Plain data -> YAML text that reads like a hand-written schema.yaml, with comments.

PyYAML's dumper cannot write comments and lays mappings out one way only.
This writer keeps the shape of the reference schema: sections and tables in
block style, a column or an index on one line as a flow mapping when it
fits, SQL bodies and queries as literal blocks, and comments above the keys
they explain. The same data always gives the same text; the text is read
back with PyYAML and must give the data again (``dump`` checks it).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.resolver import Resolver

from ..catalog import kinds

Path = tuple[Any, ...]


# libyaml's safe loader where PyYAML has it, as spec/loader.py reads specs.
class _Reader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML read back as the spec's loader reads it: every key as its text (`on` is not YAML 1.1's true)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        out = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else self.construct_object(key, deep)
            out[name] = self.construct_object(value, deep)
        return out


_LOADER = _Reader

WIDTH = 100  # a flow mapping longer than this is written as a block
# Mappings keyed by names read best one name per line: the spec's sections of named objects
# (the registry's) and a table's named parts.
BLOCK_KEYS = frozenset(
    {kind.section for kind in kinds.KINDS if kind.section} | {"columns", "checks", "policies", "triggers", "partitions"}
)
_COMMENT_WIDTH = 88
_RESOLVER = Resolver()
_STR = "tag:yaml.org,2002:str"
_INDICATORS = set("!&*-?:,[]{}#|>@`\"'%")
# Characters a plain scalar cannot hold; and those no quoted scalar on one line shows as themselves
# (a tab can be single-quoted). Searched with a regular expression: a scalar's characters, one by one
# in Python, were a third of the writer's time on a spec of a few hundred tables.
_CONTROL = re.compile("[\x00-\x1f\x7f\ufeff]")
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f\ufeff\u2028\u2029\x85]")


@dataclass
class Commented:
    """Data with comments: ``above[path]`` are lines written before the key at ``path``;
    ``after[path]`` is written at the end of that key's line."""

    data: dict
    above: dict[Path, list[str]] = field(default_factory=dict)
    after: dict[Path, str] = field(default_factory=dict)

    def note(self, path: Path, text: str) -> None:
        """Add a comment paragraph above ``path``, wrapped to the width of the file."""
        lines = self.above.setdefault(tuple(path), [])
        for line in textwrap.wrap(text, _COMMENT_WIDTH - 2 * len(path), break_on_hyphens=False) or [""]:
            lines.append(line)


class DumpError(AssertionError):
    """The text written does not read back as the data: a bug in this module."""


def dump(doc: Commented, header: Sequence[str] = ()) -> str:
    """The YAML text of ``doc``, with ``header`` lines as a comment at the top."""
    out = []
    for line in header:
        indent = " " * (len(line) - len(line.lstrip()))
        for part in textwrap.wrap(
            line, _COMMENT_WIDTH, subsequent_indent=indent + "  ", break_on_hyphens=False, break_long_words=False
        ) or [""]:
            out.append(f"# {part}".rstrip())
    _Writer(doc, out).mapping(doc.data, (), 0)
    text = "\n".join(out) + "\n"
    # Read back as the spec loader reads it (libyaml's, about ten times faster than the pure-Python
    # loader: seconds on a spec of a few hundred tables).
    back = yaml.load(text, Loader=_LOADER)
    if back != _plain(doc.data):
        raise DumpError("the YAML written does not read back as the data it was written from")
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# -- scalars ----------------------------------------------------------------------


def _plain_ok(text: str, flow: bool, as_key: bool = False) -> bool:
    """Whether ``text`` may be written without quotes and read back as the same string; ``as_key``: as a mapping
    key, which the spec's loader reads as its text (so `on`, `no` and `null` need no quotes there)."""
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return False
    if _CONTROL.search(text):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    # In a flow collection PyYAML ends a plain scalar at '?' as well (jsonb's `doc ? 'key'`).
    if flow and any(c in text for c in ",[]{}?"):
        return False
    return as_key or _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR


def key(name: Any, flow: bool = False) -> str:
    """A mapping key: plain wherever YAML's syntax allows. The spec's loader reads every key as the text
    written, not as YAML 1.1's booleans and nulls, so `on: tables` (default privileges) or a column called
    `yes` is written as the docs write it."""
    text = str(name)
    return text if _plain_ok(text, flow, as_key=True) else scalar(text, flow)


def scalar(value: Any, flow: bool = False) -> str:
    """One scalar on one line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _plain_ok(text, flow):
        return text
    printable = not _UNPRINTABLE.search(text)
    if printable and ("'" not in text or "\\" in text):
        return "'" + text.replace("'", "''") + "'"
    if printable:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return json.dumps(text, ensure_ascii=False)


def _literal_ok(text: str) -> bool:
    """Whether a multi-line string can be a literal block and read back unchanged."""
    if "\n" not in text.rstrip("\n"):
        return False
    lines = text.split("\n")
    for line in lines:
        if line != line.rstrip() or any((ord(c) < 32 and c != "\t") or c in "\x7f\ufeff\u2028\u2029\x85" for c in line):
            return False
    first = next(line for line in lines if line)
    return not first.startswith("\t")


def _literal(text: str, indent: int) -> list[str]:
    """``|`` header and the indented lines of a literal block."""
    stripped = text.rstrip("\n")
    trailing = len(text) - len(stripped)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    first = next(line for line in stripped.split("\n") if line)
    header = "|" + ("2" if first.startswith(" ") else "") + chomp
    body = [(" " * indent + line) if line else "" for line in stripped.split("\n")]
    body += [""] * (trailing - 1 if trailing > 1 else 0)
    return [header, *body]


# -- the writer ---------------------------------------------------------------------


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


class _Writer:
    def __init__(self, doc: Commented, out: list[str]):
        self.doc = doc
        self.out = out

    def comments(self, path: Path, indent: int) -> None:
        for line in self.doc.above.get(path, ()):
            self.out.append((" " * indent + "# " + line).rstrip())

    def has_comments(self, value: Any, path: Path) -> bool:
        """Whether a comment is attached anywhere inside ``value`` (then it is written as a block)."""
        if any(p[: len(path)] == path and len(p) > len(path) for p in self.doc.above):
            return True
        return any(p[: len(path)] == path and len(p) > len(path) for p in self.doc.after)

    def flow(self, value: Any, depth: int = 0) -> str | None:
        """``value`` on one line, or None when it cannot or should not be: a mapping holds
        scalars and lists of scalars, a list holds scalars (and lists of them, for keys)."""
        if _is_leaf(value):
            if isinstance(value, str) and "\n" in value:
                return None
            return scalar(value, flow=True)
        if depth > 1 or (isinstance(value, (list, tuple)) and any(isinstance(v, Mapping) for v in value)):
            return None
        if isinstance(value, Mapping) and any(isinstance(v, Mapping) for v in value.values()):
            return None
        if isinstance(value, Mapping):
            parts = []
            for name, item in value.items():
                text = self.flow(item, depth + 1)
                if text is None:
                    return None
                parts.append(f"{key(name, flow=True)}: {text}")
            return "{" + ", ".join(parts) + "}"
        parts = [self.flow(item, depth + 1) for item in value]
        if any(p is None for p in parts):
            return None
        return "[" + ", ".join(parts) + "]"

    def inline(self, value: Any, path: Path, column: int) -> str | None:
        """How ``value`` is written after ``key: `` at ``column``, if on the same line."""
        if _is_leaf(value):
            if isinstance(value, str) and "\n" in value:
                return None
            return scalar(value)
        if not value:
            return "{}" if isinstance(value, Mapping) else "[]"
        named = path and path[0] != "conventions" and path[-1] in BLOCK_KEYS and isinstance(value, Mapping)
        if self.has_comments(value, path) or named:
            return None
        text = self.flow(value)
        if text is None or column + len(text) > WIDTH:
            return None
        return text

    def mapping(self, data: Mapping, path: Path, indent: int) -> None:
        pad = " " * indent
        for name, value in data.items():
            here = path + (name,)
            self.comments(here, indent)
            head = f"{pad}{key(name)}:"
            note = f"  # {self.doc.after[here]}" if here in self.doc.after else ""
            text = self.inline(value, here, len(head) + 1)
            if text is not None:
                self.out.append(f"{head} {text}{note}")
            elif isinstance(value, str):
                if _literal_ok(value):
                    header, *body = _literal(value, indent + 2)
                    self.out.append(f"{head} {header}{note}")
                    self.out.extend(body)
                else:
                    self.out.append(f"{head} {json.dumps(value, ensure_ascii=False)}{note}")
            elif isinstance(value, Mapping):
                self.out.append(f"{head}{note}")
                self.mapping(value, here, indent + 2)
            else:
                self.out.append(f"{head}{note}")
                self.sequence(value, here, indent + 2)

    def sequence(self, items: Sequence, path: Path, indent: int) -> None:
        pad = " " * indent
        for i, item in enumerate(items):
            here = path + (i,)
            self.comments(here, indent)
            text = self.inline(item, here, indent + 2)
            if text is not None:
                self.out.append(f"{pad}- {text}")
            elif isinstance(item, str):
                if _literal_ok(item):
                    header, *body = _literal(item, indent + 2)
                    self.out.append(f"{pad}- {header}")
                    self.out.extend(body)
                else:
                    self.out.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}")
            elif isinstance(item, Mapping):
                # The first key on the dash's line, the others under it.
                start = len(self.out)
                self.mapping(item, here, indent + 2)
                first = start
                while self.out[first].lstrip().startswith("#"):
                    first += 1
                self.out[first] = pad + "- " + self.out[first][indent + 2 :]
            else:
                self.out.append(f"{pad}-")
                self.sequence(item, here, indent + 2)
