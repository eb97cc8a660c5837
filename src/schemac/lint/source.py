"""SQL text -> statements, with positions.

The parse path is chosen for speed: libpg_query's JSON output (through
:mod:`schemac.lint.pgquery`, libpg_query as pglast ships it) read by orjson is about 25x faster than
building pglast's Python node objects, which matters on 18,000-statement
dumps (see issue 3's benchmark). Nodes are therefore plain dicts shaped
``{"NodeType": {field: value}}``; :mod:`schemac.lint.tree` walks them.

Offsets: libpg_query reports *byte* offsets into the UTF-8 text, while
pglast's scanner and ``ParseError`` report *character* offsets. Everything
here is kept in bytes and converted to characters only when a line:column is
printed, so non-ASCII identifiers and literals never shift a location.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
import re

import orjson

from schemac.lint.pgquery import ParseError, parse_json, scan
from schemac.lint.psql import sql_of


class Source:
    """One file's text, and the byte-offset -> (line, column) mapping.

    ``sql`` is the text the parser reads: the file with psql's meta-commands,
    variables and COPY data blanked out byte for byte (see :mod:`schemac.lint.psql`),
    so byte offsets in it are offsets in the file."""

    def __init__(self, text: str, file: str):
        self.text = text
        self.file = file
        self.data = text.encode("utf-8")
        self.is_ascii = len(self.data) == len(text)
        self.sql = sql_of(text)
        self.sql_data = self.data if self.sql is text else self.sql.encode("utf-8")
        self._line_starts: list[int] | None = None

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            lengths = (len(line) + 1 for line in self.data.split(b"\n"))
            self._line_starts = [0, *accumulate(lengths)][:-1]
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a byte offset; the column counts characters."""
        offset = max(0, min(offset, len(self.data)))
        index = bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[index]
        if self.is_ascii:
            return index + 1, offset - start + 1
        return index + 1, len(self.data[start:offset].decode("utf-8", "replace")) + 1

    def byte_offset(self, char_offset: int) -> int:
        """Byte offset of a character offset in ``sql`` (the parser's text)."""
        if self.is_ascii:
            return char_offset
        return len(self.sql[:char_offset].encode("utf-8"))


@dataclass(eq=False)
class Statement:
    """One parsed top-level statement.

    ``node`` is the body of the statement node (``kind`` is its type name);
    locations inside it are relative to ``base``; ``start``/``end`` are
    absolute byte offsets of its first character and just past its last.
    """

    kind: str
    node: dict
    start: int
    end: int
    base: int
    source: Source
    index: int = 0

    def at(self, location: int | None) -> int:
        """Absolute byte offset of a node location, or the statement start if unknown."""
        if location is None or location < 0:
            return self.start
        return self.base + location


@dataclass
class SyntaxProblem:
    """A stretch of a file that did not parse."""

    source: Source
    offset: int  # absolute byte offset
    message: str


@dataclass
class Parsed:
    """A file's statements, and the stretches of it that did not parse."""

    statements: list[Statement] = field(default_factory=list)
    problems: list[SyntaxProblem] = field(default_factory=list)


# libpg_query's JSON for a 3.5 MB file is about 19 MB, and it is held, with the
# parser's own memory, while orjson builds the tree (about 80 MB at the peak).
# Parsed in groups of statements of about this many characters, the peak is
# that of one group; the trees themselves are the same.
GROUP_CHARS = 256_000


def parse(source: Source) -> Parsed:
    """Parse the whole file; on a syntax error, parse it statement by statement
    so one bad statement costs one finding, not the whole file's lint."""
    try:
        return Parsed(_in_groups(source, source.sql))
    except ParseError:
        pass
    try:  # a group boundary the scanner put inside a BEGIN ATOMIC body, or a real error
        return Parsed(_statements(source, source.sql, 0))
    except ParseError as error:
        first_error = error
    try:
        chunks = _chunks(source.sql)
    except ParseError:
        chunks = None
    if chunks is None:  # the scanner itself failed (e.g. an unterminated quote)
        return Parsed([], [_problem(source, first_error, 0)])
    parsed = Parsed()
    for char_start, char_end in chunks:
        base = source.byte_offset(char_start)
        try:
            parsed.statements.extend(_statements(source, source.sql[char_start:char_end], base))
        except ParseError as error:
            parsed.problems.append(_problem(source, error, char_start))
    return parsed


def _in_groups(source: Source, sql: str) -> list[Statement]:
    """The statements of ``sql``, parsed a group at a time. A group ends at a
    semicolon that ends its line, before a line that starts a DDL statement:
    cheap to find (pglast's scanner would cost a tenth of the lint), and almost
    never inside a function body; where it is, the group does not parse and
    :func:`parse` parses the whole text at once."""
    out: list[Statement] = []
    start = base = 0  # character and byte offset of the group
    while len(sql) - start > GROUP_CHARS:
        boundary = _GROUP_END.search(sql, start + GROUP_CHARS)
        if boundary is None:
            break
        group = sql[start : boundary.end()]
        out += _statements(source, group, base)
        base += len(group) if source.is_ascii else len(group.encode("utf-8"))
        start = boundary.end()
    out += _statements(source, sql[start:], base)
    return out


_GROUP_END = re.compile(r";[ \t]*\n(?=(?:create|alter|comment|grant|revoke|drop)\s)", re.IGNORECASE)


def _problem(source: Source, error: ParseError, char_base: int) -> SyntaxProblem:
    message = error.args[0] if error.args else str(error)
    location = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else 0
    return SyntaxProblem(source, source.byte_offset(char_base + location), f"syntax error: {message}")


def _statements(source: Source, text: str, base: int) -> list[Statement]:
    tree = orjson.loads(parse_json(text))
    size = len(text.encode("utf-8")) if not source.is_ascii else len(text)
    out = []
    for raw in tree.get("stmts", ()):
        ((kind, node),) = raw["stmt"].items()
        location = raw.get("stmt_location", 0)
        length = raw.get("stmt_len", 0) or size - location
        out.append(Statement(kind, node, base + location, base + location + length, base, source))
    return out


def _chunks(text: str) -> list[tuple[int, int]]:
    """Character spans between top-level semicolons, found with pglast's scanner
    (dollar-quoted bodies are single tokens, so their semicolons never split)."""
    spans, start = [], 0
    for token in scan(text):
        if token.name == "ASCII_59":
            spans.append((start, token.start))
            start = token.end + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans
