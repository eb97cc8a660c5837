"""Rule documentation, generated from the rules' docstrings.

``explain()`` (in explain.py) gives one rule's page;
``python -m schemac.lint.docs [DIR]`` writes ``docs/rules/`` (a page per rule
and a README with the table of all rules). A test checks the committed pages
match, so the docs cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from schemac.lint.explain import FAMILIES, render_rule
from schemac.lint.registry import Rule, all_rules


def render_index(rules: list[Rule]) -> str:
    lines = [
        "# Lint rules",
        "",
        "Generated from the rules' docstrings by `python -m schemac.lint.docs`; do not edit.",
        "",
        "| family | codes | about |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {name} | {codes} | {about} |" for codes, name, about in FAMILIES.values()]
    lines += [
        "",
        "## Suppressing a finding",
        "",
        "In SQL, a comment on or just above the statement the finding points at, or above any",
        "statement of the same file about the same table or function:",
        "",
        "    -- schemac-ignore fk-unindexed, SC301  the reason, for the reviewer",
        "    -- schemac: ignore[fk-unindexed] the same, bracket form",
        "",
        "and for a whole file `-- schemac-ignore-file rule-name`. Rules are named by code or name.",
        "A suppression that suppresses nothing is reported (`unused-suppression`).",
        "",
        "## Configuration",
        "",
        "`[tool.schemac.lint]` in pyproject.toml (or the spec's `lint:` section), read by",
        "`LintConfig.from_mapping`: `select` / `ignore` (codes, names or code prefixes such as `SC5`),",
        "`severity` (a table of rule = error | warning | info), `soft-delete-column` (`deleted_at`),",
        '`tenant-column` (`tenant_id`), `exposed-schemas` (`["public"]`), `audit-columns`',
        "(`created_by`, `updated_by`, `deleted_at`), `append-only-tables`, `initplan-functions`,",
        "`bypass-rls-roles` (`service_role`, `supabase_admin`, `postgres`: roles row level security",
        "does not apply to, besides those the SQL creates WITH BYPASSRLS or SUPERUSER), `client-roles`",
        "(`public`, `anon`, `authenticated`: the roles untrusted callers act as)",
        "and `supabase` (anon gets EXECUTE on new functions by default).",
        "",
        "## Rules",
        "",
        "| code | name | severity | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| {rule.code} | [{rule.name}]({rule.name}.md) | {rule.severity.value} | {summary} |")
    return "\n".join(lines) + "\n"


def generate() -> dict[str, str]:
    """File name -> content for ``docs/rules/``."""
    rules = all_rules()
    pages = {f"{rule.name}.md": render_rule(rule) for rule in rules}
    pages["README.md"] = render_index(rules)
    return pages


def write_docs(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in generate().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a developer's command
    target = sys.argv[1] if len(sys.argv) > 1 else "docs/rules"
    for path in write_docs(target):
        print(path)
