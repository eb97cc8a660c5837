"""Problems found in user input, reported all at once with their location.

The library raises :class:`SpecError` carrying every :class:`Problem` it found;
the CLI prints them and exits 2. Nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """``('tables', 'vehicles', 'columns', 'vin')`` -> ``tables.vehicles.columns.vin``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"


@dataclass(frozen=True)
class Problem:
    line: int
    column: int
    path: Path
    message: str
    file: str = "schema.yaml"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {format_path(self.path)}: {self.message}"


class SpecError(Exception):
    """The spec cannot be used; ``problems`` lists every reason, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.line, p.column, str(p)))
        super().__init__("\n".join(str(p) for p in self.problems))
