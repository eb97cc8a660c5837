"""Functions: arguments and return types checked like columns, bodies parsed, SECURITY DEFINER
made safe."""

from __future__ import annotations

import re

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from ...lint import UnknownRule, get_rule
from ...render.quoting import ident
from ...introspect.text import search_path_names
from ...render.sql import BODY_QUOTES, LIST_SETTINGS, body_quote
from ...sqltree import SqlProblem, check_plpgsql, check_statements, plpgsql_header, table_columns
from .. import models as m
from .fragments import expression, ignores, sql
from .grants import FUNCTION_PRIVILEGES, grants_of
from .scope import Scope
from .types import type_of

# A SECURITY DEFINER function without a pinned search_path is refused unless the spec accepts
# the lint finding on it, with a reason (``ignore: {security-definer-search-path: why}``), as
# an import does for a database that has one.
UNPINNED = "security-definer-search-path"


def function_of(
    scope: Scope, qname: QualifiedName, path: Path, function: m.FunctionSpec | m.ProcedureSpec
) -> cat.Function:
    """A function, or a procedure (which returns nothing)."""
    args = []
    for i, arg in enumerate(function.args):
        if arg.name is not None:
            scope.ident(arg.name, path + ("args", i), key=False)
            if any(arg.name == a.name for a in args):
                scope.error(path + ("args", i), f"argument name '{arg.name}' is used twice")
        type_ = type_of(scope, arg.type, path + ("args", i, "type"), pseudo=True) or arg.type
        if arg.default is not None:
            expression(scope, arg.default, path + ("args", i, "default"), "an argument default", columns=False)
        args.append(cat.Argument(arg.name, type_, arg.default, arg.mode))
    returns = function.returns.strip() if isinstance(function, m.FunctionSpec) else None
    lowered = (returns or "").lower()
    if returns is None:
        pass  # a procedure
    elif lowered.startswith("setof "):
        returns = "SETOF " + (type_of(scope, returns[6:], path + ("returns",), pseudo=True) or returns[6:])
    elif re.match(r"table\s*\(", lowered):
        returns = returns_table(scope, returns, path + ("returns",)) or returns
    else:
        returns = type_of(scope, returns, path + ("returns",), pseudo=True) or returns
    search_path, settings = _settings(scope, function, path)
    if search_path is not None:
        for part in filter(None, (p.strip() for p in search_path.split(","))):
            if part not in ("pg_temp", '""', "''"):
                scope.ident(part, path + ("search_path",), key=False)
    if body_quote(function.body) is None:
        scope.error(
            path + ("body",),
            f"the body holds (or ends with the start of) each of {', '.join(BODY_QUOTES)}, "
            "the dollar quotes schemac writes a body between; leave one of them out",
        )
    elif function.language == "sql":
        sql(scope, check_statements, function.body, path + ("body",), "function body")
    else:
        try:
            check_plpgsql(function.body, plpgsql_header(args, returns))
        except SqlProblem as exc:
            scope.error(path + ("body",), f"function body: {exc}")
    if function.security_definer and search_path is None and not _accepted(function.ignore, UNPINNED):
        scope.error(
            path + ("search_path",),
            "a SECURITY DEFINER function must pin 'search_path' (for example search_path: '') so callers cannot hijack the names it uses",
            key=True,
        )
    grants = grants_of(scope, function.grants, function.revokes, FUNCTION_PRIVILEGES, path)
    estimates = _estimates(scope, function, returns, path) if isinstance(function, m.FunctionSpec) else {}
    return cat.Function(
        qname,
        tuple(args),
        returns,
        function.language,
        function.body,
        security_definer=function.security_definer,
        search_path=search_path,
        settings=settings,
        grants=grants,
        comment=function.comment,
        ignore=ignores(scope, function.ignore, path),
        **(
            {
                "volatility": function.volatility,
                "strict": function.strict,
                "parallel": function.parallel,
                "leakproof": function.leakproof,
                **estimates,
            }
            if isinstance(function, m.FunctionSpec)
            else {}
        ),
    )


# A configuration parameter's name: `statement_timeout`, `TimeZone`, an extension's `myapp.tenant`.
SETTING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*")


def _settings(
    scope: Scope, function: m.FunctionSpec | m.ProcedureSpec, path: Path
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """(search_path, the other settings) of ``search_path:`` and ``set:``. PostgreSQL's names are
    case-insensitive: ``TimeZone`` and ``timezone`` are one setting, kept in lower case."""
    search_path = function.search_path
    seen: dict[str, str] = {}
    for name, value in function.settings.items():
        lowered = name.lower()
        if not SETTING_NAME.fullmatch(name):
            scope.error(
                path + ("set", name),
                f"'{name}' is no configuration parameter's name: one word of letters, digits and _ (statement_timeout),"
                " or an extension's words joined by '.' (myapp.tenant)",
                key=True,
            )
        elif lowered in seen:
            scope.error(
                path + ("set", name),
                f"'{name}' is set twice (as '{seen[lowered]}' too): names are case-insensitive",
                key=True,
            )
        elif lowered == "search_path" and search_path is not None:
            scope.error(
                path + ("set", name), "search_path is given twice: as 'search_path' and under 'set'; keep one", key=True
            )
        elif lowered == "search_path":
            search_path = value
        seen[lowered] = name
    settings = {name.lower(): value for name, value in function.settings.items()}
    settings.pop("search_path", None)
    for name in LIST_SETTINGS & settings.keys():  # a list of names, as PostgreSQL keeps it
        settings[name] = ", ".join(ident(part) for part in search_path_names(settings[name]))
    return search_path, tuple(sorted(settings.items()))


# PostgreSQL's COST of a function that names none, in the spec's languages (C and internal ones: 1).
DEFAULT_COST = 100
DEFAULT_ROWS = 1000


def _estimates(scope: Scope, function: m.FunctionSpec, returns: str | None, path: Path) -> dict[str, float | None]:
    """COST and ROWS as a database reads them back: None where they are PostgreSQL's defaults."""
    returns_set = bool(returns) and bool(re.match(r"(setof\s|table\s*\()", returns.lower()))
    if function.rows is not None and not returns_set:
        scope.error(path + ("rows",), "'rows' applies to a function that returns a set (setof ... or table (...))")
    return {
        "cost": None if function.cost == DEFAULT_COST else function.cost,
        "rows": None if function.rows == DEFAULT_ROWS or not returns_set else function.rows,
    }


def declare_procedures(scope: Scope) -> dict[QualifiedName, tuple[Path, m.ProcedureSpec]]:
    """The names of ``procedures:``; a procedure shares its namespace with the functions."""
    out = {}
    for key, procedure in scope.spec.procedures.items():
        qname = scope.qualify(key, ("procedures", key))
        if qname is None:
            continue
        if qname in scope.functions:
            line = scope.positions.of(scope.functions[qname][0], key=True)[0]
            scope.error(
                ("procedures", key),
                f"'{qname}' is also a function (line {line}); the spec holds one routine per name",
                key=True,
            )
            continue
        out[qname] = (("procedures", key), procedure)
    return out


def returns_table(scope: Scope, text: str, path: Path) -> str | None:
    """``table (name type, ...)`` checked like columns, and written back from its parts."""
    columns = sql(scope, table_columns, text, path, "returns")
    if columns is None:
        return None
    written = [
        (scope.ident(name, path, key=False), name, type_of(scope, type_text, path)) for name, type_text in columns
    ]
    if not all(ok and type_ for ok, _, type_ in written):
        return None
    return f"TABLE({', '.join(f'{ident(name)} {type_}' for _, name, type_ in written)})"


def _accepted(ignore: dict[str, str], rule_name: str) -> bool:
    """Whether ``ignore`` accepts the lint rule ``rule_name`` (by name or code) with a reason."""
    for name, reason in ignore.items():
        try:
            if get_rule(name).name == rule_name and reason.strip():
                return True
        except UnknownRule:
            continue
    return False
