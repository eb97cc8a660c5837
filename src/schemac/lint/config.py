"""Lint options: one frozen object instead of a pile of keyword flags.

``LintConfig.from_mapping`` reads the ``[tool.schemac.lint]`` table of
pyproject.toml (or the spec's ``lint:`` section); unknown keys are errors so a
typo never silently disables a check.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any
from collections.abc import Mapping

from schemac.lint.finding import Severity

DEFAULT_INITPLAN_FUNCTIONS = (
    "auth.uid",
    "auth.jwt",
    "auth.role",
    "auth.email",
    "current_setting",
)


@dataclass(frozen=True)
class LintConfig:
    """The linter's options; the defaults suit a Supabase-style multi-tenant schema."""

    soft_delete_column: str = "deleted_at"
    tenant_column: str = "tenant_id"
    exposed_schemas: tuple[str, ...] = ("public",)
    audit_columns: tuple[str, ...] = ("created_by", "updated_by", "deleted_at")
    # Tables that are append-only even without an "append-only" table comment
    # (the spec's ``append_only: true`` passes them here), as "schema.table" or "table".
    append_only_tables: tuple[str, ...] = ()
    # Functions that must be wrapped in (select ...) inside policies; "schema.name" or "name".
    initplan_functions: tuple[str, ...] = DEFAULT_INITPLAN_FUNCTIONS
    # Roles that row level security does not apply to (BYPASSRLS or superuser): a
    # policy only for them, or gated on them, leaks nothing. Roles the linted SQL
    # creates or alters WITH BYPASSRLS or SUPERUSER count too.
    bypass_rls_roles: tuple[str, ...] = ("service_role", "supabase_admin", "postgres")
    # The roles untrusted clients act as: policy-always-true is about these.
    client_roles: tuple[str, ...] = ("public", "anon", "authenticated")
    # Supabase grants EXECUTE on new functions in public to anon directly (default
    # privileges), so revoking from PUBLIC alone is not enough there.
    supabase: bool = False
    # Rule selection: codes, names or code prefixes ("SC2"). Empty select = all rules.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # Per-rule severity overrides keyed by code or name.
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LintConfig:
        """Build from a TOML/YAML mapping; keys may use '-' or '_'. Raises ValueError."""
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for raw_key, value in data.items():
            key = raw_key.replace("-", "_")
            if key not in known:
                raise ValueError(f"unknown lint option {raw_key!r}; known: {', '.join(sorted(known))}")
            if key == "severity":
                if not isinstance(value, Mapping):
                    raise ValueError("lint option 'severity' must be a table of rule = severity")
                value = MappingProxyType({str(k): Severity.parse(str(v)) for k, v in value.items()})
            elif key == "supabase":
                if not isinstance(value, bool):
                    raise ValueError("lint option 'supabase' must be true or false")
            elif key in ("soft_delete_column", "tenant_column"):
                if not isinstance(value, str):
                    raise ValueError(f"lint option {raw_key!r} must be a string")
            else:
                if isinstance(value, str):
                    value = (value,)
                if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"lint option {raw_key!r} must be a list of strings")
                value = tuple(value)
            kwargs[key] = value
        return cls(**kwargs)

    @classmethod
    def from_pyproject(cls, path: str | Path) -> LintConfig:
        """The ``[tool.schemac.lint]`` table of a pyproject.toml; defaults if it has
        none. Raises ValueError for invalid TOML or options, OSError if unreadable."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from None
        table = data.get("tool", {}).get("schemac", {}).get("lint", {})
        if not isinstance(table, dict):
            raise ValueError(f"{path}: [tool.schemac.lint] must be a table")
        return cls.from_mapping(table)
