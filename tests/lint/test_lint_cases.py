"""Every rule's cases, from tests/lint/cases/<rule-name>.yaml.

A case is SQL and the findings of that rule it must give, each ``"line:col"``
or ``{at: "line:col", contains: "text in the message"}``; ``expect: []`` is a
passing case. Other rules' findings are ignored. A new case needs no Python.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from schemac.lint import LintConfig, all_rules, lint_sql

CASES_DIR = Path(__file__).parent / "cases"


def _load():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}")


@pytest.mark.parametrize(("rule", "case"), list(_load()))
def test_case(rule, case):
    config = LintConfig.from_mapping(case.get("config", {}))
    findings = [f for f in lint_sql(case["sql"], "case.sql", config) if f.name == rule]
    expected = [e if isinstance(e, dict) else {"at": e} for e in case["expect"]]
    got = [f"{f.line}:{f.column}" for f in findings]
    assert got == [e["at"] for e in expected], "\n".join(f"{x.line}:{x.column} {x.message}" for x in findings)
    for finding, want in zip(findings, expected):
        assert want.get("contains", "") in finding.message


def test_every_rule_has_failing_and_passing_cases():
    covered: dict[str, list[bool]] = {}
    for path in CASES_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem == data["rule"], f"{path.name} must be named after its rule"
        covered[data["rule"]] = [bool(case["expect"]) for case in data["cases"]]
    for rule in all_rules():
        kinds = covered.get(rule.name)
        assert kinds, f"no cases for {rule.name}"
        assert any(kinds) and not all(kinds), f"{rule.name} needs a failing and a passing case"
