"""Small Markdown helpers: inline code that survives tables, tables, and GitHub's heading anchors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def one_line(text: str) -> str:
    """SQL or prose on one line: runs of whitespace become one space."""
    return " ".join(text.split())


def code(text: str) -> str:
    """``text`` as inline code, on one line, safe inside a table cell.

    SQL written on several lines is joined into one; text of one line (a name)
    is kept as it is, its spaces included: ``"…todos. "`` is another policy
    than ``"…todos."``."""
    if "\n" in text or "\r" in text:
        text = one_line(text)
    text = text.replace("|", "\\|")
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    # CommonMark drops one space from each end of a code span that starts and ends with one,
    # and a backtick at either end would join the fence.
    pad = text.startswith("`") or text.endswith("`") or (text[:1] == text[-1:] == " " and text.strip() != "")
    return f"{fence}{' ' if pad else ''}{text}{' ' if pad else ''}{fence}"


def codes(items: Iterable[str]) -> str:
    return ", ".join(code(item) for item in items)


def cell(text: str) -> str:
    """Prose inside a table cell: one line, pipes escaped."""
    return one_line(text).replace("|", "\\|")


def words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


class Anchors:
    """Heading anchors as GitHub makes them, repeated headings numbered in document order."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def add(self, heading: str) -> str:
        text = re.sub(r"<[^>]+>", "", heading).replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        count = self._seen.get(slug, 0)
        self._seen[slug] = count + 1
        return slug if count == 0 else f"{slug}-{count}"
