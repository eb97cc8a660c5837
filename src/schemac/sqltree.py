"""Small functions over pglast's tree: check user SQL and find what it uses.

SQL written in the spec (defaults, checks, policy expressions, index
predicates, view queries, function bodies) is parsed here before it is used,
so that text such as ``true); drop table x; --`` is an error, never output.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import orjson
import pglast
from pglast import ast, enums, parser
from pglast.parser import ParseError
from pglast.stream import RawStream
from pglast.visitors import Visitor

from .render.quoting import ident


class SqlProblem(ValueError):
    """The SQL text is not what its place in the spec needs."""


def _no_comments_or_semicolons(text: str) -> None:
    # A trailing `-- comment` inside an expression would swallow the closing
    # parenthesis schemac writes after it; a `;` would end the statement
    # around it, even where PostgreSQL's parser reads the rest as nothing.
    try:
        tokens = parser.scan(text)
    except ParseError as exc:
        raise SqlProblem(_syntax(exc)) from None
    if any(t.name in ("SQL_COMMENT", "C_COMMENT") for t in tokens):
        raise SqlProblem("comments are not allowed inside an SQL expression; use the 'comment' key")
    if any(t.name == "ASCII_59" for t in tokens):
        raise SqlProblem("a ';' would end the statement schemac writes this into; remove it")


def _syntax(exc: ParseError) -> str:
    return f"SQL syntax error: {exc.args[0]}"


@lru_cache(maxsize=8192)
def check_expression(text: str) -> ast.Node:
    """Parse ``text`` as exactly one SQL value expression and return its node.

    Specs repeat the same expressions on many tables (``now()``, a tenant
    filter), so results are cached: the node is shared and must not be changed.
    """
    if not text or not text.strip():
        raise SqlProblem("empty SQL expression")
    try:
        stmts = parser.parse_sql(f"SELECT {text}")
    except ParseError as exc:
        raise SqlProblem(f"not one SQL expression: {exc.args[0]}") from None
    stmt = stmts[0].stmt if len(stmts) == 1 else None
    if not _is_bare_select_of_one(stmt):
        raise SqlProblem("not exactly one SQL expression")
    _no_comments_or_semicolons(text)
    return stmt.targetList[0].val


# Text that opens or closes a comment. PostgreSQL ends an operator's name
# before `--` or `/*`; schemac refuses `*/` as well, which can only serve to
# close a comment opened elsewhere.
COMMENT_MARKS = ("--", "/*", "*/")


@lru_cache(maxsize=256)
def check_operator(text: str) -> str:
    """``text`` as one binary operator: ``=``, ``&&``, or ``OPERATOR(schema.op)``.

    PostgreSQL's parser decides: ``SELECT a <op> b`` must read as that one
    operator between two columns, written back the same way. Returns the text."""
    if not text or text != text.strip():
        raise SqlProblem("not an operator")
    if any(mark in text for mark in COMMENT_MARKS):
        raise SqlProblem("an operator cannot hold '--', '/*' or '*/', which start or end a comment")
    try:
        stmts = parser.parse_sql(f"SELECT a {text} b")
    except ParseError:
        raise SqlProblem("not an operator") from None
    stmt = stmts[0].stmt if len(stmts) == 1 else None
    node = stmt.targetList[0].val if _is_bare_select_of_one(stmt) else None
    if not (
        isinstance(node, ast.A_Expr)
        and node.kind == enums.A_Expr_Kind.AEXPR_OP
        and isinstance(node.lexpr, ast.ColumnRef)
        and isinstance(node.rexpr, ast.ColumnRef)
    ):
        raise SqlProblem("not an operator")
    names = [n.sval for n in node.name]
    written = names[0] if len(names) == 1 else f"OPERATOR({'.'.join(names)})"
    if written != text or len(names) > 2:
        raise SqlProblem("not an operator")
    return text


_SELECT_CLAUSES = (
    "fromClause",
    "whereClause",
    "groupClause",
    "havingClause",
    "sortClause",
    "limitCount",
    "limitOffset",
    "windowClause",
    "distinctClause",
    "intoClause",
    "lockingClause",
    "withClause",
    "valuesClause",
)


def _is_bare_select_of_one(stmt: ast.Node | None) -> bool:
    """``SELECT <one unnamed target>`` and nothing else."""
    return (
        isinstance(stmt, ast.SelectStmt)
        and stmt.op == enums.SetOperation.SETOP_NONE
        and stmt.targetList is not None
        and len(stmt.targetList) == 1
        and stmt.targetList[0].name is None
        and not any(getattr(stmt, clause, None) for clause in _SELECT_CLAUSES)
    )


def check_query(text: str) -> ast.Node:
    """Parse ``text`` as exactly one SELECT (or VALUES / WITH ... SELECT) statement."""
    if not text or not text.strip():
        raise SqlProblem("empty query")
    try:
        stmts = parser.parse_sql(text)
    except ParseError as exc:
        raise SqlProblem(_syntax(exc)) from None
    if len(stmts) != 1 or not isinstance(stmts[0].stmt, ast.SelectStmt):
        raise SqlProblem("a view query must be exactly one SELECT statement")
    return stmts[0].stmt


def without_trailing(text: str) -> str:
    """``text`` up to its last token, without a final ``;`` or comment: schemac writes what
    follows a query (``WITH NO DATA``, its own ``;``) on the same line, where a trailing
    ``-- comment`` would swallow it."""
    tokens = [t for t in parser.scan(text) if t.name not in ("SQL_COMMENT", "C_COMMENT", "ASCII_59")]
    if not tokens:
        return text.strip()
    return text[: tokens[-1].end + 1].strip()  # scan's offsets count characters


def check_statements(text: str) -> None:
    """A function body in SQL: one or more statements that parse."""
    try:
        parser.parse_sql(text)
    except ParseError as exc:
        raise SqlProblem(_syntax(exc)) from None


def statements(script: str) -> list[str]:
    """``script`` a statement at a time, as PostgreSQL would run it. The scanner splits at each semicolon
    outside quotes (fast); where it finds several, the parser splits again, as it knows that the
    semicolons of a ``BEGIN ATOMIC ... END`` function body are the body's. A script the parser cannot
    read is given whole, for PostgreSQL to report."""
    if len(parser.split(script, with_parser=False, only_slices=True)) <= 1:
        return [script]
    try:
        return [script[where] for where in parser.split(script, only_slices=True)]
    except ParseError:
        return [script]


# What libpg_query's PL/pgSQL compiler says when it, having no catalog, cannot know the answer:
# a type named in a schema other than pg_catalog and public, whether a VARIADIC argument's type is
# an array, an array of a type it does not know (its stand-in for any such type is a record,
# "_record" the array of it; PostgreSQL would name the type). Those are its limits, not the body's mistakes.
_PLPGSQL_PARSER_LIMITS = ("Not implemented", "VARIADIC parameter must be an array")


def _parser_cannot_decide(message: str) -> bool:
    return message.startswith(_PLPGSQL_PARSER_LIMITS) or message.endswith("has pseudo-type _record")


def plpgsql_header(args, returns: str | None) -> str:
    """The CREATE FUNCTION a PL/pgSQL body is parsed in: the function's real arguments (a body
    assigns to them and reads them by name) and return type (RETURN's form depends on it), or the
    CREATE PROCEDURE when ``returns`` is None. ``args`` are catalog Arguments; their defaults do not
    matter to the body."""
    params = ", ".join(
        " ".join(filter(None, ("" if a.mode == "in" else a.mode.upper(), a.name and ident(a.name), a.type)))
        for a in args
    )
    if returns is None:
        return f"CREATE PROCEDURE p({params})"
    return f"CREATE FUNCTION f({params}) RETURNS {returns}"


@lru_cache(maxsize=4096)
def _plpgsql_tree(text: str, header: str) -> dict | None:
    try:
        tree = parser.parse_plpgsql_json(f"{header} AS $schemac$\n{text}\n$schemac$ LANGUAGE plpgsql")
    except ParseError as exc:
        if _parser_cannot_decide(str(exc.args[0])):
            return None
        raise SqlProblem(f"PL/pgSQL syntax error: {exc.args[0]}") from None
    return orjson.loads(tree)[0]["PLpgSQL_function"]


def check_plpgsql(text: str, header: str) -> bool:
    """Parse a PL/pgSQL body inside the CREATE FUNCTION ``header`` (:func:`plpgsql_header`) that will carry it.

    False when the parser cannot decide (:data:`_PLPGSQL_PARSER_LIMITS`, :func:`_parser_cannot_decide`): PostgreSQL checks
    the body when the function is created, on the scratch server for plan, apply and check --db."""
    return _plpgsql_tree(text, header) is not None


@dataclass(frozen=True)
class Declared:
    """What a PL/pgSQL body's DECLARE section names that PostgreSQL looks up when it creates the
    function: the relations of ``%ROWTYPE`` and ``%TYPE`` declarations, and whether that is all
    (``complete``). It is not when a declared type is one the parser cannot name (a composite,
    domain or enum type, a record: pglast reports those as an unnamed row), or it cannot read the body."""

    relations: frozenset[tuple[str | None, str]]
    complete: bool


def plpgsql_declared(text: str, header: str) -> Declared:
    """What the DECLARE section of a PL/pgSQL body inside ``header`` (:func:`plpgsql_header`) names."""
    try:
        tree = _plpgsql_tree(text, header)
    except SqlProblem:
        tree = None
    if tree is None:
        return Declared(frozenset(), False)
    relations, complete = set(), True
    for datum in tree.get("datums", ()):
        ((kind, body),) = datum.items()
        if "lineno" not in body:  # arguments and implicit variables (found, new, ...): not declared
            continue
        if kind == "PLpgSQL_rec":  # a record, or a row of a type the parser does not know
            complete = False
        if kind != "PLpgSQL_var":  # the rest: INTO lists, a record's fields
            continue
        # The name as written, unquoted and joined with dots: "app.orders%rowtype", "orders.id%TYPE".
        written, _, attribute = body["datatype"]["PLpgSQL_type"]["typname"].partition("%")
        if not attribute:  # a type the parser knows: a built-in one
            continue
        names = written.split(".")
        # %ROWTYPE names a relation whole, %TYPE a column of one (or another variable: no relation).
        relation = names if attribute.lower() == "rowtype" else names[:-1]
        if len(relation) == 1:
            relations.add((None, relation[0]))
        elif len(relation) == 2:
            relations.add((relation[0], relation[1]))
        elif relation:  # a quoted name with a dot in it: which part is which cannot be told
            complete = False
    return Declared(frozenset(relations), complete)


def as_read_back(text: str | None, query: bool = False) -> str | None:
    """An expression (or with ``query``, a query) as PostgreSQL prints it, in a form it reads back
    to the same tree, so that what schemac writes from it prints the same again.

    One printed form is not: a varchar column's ``IN ('a', 'b')`` is kept as an array of
    varchar cast to text[], printed ``(ARRAY['a'::character varying])::text[]``; read back, that
    text casts each element instead (``ARRAY[('a'::character varying)::text]``), which prints
    differently, and a plan would make the check (or view, policy) again on every run.
    ``ARRAY[...]::character varying[]`` inside the cast reads back as first printed."""
    if not text or "ARRAY[" not in text:
        return text
    prefix = "" if query else "SELECT "
    source = prefix + text  # pglast's nodes count locations in characters
    try:
        tree = pglast.parse_sql(source)
    except ParseError:
        return text
    inserts: list[tuple[int, str]] = []

    class _ArrayCasts(Visitor):
        def visit_TypeCast(self, parent, node) -> None:
            array = node.arg
            if not isinstance(array, ast.A_ArrayExpr) or not array.elements or array.list_end is None:
                return
            element_types = {RawStream()(e.typeName) if isinstance(e, ast.TypeCast) else None for e in array.elements}
            if len(element_types) == 1 and None not in element_types:
                array_type = f"{element_types.pop()}[]"
                if array_type != RawStream()(node.typeName):
                    inserts.append((array.list_end + 1, f"::{array_type}"))

    _ArrayCasts()(tree)
    for at, cast in sorted(inserts, reverse=True):
        source = source[:at] + cast + source[at:]
    return source[len(prefix) :]


def without_hidden_names(query: str) -> str:
    """A query as PostgreSQL prints it, without the column names no one can see: those of every branch of
    a UNION, INTERSECT or EXCEPT but the first, whose names the result takes.

    PostgreSQL prints such a name where it is not the one the printed expression would get, and the
    printed form can get another than the text first written: ``SELECT x, NULL FROM t`` as the second
    branch prints ``NULL::integer`` (named ``?column?``, which is never printed), and read back that is
    named ``int4`` and prints ``NULL::integer AS int4``. Two views compared without those names are the
    same view."""
    if " AS " not in query or not any(operation in query for operation in ("UNION", "INTERSECT", "EXCEPT")):
        return query
    try:
        tree = pglast.parse_sql(query)
        tokens = parser.scan(query)
    except ParseError:
        return query
    cuts: list[tuple[int, int]] = []

    class _Branches(Visitor):
        def visit_SelectStmt(self, parent, node) -> None:
            if node.op != enums.SetOperation.SETOP_NONE:
                for leaf in _set_operation_leaves(node.rarg):
                    for target in leaf.targetList or ():
                        if target.name is not None and (cut := _alias_span(tokens, target.location)):
                            cuts.append(cut)

    _Branches()(tree)
    for start, end in sorted(set(cuts), reverse=True):
        query = query[:start] + query[end:]
    return query


def _set_operation_leaves(node: ast.SelectStmt) -> list[ast.SelectStmt]:
    if node.op == enums.SetOperation.SETOP_NONE:
        return [node]
    return _set_operation_leaves(node.larg) + _set_operation_leaves(node.rarg)


def _alias_span(tokens, location: int) -> tuple[int, int] | None:
    """Where `` AS name`` ends the select-list item that starts at ``location``: its first AS outside
    parentheses (within an item, only its name follows one), from the end of the token before it."""
    depth, previous_end = 0, None
    for i, token in enumerate(tokens):
        if token.start < location:
            continue
        if token.name in ("ASCII_40", "ASCII_91"):  # ( [
            depth += 1
        elif token.name in ("ASCII_41", "ASCII_93"):  # ) ]
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and token.name == "ASCII_44":  # , : the next item
            return None
        elif depth == 0 and token.name == "AS" and i + 1 < len(tokens) and previous_end is not None:
            return previous_end + 1, tokens[i + 1].end + 1
        previous_end = token.end
    return None


def table_columns(text: str) -> list[tuple[str, str]]:
    """The (name, type) pairs of a function's ``table (name type, ...)`` result, as written.

    Split at the list's own commas (not those of ``numeric(10, 2)``), so that
    each name and type is checked like a column's and the text itself is
    never written into SQL."""
    _no_comments_or_semicolons(text)
    tokens = parser.scan(text)
    if len(tokens) < 3 or tokens[0].name != "TABLE" or tokens[1].name != "ASCII_40" or tokens[-1].name != "ASCII_41":
        raise SqlProblem("write the result as table (name type, ...)")
    parts, start, depth = [], tokens[1].end + 1, 0
    for token in tokens[2:-1]:
        if token.name in ("ASCII_40", "ASCII_91"):
            depth += 1
        elif token.name in ("ASCII_41", "ASCII_93"):
            depth -= 1
            if depth < 0:
                raise SqlProblem("the column list of table (...) closes before its end")
        elif token.name == "ASCII_44" and depth == 0:
            parts.append(text[start : token.start])
            start = token.end + 1
    parts.append(text[start : tokens[-1].start])  # scan's offsets count characters
    out = []
    for part in parts:
        name, _, type_ = part.strip().partition(" ")
        if not name or not type_.strip():
            raise SqlProblem("each column of table (...) is a name and a type: table (id uuid, total numeric)")
        out.append((name, type_.strip()))
    return out


@dataclass(frozen=True)
class TypeRef:
    """A type name as written: ``names`` (schema-qualified when written so), modifiers, array."""

    names: tuple[str, ...]
    array: bool
    text: str

    @property
    def base(self) -> str:
        return self.names[-1]


@lru_cache(maxsize=4096)
def parse_type(text: str) -> TypeRef:
    if not text or not text.strip():
        raise SqlProblem("empty type")
    _no_comments_or_semicolons(text)
    try:
        stmts = parser.parse_sql(f"SELECT NULL::{text}")
    except ParseError:
        raise SqlProblem(f"cannot read type {text!r}") from None
    stmt = stmts[0].stmt if len(stmts) == 1 else None
    # `NULL::p_customer bigint` would read as a cast with the alias "bigint".
    if not isinstance(stmt, ast.SelectStmt) or len(stmt.targetList or ()) != 1 or stmt.targetList[0].name:
        raise SqlProblem(f"cannot read type {text!r}")
    cast = stmt.targetList[0].val
    if not isinstance(cast, ast.TypeCast) or stmt.fromClause or stmt.whereClause:
        raise SqlProblem(f"cannot read type {text!r}")
    names = tuple(n.sval for n in cast.typeName.names)
    if names[0] == "pg_catalog" and len(names) == 2:
        names = names[1:]
    return TypeRef(names, bool(cast.typeName.arrayBounds), text.strip())


@dataclass
class References:
    relations: set[tuple[str | None, str]]
    functions: set[tuple[str | None, str]]
    types: set[tuple[str | None, str]]


class _Collector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.refs = References(set(), set(), set())

    def visit_RangeVar(self, ancestors, node):
        self.refs.relations.add((node.schemaname, node.relname))

    def visit_FuncCall(self, ancestors, node):
        names = [n.sval for n in node.funcname]
        self.refs.functions.add((names[0], names[1]) if len(names) == 2 else (None, names[-1]))
        # nextval('public.invoice_no') names its sequence in a string.
        if names[-1] == "nextval" and node.args and isinstance(node.args[0], ast.A_Const):
            value = getattr(node.args[0].val, "sval", None)
            if value:
                schema, _, name = value.rpartition(".")
                self.refs.relations.add((schema or None, name))

    def visit_TypeName(self, ancestors, node):
        names = [n.sval for n in node.names]
        if names[0] != "pg_catalog":
            self.refs.types.add((names[0], names[1]) if len(names) == 2 else (None, names[-1]))


def references(node_or_sql: ast.Node | str) -> References:
    """The relations, functions and types a tree (or SQL statements) names."""
    if isinstance(node_or_sql, str):
        return _references_in_json(orjson.loads(parser.parse_sql_json(node_or_sql)))
    collector = _Collector()
    collector(node_or_sql)
    return collector.refs


def _names(items) -> tuple[str, ...]:
    return tuple(item["String"]["sval"] for item in items if "String" in item)


def _references_in_json(tree) -> References:
    """What ``_Collector`` finds, read from the parser's JSON: planning a large
    migration parses thousands of expressions, and building pglast's Python
    nodes for each costs most of the time. Nodes are known by their fields,
    since JSON wraps a node in its type's name only where any node may stand."""
    refs = References(set(), set(), set())
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if "relname" in node:  # RangeVar
            refs.relations.add((node.get("schemaname"), node["relname"]))
        elif "funcname" in node and "funcformat" in node:  # FuncCall (not a CREATE FUNCTION or TRIGGER)
            names = _names(node["funcname"])
            refs.functions.add((names[0], names[1]) if len(names) == 2 else (None, names[-1]))
            args = node.get("args") or []
            if names[-1] == "nextval" and args and "A_Const" in args[0]:
                text = args[0]["A_Const"].get("sval", {}).get("sval")
                if text:
                    schema, _, name = text.rpartition(".")
                    refs.relations.add((schema or None, name))
        elif "names" in node and "typemod" in node:  # TypeName
            names = _names(node["names"])
            if names and names[0] != "pg_catalog":
                refs.types.add((names[0], names[1]) if len(names) == 2 else (None, names[-1]))
        stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return refs


def _contains(node: ast.Node, kind: type) -> list[ast.Node]:
    """The nodes of type ``kind`` in the tree under ``node``, in the order they are written.

    A plain walk over the nodes' slots: a pglast ``Visitor`` looks up its own
    methods with ``inspect`` on every call, which costs more than the walk
    when thousands of small expressions are checked."""
    found = []
    stack: list = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, ast.Node):
            if isinstance(item, kind):
                found.append(item)
            children = [getattr(item, slot, None) for slot in type(item).__slots__]
            stack.extend(child for child in reversed(children) if isinstance(child, (ast.Node, list, tuple)))
    return found


def forbid_subquery(node: ast.Node, where: str) -> None:
    """PostgreSQL refuses subqueries in checks, defaults, index predicates and generated columns."""
    if _contains(node, ast.SubLink):
        raise SqlProblem(f"PostgreSQL does not allow a subquery in {where}")


def without_scalar_selects(text: str) -> str | None:
    """``text`` (one expression) with each ``(select f(...))`` written as its bare value ``f(...)``; None
    when it holds another kind of subquery (one that reads a table, or filters), which has no such form."""
    prefix = "SELECT "
    node = check_expression(text)
    tokens = parser.scan(prefix + text)
    edits = []
    for sublink in _contains(node, ast.SubLink):
        select = sublink.subselect
        if (
            sublink.subLinkType != enums.SubLinkType.EXPR_SUBLINK
            or len(select.targetList or ()) != 1
            or any(getattr(select, clause) for clause in ("fromClause", "whereClause", "groupClause", "havingClause"))
            or _contains(select.targetList[0], ast.SubLink)
        ):
            return None
        call = isinstance(select.targetList[0].val, ast.FuncCall)
        # The value's text runs from the token after SELECT to the one before the closing parenthesis.
        opened = next((i for i, t in enumerate(tokens) if t.start == sublink.location), None)
        if opened is None:
            return None
        depth = 0
        for closing in range(opened, len(tokens)):
            depth += {"ASCII_40": 1, "ASCII_41": -1}.get(tokens[closing].name, 0)
            if depth == 0:
                break
        begin, end = tokens[opened + 2].start, tokens[closing - 1].end + 1
        value = (prefix + text)[begin:end]
        # A call stands alone; anything else keeps its parentheses, so that no operator binds it otherwise.
        edits.append((tokens[opened].start, tokens[closing].end + 1, value if call else f"({value})"))
    for begin, end, value in sorted(edits, reverse=True):
        text = text[: begin - len(prefix)] + value + text[end - len(prefix) :]
    return text


def column_names(node: ast.Node) -> list[str]:
    """The columns an expression refers to, as written (last name part)."""
    out = []
    for ref in _contains(node, ast.ColumnRef):
        last = ref.fields[-1]
        out.append(getattr(last, "sval", "*"))
    return out


def common_table_names(node: ast.Node) -> set[str]:
    """Names a query defines itself with WITH, which are not tables."""
    return {cte.ctename for cte in _contains(node, ast.CommonTableExpr)}


def column_qualifiers(node: ast.Node) -> list[str]:
    """The first name of every qualified column reference: ``old`` in ``old.status``."""
    return [
        ref.fields[0].sval
        for ref in _contains(node, ast.ColumnRef)
        if len(ref.fields) > 1 and hasattr(ref.fields[0], "sval")
    ]


def rename_column(text: str, old: str, new: str) -> str:
    """The expression ``text`` with its references to the column ``old`` (unqualified, as
    partition keys and index expressions write them) renamed ``new``; the rest is kept as written."""
    if old not in text:
        return text
    prefix = b"SELECT "
    source = prefix + text.encode()
    try:
        tree = orjson.loads(parser.parse_sql_json(source.decode()))
    except ParseError:
        return text
    spots = []
    stack: list = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            ref = node.get("ColumnRef")
            if ref is not None and len(ref["fields"]) == 1 and ref["fields"][0].get("String", {}).get("sval") == old:
                spots.append(ref["location"])
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    written, renamed = ident(old).encode(), ident(new).encode()
    for at in sorted(spots, reverse=True):  # locations are byte offsets; from the end, so earlier ones hold
        if source[at : at + len(written)] != written:
            return text  # written some other way ("code" where code would do): left alone
        source = source[:at] + renamed + source[at + len(written) :]
    return source[len(prefix) :].decode()


@lru_cache(maxsize=4096)
def looks_like_function(text: str) -> bool:
    """Whether the expression ``text`` is a call (``lower(code)``, ``coalesce(a, b)``, ``greatest(a, b)``),
    which PostgreSQL writes in a key without parentheses of its own, as ruleutils' looks_like_function."""
    try:
        tree = orjson.loads(parser.parse_sql_json(f"SELECT {text}"))
        [item] = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"]
    except (ParseError, KeyError, ValueError):
        return False
    value = item["ResTarget"]["val"]
    return isinstance(value, dict) and next(iter(value)) in ("FuncCall", "CoalesceExpr", "MinMaxExpr")
