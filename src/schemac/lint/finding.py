"""What a lint run reports: one :class:`Finding` per problem, with its place."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum


class Severity(str, Enum):
    """Ordered from least to most serious, so ``max()`` gives the worst."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r}; expected one of {choices}") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One problem at ``file:line:column`` (1-based; columns count characters)."""

    code: str
    name: str
    severity: Severity
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    help: str

    def to_dict(self) -> dict:
        # Not dataclasses.asdict: it deep-copies every field, a cost that shows
        # on runs with thousands of findings, all of them flat strings and ints.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["severity"] = self.severity.value
        return data


def at_or_above(findings: list[Finding], threshold: Severity | str) -> list[Finding]:
    """The findings that should fail a run with ``--fail-on threshold``."""
    level = Severity.parse(threshold) if isinstance(threshold, str) else threshold
    return [f for f in findings if f.severity.rank >= level.rank]
