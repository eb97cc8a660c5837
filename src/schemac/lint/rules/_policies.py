"""What a policy's roles and expressions amount to, for the security rules:
whether it only ever applies to roles that bypass row level security, and
whether its expression is a constant."""

from __future__ import annotations

from typing import Any

from schemac.lint.model import Policy
from schemac.lint.tree import conjuncts, func_name, strings

# The SQL functions and keywords that name the role a query runs as.
_ROLE_FUNCTIONS = frozenset({"auth.role", "current_user", "current_role", "session_user", "user"})
_ROLE_KEYWORDS = frozenset({"SVFOP_CURRENT_USER", "SVFOP_CURRENT_ROLE", "SVFOP_SESSION_USER", "SVFOP_USER"})
# current_setting() keys that hold the role: the SET ROLE in effect, PostgREST's claim.
_ROLE_SETTINGS = frozenset({"role", "request.jwt.claim.role"})
_JWT_SETTINGS = frozenset({"request.jwt.claims"})
# Policy roles that name whoever runs the query, not a role known here.
SESSION_ROLES = frozenset({"current_user", "current_role", "session_user"})


def bypass_roles(ctx) -> frozenset[str]:
    """The roles that row level security does not apply to: the configured ones
    (service_role and the like) and those the linted SQL gives BYPASSRLS or SUPERUSER."""
    return frozenset(ctx.config.bypass_rls_roles) | ctx.model.bypass_roles


def only_for_bypassing_roles(policy: Policy, roles: frozenset[str]) -> bool:
    """Does the policy apply only where row level security is not applied anyway?

    True when every role it names bypasses RLS, or when each of its
    expressions requires, through top-level ANDs, that the caller be such a
    role (``auth.role() = 'service_role'``, ``(auth.jwt() ->> 'role') =
    'service_role'``, ``current_user = 'service_role'``, ``auth.role() in
    (...)`` or ``= ANY (ARRAY[...])`` of such roles only)."""
    if set(policy.roles) <= roles:
        return True
    expressions = [e for e in (policy.using, policy.check) if e is not None]
    return bool(expressions) and all(requires_role(e, roles) for e in expressions)


def requires_role(expr: dict | None, roles: frozenset[str]) -> bool:
    """Does a top-level AND term require the caller's role to be one of ``roles``?"""
    return any(_role_test(term, roles) for term in conjuncts(expr))


def _role_test(term: dict, roles: frozenset[str]) -> bool:
    test = term.get("A_Expr")
    if not test or strings(test.get("name")) != ["="]:
        return False
    left, right = test.get("lexpr"), test.get("rexpr")
    if test.get("kind") == "AEXPR_OP":
        for side, other in ((left, right), (right, left)):
            if _is_role(side) and _text(other) in roles:
                return True
    elif test.get("kind") in ("AEXPR_IN", "AEXPR_OP_ANY") and _is_role(left):
        # ``in ('a', 'b')``, and ``= ANY (ARRAY['a'::text, 'b'::text])`` as pg_dump
        # (and so ``supabase db diff``) prints it
        right = _unwrap(right)
        items = right.get("List", {}).get("items") or right.get("A_ArrayExpr", {}).get("elements") or ()
        return bool(items) and all(_text(item) in roles for item in items)
    return False


def _is_role(node: dict | None) -> bool:
    """Does the expression read the caller's role?"""
    node = _unwrap(node)
    if "SQLValueFunction" in node:
        return node["SQLValueFunction"].get("op") in _ROLE_KEYWORDS
    if "FuncCall" in node:
        call = node["FuncCall"]
        name = func_name(call).removeprefix("pg_catalog.")
        return name in _ROLE_FUNCTIONS or (name == "current_setting" and _first_argument(call) in _ROLE_SETTINGS)
    operator = node.get("A_Expr")
    if operator and strings(operator.get("name")) in (["->>"], ["->"]) and _text(operator.get("rexpr")) == "role":
        return _is_jwt(operator.get("lexpr"))
    return False


def _is_jwt(node: dict | None) -> bool:
    node = _unwrap(node)
    call = node.get("FuncCall")
    if not call:
        return False
    name = func_name(call).removeprefix("pg_catalog.")
    return name == "auth.jwt" or (name == "current_setting" and _first_argument(call) in _JWT_SETTINGS)


def _unwrap(node: dict | None) -> dict:
    """The expression inside casts and a scalar subquery ``(select x)``."""
    while node:
        if "TypeCast" in node:
            node = node["TypeCast"].get("arg")
        elif "SubLink" in node and node["SubLink"].get("subLinkType") == "EXPR_SUBLINK":
            select = node["SubLink"].get("subselect", {}).get("SelectStmt", {})
            targets = select.get("targetList") or ()
            if len(targets) != 1 or select.get("fromClause") or select.get("whereClause"):
                return node
            node = targets[0]["ResTarget"].get("val")
        else:
            return node
    return {}


def _first_argument(call: dict) -> Any:
    args = call.get("args") or ()
    return _text(args[0]) if args else None


def _text(node: dict | None) -> str | None:
    node = _unwrap(node)
    const = node.get("A_Const")
    if const and "sval" in const:
        return const["sval"].get("sval", "")
    return None


# Constant folding: whether an expression is true whatever the row.

_COMPARISONS = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def constant_truth(expr: dict | None) -> bool | None:
    """True or False when the expression is a constant (``true``, ``1 = 1``,
    ``'a' = 'a'``, ``not false``, ``x or true``, ``x and false``), else None."""
    if not expr:
        return None
    if "A_Const" in expr:
        value = _constant(expr)
        return value if isinstance(value, bool) else None
    boolean = expr.get("BoolExpr")
    if boolean:
        values = [constant_truth(arg) for arg in boolean.get("args") or ()]
        operator = boolean.get("boolop")
        if operator == "NOT_EXPR":
            return None if values[0] is None else not values[0]
        decisive = operator == "OR_EXPR"  # true decides an OR, false an AND
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    test = expr.get("A_Expr")
    if test and test.get("kind") == "AEXPR_OP":
        compare = _COMPARISONS.get("".join(strings(test.get("name"))))
        left, right = _constant(test.get("lexpr")), _constant(test.get("rexpr"))
        # Text is compared for (in)equality only: its order depends on the collation.
        ordered = not isinstance(left, str) or compare in (_COMPARISONS["="], _COMPARISONS["<>"])
        if compare and left is not None and type(left) is type(right) and ordered:
            return compare(left, right)
        return None
    null_test = expr.get("NullTest")
    if null_test and "A_Const" in (null_test.get("arg") or {}):
        is_null = bool(null_test["arg"]["A_Const"].get("isnull"))
        return is_null == (null_test.get("nulltesttype") == "IS_NULL")
    return None


def _constant(node: dict | None) -> Any:
    """The value of a literal, not cast (a cast may change how it compares): bool, int, float or str."""
    const = (node or {}).get("A_Const")
    if not const or const.get("isnull"):
        return None
    if "boolval" in const:
        return bool(const["boolval"].get("boolval", False))
    if "ival" in const:
        return const["ival"].get("ival", 0)
    if "fval" in const:
        return float(const["fval"].get("fval", "0"))
    if "sval" in const:
        return const["sval"].get("sval", "")
    return None
