"""Questions several rules ask of the model."""

from __future__ import annotations

from schemac.lint.config import LintConfig
from schemac.lint.model import Policy, Table
from schemac.lint.tree import Key, conjuncts, strings


def leads(table: Table, columns: tuple[str, ...], tenant_column: str | None = None) -> bool:
    """Does an index (or PK/unique constraint) start with ``columns``, in any order?

    On a tenant-scoped table a leading tenant column may come first: the
    conventions make every index tenant-first, and such an index still serves
    the lookup (the tenant is known, and PostgreSQL 18 can skip-scan it).
    """
    wanted = set(columns)
    for index in table.indexes:
        cols = index.columns
        candidates = [cols]
        if tenant_column and cols[:1] == (tenant_column,) and tenant_column not in wanted:
            candidates.append(cols[1:])
        if any(set(c[: len(wanted)]) == wanted for c in candidates):
            return True
    return False


def requires_null(expr: dict | None, column: str) -> bool:
    """Does the expression, through its top-level ANDs, require ``column IS NULL``?"""
    for term in conjuncts(expr):
        test = term.get("NullTest")
        if test and test.get("nulltesttype") == "IS_NULL":
            ref = test.get("arg", {}).get("ColumnRef")
            if ref and strings(ref.get("fields"))[-1:] == [column]:
                return True
    return False


def filter_of(policy: Policy) -> dict | None:
    """The expression that decides which rows a policy admits."""
    if policy.command == "insert":
        return policy.check
    return policy.using if policy.using is not None else policy.check


def is_append_only(table: Table, config: LintConfig) -> bool:
    comment = (table.comment or "").lower()
    if "append-only" in comment or "append only" in comment:
        return True
    return key_listed(table.key, config.append_only_tables)


def key_listed(key: Key, names: tuple[str, ...]) -> bool:
    schema, name = key
    return any(entry in (name, f"{schema}.{name}") for entry in names)


def exposed(key: Key, config: LintConfig) -> bool:
    return key[0] in config.exposed_schemas


def label(key: Key) -> str:
    schema, name = key
    return name if schema == "public" else f"{schema}.{name}"


def columns_text(columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(c if not c.startswith("(") else "<expression>" for c in columns) + ")"
