"""docs/rules/ is generated from the rules' docstrings and must be up to date."""

from __future__ import annotations

from pathlib import Path

from schemac.lint import all_rules
from schemac.lint.docs import generate

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"


def test_committed_rule_docs_match_the_docstrings():
    expected = generate()
    stale = [
        name
        for name, content in expected.items()
        if not (DOCS / name).exists() or (DOCS / name).read_text(encoding="utf-8") != content
    ]
    extra = sorted(p.name for p in DOCS.glob("*.md") if p.name not in expected)
    assert not stale and not extra, (
        f"run `PYTHONPATH=src python -m schemac.lint.docs docs/rules`; stale: {stale}, extra: {extra}"
    )


def test_issue_three_names_exist():
    names = {rule.name for rule in all_rules()}
    assert names >= {
        "composite-pk-fk-trap",
        "soft-delete-filter-missing",
        "append-only-mutable",
        "date-timestamptz-mix",
        "audit-column-unindexed",
        "fk-unindexed",
        "mv-freshness-proxy",
        "rls-disabled",
        "rls-not-forced",
        "policy-without-rls",
        "rls-no-policy",
        "policy-no-role",
        "tenant-filter-missing",
        "rls-initplan",
        "policy-always-true",
        "multiple-permissive-policies",
        "security-definer-search-path",
        "security-definer-executable",
        "index-not-tenant-first",
        "duplicate-index",
        "no-primary-key",
        "timestamp-without-tz",
        "index-not-concurrent",
        "constraint-not-valid",
        "not-null-without-default",
        "column-type-rewrite",
        "drop-column",
        "drop-table",
        "rename-column",
        "rename-table",
        "lock-timeout-missing",
        "concurrent-in-transaction",
    }


def test_every_rule_says_what_it_does_not_report():
    """Each rule's "What it does" names what it leaves alone and why (issue 14).
    fk-unindexed is rewritten on issue 15's branch, which owns its text."""
    from schemac.lint.registry import section

    missing = [
        rule.name
        for rule in all_rules()
        if "Not reported" not in section(rule.doc, "What it does") and rule.name != "fk-unindexed"
    ]
    assert missing == []


def test_configuration_md_documents_every_lint_setting_and_its_example_reads():
    import re
    import tomllib
    from dataclasses import fields

    from schemac.lint import LintConfig

    text = (DOCS.parents[0] / "configuration.md").read_text(encoding="utf-8")
    section = text.split("## Lint settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.MULTILINE))
    assert documented == {f.name.replace("_", "-") for f in fields(LintConfig)}
    example = re.search(r"```toml\n(.*?)```", section, re.DOTALL).group(1)
    config = LintConfig.from_mapping(tomllib.loads(example)["lint"])
    assert "etl_worker" in config.bypass_rls_roles and "api_user" in config.client_roles
