"""One check's outcome."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str  # "tenancy: vehicles: tenant A sees only its own rows"
    passed: bool
    seen: str = ""  # on failure, what was seen instead

    @classmethod
    def ok(cls, name: str) -> Result:
        return cls(name, True)

    @classmethod
    def failed(cls, name: str, seen: str) -> Result:
        return cls(name, False, seen)

    @classmethod
    def expect(cls, name: str, passed: bool, seen: str) -> Result:
        return cls(name, passed, "" if passed else seen)
