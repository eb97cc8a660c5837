"""schemac's SQL linter: a library that never prints or exits.

from schemac.lint import LintConfig, lint_sql, format_text
findings = lint_sql(sql_text, "schema.sql", LintConfig())
print(format_text(findings))
"""

from schemac.lint.config import LintConfig
from schemac.lint.explain import explain
from schemac.lint.engine import lint_files, lint_sql
from schemac.lint.finding import Finding, Severity, at_or_above
from schemac.lint.formats import format_github, format_json, format_text
from schemac.lint.registry import Rule, UnknownRule, all_rules, get_rule
from schemac.lint.sarif import format_sarif

__all__ = [
    "Finding",
    "LintConfig",
    "Rule",
    "Severity",
    "UnknownRule",
    "all_rules",
    "at_or_above",
    "explain",
    "format_github",
    "format_json",
    "format_sarif",
    "format_text",
    "get_rule",
    "lint_files",
    "lint_sql",
]
