"""The project's policies and triggers on the platform's tables (``platform_tables``).

The table is the platform's: it exists before the spec (the Supabase stand-in makes it where a
database has no platform), and its columns, row level security and privileges are the platform's
to set, so the spec states none of them. What the project attaches is its code, and is checked as a
table's is; the columns its policies name are checked where the spec is built, on the scratch server.
"""

from __future__ import annotations

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...supabase import PLATFORM_SCHEMAS
from ..names import split_qualified, suggest
from .policies import policy_of
from .scope import Scope
from .triggers import trigger_of


def platform_tables(scope: Scope) -> tuple[list[cat.Policy], list[cat.Trigger]]:
    policies: list[cat.Policy] = []
    triggers: list[cat.Trigger] = []
    for key, table in scope.spec.platform_tables.items():
        path = ("platform_tables", key)
        qname = _platform_table(scope, key, path)
        if qname is None:
            continue
        for name, policy in table.policies.items():
            if built := policy_of(scope, qname, name, policy, path + ("policies", name)):
                policies.append(built)
        # The columns of the platform's tables the spec knows (auth.users'); the others are checked on the server.
        columns = scope.platform.tables[qname][1] if qname in scope.platform.tables else None
        for name, trigger in table.triggers.items():
            here = path + ("triggers", name)
            built = trigger_of(scope, qname, name, trigger, here, columns)
            if built is None:
                continue
            if built.function not in scope.functions:
                # The platform's own triggers on its tables call its functions: a plan reads a trigger
                # there as the project's by its function, so one calling the platform's would be lost.
                scope.error(
                    here + ("function",),
                    f"a trigger on the platform's table {qname} must call a function of the spec: '{built.function}' "
                    "is the platform's, and a plan could not tell this trigger from the platform's own",
                )
                continue
            triggers.append(built)
    return policies, triggers


def _platform_table(scope: Scope, key: str, path) -> QualifiedName | None:
    parts = split_qualified(key, default_schema="")
    if parts is None or not parts[0]:
        scope.error(path, f"'{key}' is not a platform table: write schema.table, such as storage.objects", key=True)
        return None
    schema, name = parts
    if not (scope.ident(schema, path) and scope.ident(name, path)):
        return None
    if schema == "public" or schema in scope.spec.schemas:
        scope.error(path, f"schema '{schema}' is the spec's: its tables go under 'tables'", key=True)
        return None
    if schema not in PLATFORM_SCHEMAS:
        scope.error(
            path,
            f"schema '{schema}' is not the platform's: platform tables are in the schemas the platform owns "
            f"(auth, storage, realtime, ...){suggest(schema, PLATFORM_SCHEMAS)}",
            key=True,
        )
        return None
    return QualifiedName(schema, name)
