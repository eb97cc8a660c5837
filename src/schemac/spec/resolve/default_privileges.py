"""Default privileges (ALTER DEFAULT PRIVILEGES): checked here; which a plan manages is spec/privileges.py's."""

from __future__ import annotations

from ...catalog import objects as cat
from ...supabase import PLATFORM_CREATORS
from .grants import (
    FUNCTION_PRIVILEGES,
    SCHEMA_PRIVILEGES,
    SEQUENCE_PRIVILEGES,
    TABLE_PRIVILEGES,
    TYPE_PRIVILEGES,
    grants_of,
)
from ..names import suggest
from .scope import Scope

ALLOWED = {
    "tables": TABLE_PRIVILEGES,
    "sequences": SEQUENCE_PRIVILEGES,
    "functions": FUNCTION_PRIVILEGES,
    "types": TYPE_PRIVILEGES,
    "schemas": SCHEMA_PRIVILEGES,
}


def default_privileges(scope: Scope) -> tuple[cat.DefaultPrivileges, ...]:
    out: dict[tuple, cat.DefaultPrivileges] = {}
    for i, item in enumerate(scope.spec.default_privileges):
        path = ("default_privileges", i)
        on = "functions" if item.on == "routines" else item.on  # one entry in PostgreSQL
        if item.for_role is not None:
            if item.for_role.lower() == "public":
                scope.error(path + ("for_role",), "PUBLIC creates no objects; name a role, or leave out for_role")
            elif scope.spec.target.flavor == "supabase" and item.for_role in PLATFORM_CREATORS:
                scope.error(
                    path + ("for_role",),
                    f"the default privileges of {item.for_role} are the platform's; leave out for_role for those of "
                    "the role that applies the spec",
                )
            else:
                scope.role(item.for_role, path + ("for_role",))
        schema = item.schema_
        if schema is not None:
            if on == "schemas":
                scope.error(
                    path + ("schema",), "default privileges on schemas apply to every new schema; leave out 'schema'"
                )
            elif schema != "public" and schema in scope.platform.schemas:
                scope.error(
                    path + ("schema",),
                    f"schema '{schema}' belongs to the platform, whose default privileges are its own",
                )
            elif schema not in scope.schemas:
                known = suggest(schema, scope.schemas)
                scope.error(path + ("schema",), f"schema '{schema}' is not declared under 'schemas'{known}")
        grants = grants_of(scope, item.grants, [], ALLOWED[on], path)
        entry = cat.DefaultPrivileges(on, item.for_role, schema, grants)
        key = (item.for_role, schema, on)
        if key in out:
            scope.error(path, f"a second entry for {_named(entry)}; give each role its privileges in one entry")
        out[key] = entry
    return tuple(out.values())


def _named(entry: cat.DefaultPrivileges) -> str:
    where = f"schema {entry.schema}" if entry.schema else "every schema"
    return f"{entry.on} in {where}" + (f" made by {entry.for_role}" if entry.for_role else "")
