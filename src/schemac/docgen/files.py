"""Generated files on disk: write one when it changed, or tell how it is stale."""

from __future__ import annotations

import difflib
from pathlib import Path


def current_text(path: Path) -> str | None:
    """The file's text, or ``None`` when there is no such file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def stale_diff(path: Path, text: str) -> str:
    """A unified diff from the file to ``text``; empty when the file holds exactly ``text``."""
    current = current_text(path)
    if current == text:
        return ""
    return "".join(
        difflib.unified_diff(
            (current or "").splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{path} (committed)",
            tofile=f"{path} (generated)",
        )
    )


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` (creating its folder) unless it is there already; return whether it wrote."""
    if current_text(path) == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
