"""Suppressions written in SQL comments.

    -- schemac-ignore fk-unindexed, SC301 reason...      this statement
    -- schemac: ignore[fk-unindexed] reason...           the same, bracket form
    -- schemac-ignore-file rls-no-policy                  the whole file
    -- schemac: ignore-file[rls-no-policy]

A statement suppression applies to the statement it sits in, or to the next
statement when it sits above one; a comment after a statement on that
statement's last line applies to it. It also covers the findings on the
other statements of the same file about the same object (a table, with its
indexes, policies, triggers and comments; a function), see subject.py. Comments are found with pglast's
scanner, so text inside string literals and function bodies is never read
as a directive.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from schemac.lint.pgquery import ParseError, scan

from schemac.lint.source import Source, Statement

MARKER = "schemac"


@dataclass
class Suppression:
    """One `schemac: ignore[...]` comment."""

    source: Source
    offset: int  # byte offset of the comment
    rules: tuple[str, ...]  # as written (codes or names)
    file_wide: bool
    stmt: Statement | None  # None for file-wide ones
    used: set[str] = field(default_factory=set)


def _pieces_with_marker(source: Source, statements: list[Statement]):
    """(byte offset, text) of the stretches of the file that can hold a directive.

    A stretch runs from the end of one statement to the end of the next, so it
    holds the comments above a statement and the statement itself, and starts
    outside any string. Only the stretches the marker occurs in are scanned,
    found from the markers themselves: the cost follows the number of markers,
    not the size of the file.
    """
    data = source.sql_data
    marker = MARKER.encode()
    ends = [s.end for s in statements]
    scanned = set()
    found = data.find(marker)
    while found != -1:
        index = bisect_right(ends, found)
        lo = ends[index - 1] if index else 0
        hi = ends[index] if index < len(ends) else len(data)
        if index not in scanned:
            scanned.add(index)
            yield lo, data[lo:hi].decode("utf-8")
        found = data.find(marker, hi)


def find_suppressions(source: Source, statements: list[Statement]) -> list[Suppression]:
    starts = [s.start for s in statements]
    found = []
    for base, text in _pieces_with_marker(source, statements):
        try:
            tokens = scan(text)
        except ParseError:
            continue
        for token in tokens:
            if token.name not in ("SQL_COMMENT", "C_COMMENT"):
                continue
            directive = parse_directive(text[token.start : token.end + 1])
            if directive is None:
                continue
            rules, file_wide = directive
            offset = base + len(text[: token.start].encode("utf-8"))
            stmt = None if file_wide else _owner(source, statements, starts, offset)
            found.append(Suppression(source, offset, rules, file_wide, stmt))
    return found


def parse_directive(comment: str) -> tuple[tuple[str, ...], bool] | None:
    """``(rules, file_wide)`` from a comment's text, or None if it is not a directive."""
    body = comment[2:-2] if comment.startswith("/*") else comment[2:]
    body = body.strip()
    if body.startswith("schemac:"):
        body = body[len("schemac:") :].strip()
        for keyword, file_wide in (("ignore-file[", True), ("ignore[", False)):
            if body.startswith(keyword) and "]" in body:
                inside = body[len(keyword) : body.index("]")]
                return _names(inside), file_wide
        return None
    for keyword, file_wide in (("schemac-ignore-file", True), ("schemac-ignore", False)):
        if body.startswith(keyword):
            words = body[len(keyword) :].split()
            listed = []
            # names run until a word that neither ends with nor follows a comma
            for word in words:
                listed.append(word)
                if not word.endswith(","):
                    break
            return _names(" ".join(listed)), file_wide
    return None


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _owner(source: Source, statements: list[Statement], starts: list[int], offset: int) -> Statement | None:
    if not statements:
        return None
    index = bisect_right(starts, offset) - 1
    if index >= 0 and offset < statements[index].end:
        return statements[index]  # inside the statement
    previous = statements[index] if index >= 0 else None
    if previous is not None:
        previous_line = source.position(previous.end)[0]
        if previous_line == source.position(offset)[0]:
            return previous  # trailing comment on the statement's last line
    return statements[index + 1] if index + 1 < len(statements) else previous
