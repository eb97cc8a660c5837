"""Partition bounds as PostgreSQL prints them -> the spec's ``partition`` keys.

A run of partitions named ``<table>_2024``, ``<table>_2025``, ... whose
bounds are exactly the years (or months) the spec would make becomes
``{interval: year, start: 2024, until: 2026}``; other bounds become explicit
``partitions`` (``{from: ..., to: ...}``, with a list of values per bound for
a key of several columns, ``{values: [...]}``, ``{modulus: ..., remainder: ...}``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..catalog.objects import QualifiedName
from ..introspect.text import closing_paren, skip_quoted, split_top_level
from ..spec.models import PartitionSpec
from ..spec.partitions import PeriodError, time_partitions

TIME_TYPES = ("date", "timestamptz", "timestamp")


class BoundError(ValueError):
    """A bound the spec cannot write."""


def _value(text: str) -> Any:
    """One literal of a bound: a string, a number, true/false, NULL, MINVALUE or MAXVALUE."""
    if text.startswith("'") and skip_quoted(text, 0) == len(text):
        return text[1:-1].replace("''", "'")
    upper = text.upper()
    if upper in ("MINVALUE", "MAXVALUE"):
        return upper
    if upper == "NULL":
        return None
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise BoundError(f"cannot read the bound value {text}") from None


def _inside(text: str, keyword: str) -> tuple[str, str]:
    """``FROM (x) TO (y)`` at ``keyword``: the text inside its parentheses, and what follows."""
    if not text.startswith(keyword):
        raise BoundError(f"cannot read the bound {text!r}")
    start = text.index("(", len(keyword))
    end = closing_paren(text, start)
    return text[start + 1 : end], text[end + 1 :].strip()


def parse_bound(bound: str) -> dict:
    """``FROM ('a') TO ('b')`` -> ``{from: a, to: b}``; ``IN (...)`` -> ``{values: [...]}``; hash -> modulus/remainder."""
    text = bound.strip()
    if text.startswith("FROM"):
        low, rest = _inside(text, "FROM")
        high, _ = _inside(rest, "TO")
        lows, highs = [_value(v) for v in split_top_level(low)], [_value(v) for v in split_top_level(high)]
        if len(lows) == 1:
            return {"from": lows[0], "to": highs[0]}
        return {"from": lows, "to": highs}  # one value per key column
    if text.startswith("IN"):
        inner, _ = _inside(text, "IN")
        return {"values": [_value(v) for v in split_top_level(inner)]}
    if text.startswith("WITH"):
        inner, _ = _inside(text, "WITH")
        out = {}
        for item in split_top_level(inner):
            key, _, number = item.partition(" ")
            out[key.lower()] = int(number)
        if set(out) != {"modulus", "remainder"}:
            raise BoundError(f"cannot read the bound {text!r}")
        return out
    raise BoundError(f"cannot read the bound {text!r}")


def time_series(table: QualifiedName, bounds: list[tuple[QualifiedName, str]], column_type: str) -> dict | None:
    """``{interval, start, until}`` when the partitions are exactly the periods the spec makes, else None."""
    if not bounds or column_type not in TIME_TYPES:
        return None
    names = {(q.schema, q.name): bound for q, bound in bounds}
    for interval in ("year", "month"):
        suffixes = []
        for q, _ in bounds:
            suffix = q.name[len(table.name) + 1 :] if q.name.startswith(table.name + "_") else ""
            suffixes.append(suffix)
        width = 4 if interval == "year" else 7
        if not all(len(s) == width and s.replace("_", "").isdigit() for s in suffixes):
            continue
        ordered = sorted(suffixes)
        start, until = ordered[0].replace("_", "-"), ordered[-1].replace("_", "-")
        spec = PartitionSpec(by="range", column="x", interval=interval, start=start, until=until)
        try:
            wanted = time_partitions(spec, column_type, date(2000, 1, 1))
        except PeriodError:
            continue
        made = {(table.schema, f"{table.name}_{suffix}"): bound for suffix, bound in wanted}
        if made == names:
            if interval == "year":
                return {"interval": "year", "start": int(start), "until": int(until)}
            return {"interval": "month", "start": start, "until": until}
    return None
