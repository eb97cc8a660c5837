"""Aggregates: their argument and state types checked like a function's, and each function they
name found among the spec's (else taken for PostgreSQL's own, which the scratch server checks)."""

from __future__ import annotations

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from ..names import split_qualified
from .grants import FUNCTION_PRIVILEGES, grants_of
from .scope import Scope
from .types import type_of

FUNCTION_OPTIONS = ("sfunc", "finalfunc", "combinefunc", "serialfunc", "deserialfunc", "msfunc", "minvfunc")


def _function(scope: Scope, ref: str | None, path: Path) -> str | None:
    """A function as the catalog names it: the spec's schema-qualified, PostgreSQL's own bare."""
    if ref is None:
        return None
    parts = split_qualified(ref.strip())
    if parts is None:
        scope.error(path, f"'{ref}' is not a function name: write 'name' or 'schema.name'")
        return None
    qname = QualifiedName(*parts)
    if qname in scope.functions or qname in scope.platform.functions:
        return str(qname)
    if "." not in ref or parts[0] == "pg_catalog":
        return parts[1]
    scope.find_function(ref, path)  # names what is missing
    return None


def aggregates(scope: Scope) -> tuple[cat.Aggregate, ...]:
    out = []
    for key, aggregate in scope.spec.aggregates.items():
        path = ("aggregates", key)
        qname = scope.qualify(key, path)
        if qname is None:
            continue
        if qname in scope.functions:
            scope.error(path, f"'{qname}' is also a function; the spec holds one routine per name", key=True)
            continue
        args = []
        for section in ("args", "order_by"):
            for i, arg in enumerate(getattr(aggregate, section)):
                type_ = type_of(scope, arg.type, path + (section, i, "type"), pseudo=True) or arg.type
                args.append(cat.Argument(arg.name, type_, None, arg.mode))
        if aggregate.hypothetical and not aggregate.order_by:
            scope.error(path + ("hypothetical",), "a hypothetical-set aggregate is an ordered-set one: give order_by")
        functions = {
            option: _function(scope, getattr(aggregate, option), path + (option,)) for option in FUNCTION_OPTIONS
        }
        stype = type_of(scope, aggregate.stype, path + ("stype",), pseudo=True) or aggregate.stype
        if stype == "internal":
            scope.error(
                path + ("stype",),
                "an aggregate whose state is of type internal can be made only by a superuser, and schemac builds "
                "a spec as a role that is not one; use a state of an SQL type",
            )
        mstype = aggregate.mstype and (
            type_of(scope, aggregate.mstype, path + ("mstype",), pseudo=True) or aggregate.mstype
        )
        moving = (functions["msfunc"], functions["minvfunc"], mstype)
        if any(moving) and not all(moving):
            scope.error(path, "a moving-aggregate mode needs all of msfunc, minvfunc and mstype", key=True)
        out.append(
            cat.Aggregate(
                qname,
                tuple(args),
                functions["sfunc"] or aggregate.sfunc,
                stype,
                finalfunc=functions["finalfunc"],
                finalfunc_extra=aggregate.finalfunc_extra,
                combinefunc=functions["combinefunc"],
                serialfunc=functions["serialfunc"],
                deserialfunc=functions["deserialfunc"],
                initcond=aggregate.initcond,
                msfunc=functions["msfunc"],
                minvfunc=functions["minvfunc"],
                mstype=mstype,
                minitcond=aggregate.minitcond,
                sortop=aggregate.sortop and aggregate.sortop.strip(),
                parallel=None if aggregate.parallel == "unsafe" else aggregate.parallel,
                grants=grants_of(scope, aggregate.grants, aggregate.revokes, FUNCTION_PRIVILEGES, path),
                comment=aggregate.comment,
                direct_args=len(aggregate.args) if aggregate.order_by else None,
                hypothetical=aggregate.hypothetical,
            )
        )
    return tuple(out)
