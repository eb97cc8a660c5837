"""Grants and revokes of a schema, table, view, sequence or function."""

from __future__ import annotations

from ...catalog import objects as cat
from ...errors import Path
from .scope import Scope

TABLE_PRIVILEGES = {"select", "insert", "update", "delete", "truncate", "references", "trigger", "all"}
SEQUENCE_PRIVILEGES = {"usage", "select", "update", "all"}
FUNCTION_PRIVILEGES = {"execute", "all"}
SCHEMA_PRIVILEGES = {"usage", "create", "all"}


def grants_of(scope: Scope, grants, revokes, allowed: set[str], path: Path) -> tuple[cat.Grant, ...]:
    out = []
    for key, items in (("grants", grants), ("revokes", revokes)):
        for i, item in enumerate(items):
            roles = item.to if key == "grants" else item.from_
            for j, role in enumerate(roles):
                scope.role(role, path + (key, i, "to" if key == "grants" else "from", j))
            for j, privilege in enumerate(item.privileges):
                if privilege not in allowed:
                    scope.error(
                        path + (key, i, "privileges", j),
                        f"privilege '{privilege}' does not apply here; use one of {', '.join(sorted(allowed))}",
                    )
            out.append(cat.Grant(tuple(item.privileges), tuple(roles), revoke=key == "revokes"))
    return tuple(out)
