"""A rule's documentation page, rendered from its docstring (what
``schemac lint --explain`` prints and what ``docs/rules/<name>.md`` holds)."""

from __future__ import annotations

from schemac.lint.registry import Rule, get_rule

FAMILIES = {
    "0": ("SC0xx", "engine", "problems of the input itself"),
    "1": ("SC1xx", "integrity", "keys and references"),
    "2": ("SC2xx", "security", "row level security, policies, function privileges"),
    "3": ("SC3xx", "performance", "what RLS and indexes cost per query"),
    "4": ("SC4xx", "consistency", "types and monitoring that mislead"),
    "5": ("SC5xx", "migration", "hazards of altering tables that hold data"),
}


def explain(code_or_name: str) -> str:
    """The documentation of one rule, by code or name. Raises UnknownRule."""
    return render_rule(get_rule(code_or_name))


def render_rule(rule: Rule) -> str:
    family = FAMILIES[rule.code[2]][1]
    aliases = f" Also known as: {', '.join(rule.aliases)}." if rule.aliases else ""
    return (
        f"# {rule.name} ({rule.code})\n\n"
        f"Family: {family}. Default severity: {rule.severity.value}.{aliases}\n\n"
        f"{rule.doc}\n\n"
        f"## Fix in one line\n{rule.hint}\n\n"
        f"## Suppress\n`-- schemac-ignore {rule.name} <reason>` on or above the statement.\n"
    )
