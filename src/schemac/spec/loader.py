"""YAML -> plain Python data, with the line and column of every node kept.

PyYAML silently keeps the last of two equal keys; here that is an error. The
positions let every later stage report ``schema.yaml:LINE:COL``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Path, Problem, SpecError


# libyaml's parser, where PyYAML was built with it, reads large specs about twice as fast.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Positions:
    """Where each path of the document starts (1-based line and column)."""

    file: str
    nodes: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # Scalars as written, where YAML read them as something else than text
    # ('yes' -> True, 2024-01-01 -> a date), to explain that in messages.
    raw: dict[Path, str] = field(default_factory=dict)

    def of(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.nodes
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if not key and path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.nodes.get((), (1, 1))

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        line, col = self.of(path, key=key)
        return Problem(line, col, tuple(path), message, self.file)

    def placed(self, path: Path, message: str, *, key: bool = False) -> Problem:
        """A problem whose path may go deeper than the file does (a convention's, under a
        shorthand the file wrote as one value), placed at the deepest part the file has."""
        path = tuple(path)
        while len(path) > 1 and path not in self.keys and path not in self.nodes:
            path, key = path[:-1], False
        return self.problem(path, message, key=key)


@dataclass
class Document:
    data: Any
    positions: Positions


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# A spec is a few levels deep (tables.t.columns.c.references.table); anything
# near Python's recursion limit is an attack or an accident.
MAX_DEPTH = 64


# "\0" in a double-quoted YAML string; PostgreSQL's text cannot hold it, and libpq ends a string there.
_NUL = "a NUL character (\\0) cannot be part of a name or of SQL; remove it"


class _TooLarge(Exception):
    """The document is nested too deep, refers to itself, or grows too large through its aliases."""

    def __init__(self, node: yaml.Node, path: Path, message: str):
        self.node = node
        self.path = path
        self.message = message


class _Builder:
    """Nodes -> plain data. An alias is a second path to a node already read, so
    aliases are followed, but within bounds: ``budget`` values in all (a
    397-byte file of aliases to aliases would otherwise expand to billions),
    ``MAX_DEPTH`` levels, and never into a node that holds the alias itself."""

    def __init__(self, positions: Positions, budget: int):
        self.positions = positions
        self.problems: list[Problem] = []
        self._scalars = yaml.SafeLoader("")  # only for its scalar resolution
        self._budget = budget
        self._open: set[int] = set()  # the nodes being built, from the root down

    def build(self, node: yaml.Node, path: Path) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise _TooLarge(
                node,
                path,
                "the document grows too large through its aliases (*name); "
                "write the repeated part out, or repeat it less",
            )
        if len(path) > MAX_DEPTH:
            raise _TooLarge(node, path[:1], f"nested more than {MAX_DEPTH} levels deep; a spec needs far fewer")
        if id(node) in self._open:
            raise _TooLarge(node, path, "an alias (*name) here refers to a mapping or list that contains it")
        self.positions.nodes[path] = _mark(node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            self._open.add(id(node))
            try:
                return self._build_collection(node, path)
            finally:
                self._open.discard(id(node))
        value = self.build_scalar(node)
        if not isinstance(value, str):
            self.positions.raw[path] = node.value
        elif "\x00" in value:
            self.problems.append(Problem(*_mark(node), path, _NUL, self.positions.file))
        return value

    def _build_collection(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        Problem(
                            *_mark(key_node),
                            path,
                            "YAML merge keys (<<) are not supported; write the keys out",
                            self.positions.file,
                        )
                    )
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(
                        Problem(*_mark(key_node), path, "a key must be a plain scalar", self.positions.file)
                    )
                    continue
                # Keys are names: a column called `on` or `no` stays that word
                # instead of becoming YAML's boolean.
                key = key_node.value
                child = path + (key,)
                if "\x00" in key:
                    self.problems.append(Problem(*_mark(key_node), path, _NUL, self.positions.file))
                    continue
                if key in out:
                    first = self.positions.keys[child]
                    self.problems.append(
                        Problem(
                            *_mark(key_node),
                            child,
                            f"duplicate key '{key}' (first defined at line {first[0]})",
                            self.positions.file,
                        )
                    )
                    continue
                self.positions.keys[child] = _mark(key_node)
                out[key] = self.build(value_node, child)
            return out
        return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]

    def build_scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return None
        return self._scalars.construct_object(node, deep=True)


def load_text(text: str, file: str = "schema.yaml") -> Document:
    """Parse ``text``; raise :class:`SpecError` for syntax errors and duplicate keys."""
    positions = Positions(file)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise SpecError([Problem(1, 1, (), "the file is empty; a spec starts with 'version: 1'", file)])
    try:
        try:
            nodes = list(yaml.compose_all(text, Loader=_LOADER))
        except yaml.YAMLError:
            if _deepest(text):  # the pure-Python parser takes minutes over thousands of open brackets
                raise RecursionError from None
            # Read it again with the pure-Python parser, whose messages _explain knows.
            nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        line, col, reason = _explain(exc, text)
        raise SpecError([Problem(line, col, (), f"invalid YAML: {reason}", file)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(1, 1, (), f"invalid YAML: {exc}", file)]) from None
    except RecursionError:
        line, col = _deepest(text) or (1, 1)
        raise SpecError(
            [Problem(line, col, (), f"nested more than {MAX_DEPTH} levels deep; a spec needs far fewer", file)]
        ) from None
    if len(nodes) != 1:
        starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("---")]
        second = [n for n in starts if n > nodes[0].start_mark.line + 1] if nodes else []
        raise SpecError(
            [Problem(second[0] if second else 1, 1, (), "expected one YAML document, found several (---)", file)]
        )
    # Without aliases a value takes at least a byte of the file; with them, allow some repetition.
    builder = _Builder(positions, budget=10 * len(text) + 10_000)
    try:
        data = builder.build(nodes[0], ())
    except _TooLarge as exc:
        raise SpecError([Problem(*_mark(exc.node), exc.path, exc.message, file)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(1, 1, (), f"invalid YAML: {exc}", file)]) from None
    if builder.problems:
        raise SpecError(builder.problems)
    if not isinstance(data, dict):
        line, col = _mark(nodes[0])
        kind = "a list" if isinstance(data, list) else f"the scalar {data!r}"
        raise SpecError(
            [Problem(line, col, (), f"a spec is a mapping of keys such as 'version' and 'tables', not {kind}", file)]
        )
    return Document(data, positions)


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Line, column and a plain reason for PyYAML's most common errors."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or str(exc)
    context = exc.context or ""
    lines = text.splitlines()
    if "'\\t'" in problem:  # "found character '\\t' that cannot start any token"
        return line, col, "a tab cannot indent YAML; indent with spaces"
    if context.startswith("while parsing a flow") and exc.context_mark is not None:
        start = exc.context_mark
        bracket = lines[start.line][start.column] if start.line < len(lines) else "{"
        closer = {"{": "}", "[": "]"}.get(bracket, "}")
        return (
            start.line + 1,
            start.column + 1,
            f"'{bracket}' was never closed (expected ',' or '{closer}' at line {line}, column {col})",
        )
    if problem.startswith("expected <block end>") and 0 < line <= len(lines):
        indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
        for above in range(line - 2, -1, -1):
            content = lines[above].strip()
            if content and not content.startswith("#"):
                above_indent = len(lines[above]) - len(lines[above].lstrip(" "))
                if above_indent != indent:
                    return (
                        line,
                        col,
                        (
                            f"this line is indented by {indent} spaces, but the keys above it "
                            f"(line {above + 1}) are indented by {above_indent}"
                        ),
                    )
                break
    return line, col, f"{problem} ({context})" if context else problem


def _deepest(text: str) -> tuple[int, int] | None:
    """Where the brackets of ``text`` first open more than ``MAX_DEPTH`` deep, to place the
    refusal of a document the YAML parser could not read for its depth; None if they never do."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        for col, char in enumerate(line, 1):
            depth += (char in "[{") - (char in "]}")
            if depth > MAX_DEPTH:
                return number, col
    return None
