"""Row level security policies of a table, as the spec writes them."""

from __future__ import annotations

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from ...sqltree import check_expression
from .. import models as m
from .fragments import ignores, sql
from .scope import Scope


def policy_of(scope: Scope, table: QualifiedName, name: str, policy: m.PolicySpec, path: Path) -> cat.Policy | None:
    ok = scope.ident(name, path)
    if policy.command == "insert" and policy.using is not None:
        scope.error(
            path + ("using",),
            "an INSERT policy has no 'using' (there are no existing rows to filter); use 'with_check'",
        )
        ok = False
    if policy.command in ("select", "delete") and policy.with_check is not None:
        scope.error(path + ("with_check",), f"a {policy.command.upper()} policy has no 'with_check'; use 'using'")
        ok = False
    if policy.using is None and policy.with_check is None:
        scope.error(path, "a policy needs 'using', 'with_check' or both", key=True)
        ok = False
    for key in ("using", "with_check"):
        text = getattr(policy, key)
        if text is not None and sql(scope, check_expression, text, path + (key,), key) is None:
            ok = False
    for i, role in enumerate(policy.roles):
        ok = scope.role(role, path + ("roles", i)) and ok
    if not ok:
        return None
    return cat.Policy(
        name,
        table,
        policy.command,
        policy.type == "permissive",
        tuple(policy.roles),
        policy.using,
        policy.with_check,
        policy.comment,
        ignores(scope, policy.ignore, path),
    )
