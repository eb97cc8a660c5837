"""Grants and revokes of a schema, type, table, view, sequence or function (checked here; the allow-list
they make is spec/privileges.py's)."""

from __future__ import annotations

from ...catalog import objects as cat
from ...errors import Path
from ..privileges import privilege_problems
from .scope import Scope

TABLE_PRIVILEGES = {"select", "insert", "update", "delete", "truncate", "references", "trigger", "maintain", "all"}
SEQUENCE_PRIVILEGES = {"usage", "select", "update", "all"}
FUNCTION_PRIVILEGES = {"execute", "all"}
SCHEMA_PRIVILEGES = {"usage", "create", "all"}
TYPE_PRIVILEGES = {"usage", "all"}


def grants_of(
    scope: Scope, grants, revokes, allowed: set[str], path: Path, columns=None, key: str = "grants"
) -> tuple[cat.Grant, ...]:
    """The grants (under ``key`` in the spec), then the revokes; ``columns``: the table's column names,
    where grants may name them."""
    out = []
    for key, items in ((key, grants), ("revokes", revokes)):
        granting = key != "revokes"
        for i, item in enumerate(items):
            roles = item.to if granting else item.from_
            for j, role in enumerate(roles):
                scope.role(role, path + (key, i, "to" if granting else "from", j))
            for where, message in privilege_problems(item, allowed, columns):
                scope.error(path + (key, i, *where), message)
            if "maintain" in item.privileges:
                at = path + (key, i, "privileges", item.privileges.index("maintain"))
                scope.needs_version(17, "the MAINTAIN privilege", at)
            out.append(
                cat.Grant(
                    tuple(item.privileges),
                    tuple(roles),
                    revoke=not granting,
                    columns=tuple(item.columns or ()),
                    grantable=getattr(item, "with_grant_option", False),
                )
            )
    return tuple(out)
