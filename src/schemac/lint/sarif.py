"""Findings as SARIF 2.1.0, the format GitHub code scanning uploads."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from schemac import __version__
from schemac.lint.finding import Finding, Severity
from schemac.lint.registry import SECTIONS, all_rules, section

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def format_sarif(findings: list[Finding], root: str | Path | None = None) -> str:
    """One run listing every rule (with its help text) and a result per finding.

    File paths become URIs relative to ``root`` (the repository root) when
    they lie under it, so code scanning can place them; columns count
    Unicode code points, as the findings do.
    """
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "schemac",
                "version": __version__,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index, root) for f in findings],
    }
    if root is not None:
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": Path(root).resolve().as_uri() + "/"}}
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(rule) -> dict:
    why = section(rule.doc, SECTIONS[1])
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(why.split())},
        "help": {"text": rule.hint, "markdown": rule.doc},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [_FAMILIES.get(rule.code[2], "schemac")]},
    }


_FAMILIES = {"0": "engine", "1": "integrity", "2": "security", "3": "performance", "4": "consistency", "5": "migration"}


def _result(f: Finding, index: dict[str, int], root) -> dict:
    location = {"uri": _uri(f.file, root)}
    if root is not None and not PurePosixPath(location["uri"]).is_absolute() and ":" not in location["uri"]:
        location["uriBaseId"] = "SRCROOT"
    return {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": f.line,
                        "startColumn": f.column,
                        "endLine": f.end_line,
                        "endColumn": max(f.end_column, f.column) if f.end_line == f.line else f.end_column,
                    },
                }
            }
        ],
    }


def _uri(file: str, root) -> str:
    path = Path(file)
    if root is not None:
        try:
            path = path.resolve().relative_to(Path(root).resolve())
        except ValueError:
            return path.resolve().as_uri()
    return quote(path.as_posix())
