"""Findings as text, JSON and GitHub workflow commands (SARIF is in sarif.py).

Every formatter takes the findings and returns a string; none prints.
"""

from __future__ import annotations

import json

from schemac.lint.finding import Finding, Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def format_text(findings: list[Finding], color: bool = False, hints: bool = True) -> str:
    """``path:line:col: severity CODE name: message``, each followed by a hint line."""
    lines = []
    for f in findings:
        severity = f.severity.value
        if color:
            severity = f"{_COLORS[f.severity]}{severity}{_RESET}"
            head = f"{_BOLD}{f.file}:{f.line}:{f.column}:{_RESET} {severity} {_BOLD}{f.code}{_RESET} {f.name}"
        else:
            head = f"{f.file}:{f.line}:{f.column}: {severity} {f.code} {f.name}"
        lines.append(f"{head}: {f.message}")
        if hints and f.help:
            lines.append(f"    {_DIM if color else ''}help: {f.help}{_RESET if color else ''}")
    return "\n".join(lines) + ("\n" if lines else "")


def format_json(findings: list[Finding]) -> str:
    """A JSON list of ``{code, name, severity, file, line, column, end_line,
    end_column, message, help}``."""
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands, one per finding, escaped as
    @actions/core escapes them (``%``, CR and LF everywhere; ``:`` and ``,``
    in property values too)."""
    lines = []
    for f in findings:
        props = {
            "file": f.file,
            "line": f.line,
            "col": f.column,
            "endLine": f.end_line,
            "endColumn": f.end_column,
            "title": f"{f.code} {f.name}",
        }
        rendered = ",".join(f"{key}={_escape_property(str(value))}" for key, value in props.items())
        message = f.message + (f"\n{f.help}" if f.help else "")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {rendered}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
