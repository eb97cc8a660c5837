"""The SQL fragments and names a spec writes, checked where they stand: expressions, operators,
operator classes, collations, and lint suppressions. Each returns what it checked, or None
after reporting why not."""

from __future__ import annotations

from ...errors import Path
from ...lint import UnknownRule, all_rules, get_rule
from ...render.quoting import qualified
from ...sqltree import COMMENT_MARKS, SqlProblem, check_expression, check_operator, column_names, forbid_subquery
from ..names import plain_name_problem, qualified_identifier_problem, suggest
from ..opclasses import CORE_METHODS, EXTENSION_METHODS, checks_opclasses, methods_of
from .scope import Scope


def sql(scope: Scope, check, text: str, path: Path, what: str):
    try:
        return check(text)
    except SqlProblem as exc:
        # The path already ends with the key ('...using'); say what only where it does not.
        scope.error(path, str(exc) if path and path[-1] == what else f"{what}: {exc}")
        return None


def expression(scope: Scope, text: str, path: Path, where: str, *, columns: bool = True):
    """One SQL expression as PostgreSQL allows it in ``where`` (no subqueries there): its node, or None."""
    node = sql(scope, check_expression, text, path, path[-1] if isinstance(path[-1], str) else where)
    if node is None:
        return None
    try:
        forbid_subquery(node, where)
    except SqlProblem as exc:
        scope.error(path, str(exc))
        return None
    if not columns and (names := column_names(node)):
        scope.error(
            path,
            f"a default cannot refer to a column ('{names[0]}'); PostgreSQL allows only constants and function calls here",
        )
        return None
    return node


def operator(scope: Scope, text: str, path: Path) -> bool:
    """An exclusion element's ``with``: one operator, as PostgreSQL's parser reads it."""
    try:
        check_operator(text)
        return True
    except SqlProblem:
        pass
    marks = [mark for mark in COMMENT_MARKS if mark in text]
    why = f" ('{marks[0]}' starts or ends a comment)" if marks else ""
    scope.error(
        path,
        f"'{text}' is not an operator{why}; write one such as '=' or '&&' (or OPERATOR(schema.op) for an extension's)",
    )
    return False


def opclass_name(scope: Scope, text: str, path: Path, method: str) -> str | None:
    """An operator class (of an index key, an exclusion element or a partition key part) for the
    index ``method``: a name, optionally schema-qualified, as the catalog holds it (SQL, pg_catalog's
    left unqualified, as PostgreSQL prints them); None, and an error, if it is no name, or a known
    operator class of other methods only."""
    problem = qualified_identifier_problem(text)
    if problem is not None:
        scope.error(path, f"not an operator class name: {problem}")
        return None
    methods = methods_of(text)
    if methods is not None and checks_opclasses(method) and method not in methods:
        scope.error(path, f"operator class '{text}' is for {' and '.join(sorted(methods))} indexes, not {method}")
        return None
    return qualified(text)


def index_method(scope: Scope, method: str, path: Path) -> bool:
    """An index's access method: PostgreSQL's own, an extension's (``hnsw``), or any other name, which
    PostgreSQL checks where the spec is built; a near miss of a known one (``gim``) is refused here."""
    known = (*CORE_METHODS, *EXTENSION_METHODS)
    problem = plain_name_problem(method)
    if problem is not None:
        scope.error(path, f"not an index method: {problem}")
        return False
    if method not in known and (hint := suggest(method, known)):
        scope.error(path, f"unknown index method '{method}'{hint}")
        return False
    return True


def collation_name(scope: Scope, text: str, path: Path) -> str | None:
    """A column's or partition key part's collation: a name (``C``, ``en-x-icu``: any case), optionally
    schema-qualified, as SQL writes it (``"C"``, pg_catalog's left unqualified, as PostgreSQL
    prints them); None, and an error, if it is no name."""
    names = text.split(".") if isinstance(text, str) else []
    if not 1 <= len(names) <= 2 or not all(names):
        scope.error(path, f"'{text}' is not a collation name: write name or schema.name")
        return None
    for name in names:
        if len(name.encode()) > 63:
            scope.error(path, f"collation name '{name}' is {len(name.encode())} bytes; PostgreSQL names are at most 63")
            return None
    return qualified(text)


def ignores(scope: Scope, ignore: dict[str, str], path: Path) -> tuple[tuple[str, str], ...]:
    """``ignore: {rule: reason}``; the rule must exist and the reason be given."""

    out = []
    for name, reason in ignore.items():
        try:
            get_rule(name)
        except UnknownRule:
            known = [r.name for r in all_rules()] + [r.code for r in all_rules()]
            scope.error(path + ("ignore", name), f"unknown lint rule '{name}'{suggest(name, known)}", key=True)
            continue
        if not reason.strip():
            scope.error(path + ("ignore", name), "say why the finding is accepted")
            continue
        out.append((name, " ".join(reason.split())))
    return tuple(out)


def storage_parameters(parameters: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A spec's storage parameters as the catalog holds them: in the order written, values as text."""
    return tuple(parameters.items())
