"""The partitions of a table partitioned by time: one per year or month."""

from __future__ import annotations

import re
from datetime import date

from . import models as m


class PeriodError(ValueError):
    """A period that cannot be read; ``key`` names the spec key at fault, if one is."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


_PERIOD = {"year": re.compile(r"(\d{4})\Z"), "month": re.compile(r"(\d{4})-(\d{2})\Z")}


def _period(text: str, interval: str, key: str) -> tuple[int, int]:
    match = _PERIOD[interval].match(text.strip())
    if not match:
        example = "2024" if interval == "year" else "2024-01"
        raise PeriodError(f"'{key}' must be a {interval} written like {example}, not {text!r}", key)
    year = int(match.group(1))
    month = int(match.group(2)) if interval == "month" else 1
    if not 1 <= month <= 12:
        raise PeriodError(f"'{key}' has month {month}; months are 01 to 12", key)
    return year, month


def _next(year: int, month: int, interval: str) -> tuple[int, int]:
    if interval == "year":
        return year + 1, 1
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _literal(year: int, month: int, column_type: str) -> str:
    day = f"{year:04d}-{month:02d}-01"
    # A timestamptz bound written without an offset would be read in the
    # session's time zone; UTC makes the partitions the same on every server.
    if column_type in ("timestamptz", "timestamp with time zone"):
        return f"'{day} 00:00:00+00'"
    if column_type in ("timestamp", "timestamp without time zone"):
        return f"'{day} 00:00:00'"
    return f"'{day}'"


def time_partitions(spec: m.PartitionSpec, column_type: str, today: date) -> list[tuple[str, str]]:
    """``[(suffix, bound)]`` from ``start`` through ``until``, or the current period + ``premake``."""
    column_type = column_type.lower()
    if column_type not in (
        "date",
        "timestamptz",
        "timestamp with time zone",
        "timestamp",
        "timestamp without time zone",
    ):
        raise PeriodError(f"partitioning by {spec.interval} needs a date or timestamptz column, not {column_type}")
    interval = spec.interval
    current = _period(spec.start, interval, "start")
    if spec.until is not None:
        last = _period(spec.until, interval, "until")
    else:
        last = (today.year, today.month if interval == "month" else 1)
        for _ in range(spec.premake):
            last = _next(*last, interval)
    if last < current:
        raise PeriodError(
            f"the last partition ({last[0]}{f'-{last[1]:02d}' if interval == 'month' else ''}) comes before 'start'"
        )
    out = []
    while current <= last:
        following = _next(*current, interval)
        suffix = f"{current[0]:04d}" if interval == "year" else f"{current[0]:04d}_{current[1]:02d}"
        bound = f"FROM ({_literal(*current, column_type)}) TO ({_literal(*following, column_type)})"
        out.append((suffix, bound))
        current = following
        if len(out) > 1200:
            raise PeriodError("more than 1200 partitions; check 'start' and 'until'")
    return out
