"""sqltree: the fast JSON reading of references agrees with pglast's Visitor on real SQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from pglast import parser

from schemac.sqltree import SqlProblem, _Collector, check_operator, references, statements, without_scalar_selects

ROOT = Path(__file__).parents[1]
FILES = [
    ROOT / "generated" / "schema.sql",
    *sorted((ROOT / "tests" / "specs" / "valid").glob("*.sql")),
    *sorted((ROOT / "tests" / "lint" / "fixtures").glob("*.sql")),
]
EXTRA = [
    "select nextval('public.x'), auth.uid(), 'a'::public.t from public.vehicles v join y on true "
    "where z in (select 1 from w)",
    "insert into public.log (a) select * from generate_series(1, 3); update t2 set x = 1; delete from t3 using t4",
    "select (x).y::my_enum[], cast(z as app.dom) from f(1) as q",
]


@pytest.mark.parametrize("sql", EXTRA + [s for f in FILES for s in parser.split(f.read_text())])
def test_json_references_match_the_visitor(sql: str) -> None:
    collector = _Collector()
    collector(parser.parse_sql(sql))
    found = references(sql)
    assert (found.relations, found.functions, found.types) == (
        collector.refs.relations,
        collector.refs.functions,
        collector.refs.types,
    )


@pytest.mark.parametrize("text", ["=", "&&", "<->", "-|-", "!~~", "OPERATOR(public.&&)", "OPERATOR(pg_catalog.=)"])
def test_an_operator_reads_as_one(text: str) -> None:
    assert check_operator(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "/*",
        "*/&&",
        "&& --",
        "--",
        "= 1; drop table rooms",
        "= b or a =",
        " =",
        "",
        "a",
        "OPERATOR(Public.&&)",
        'OPERATOR("public".&&)',
        "OPERATOR(a.b.&&)",
        "&&)",
        "(&&",
    ],
)
def test_what_is_not_one_operator_is_refused(text: str) -> None:
    with pytest.raises(SqlProblem):
        check_operator(text)


def test_a_script_is_split_a_statement_at_a_time_function_bodies_whole() -> None:
    """What apply runs one by one (Citus refuses several statements sent as one): an SQL-standard
    function body keeps its semicolons; a script the parser cannot read stays whole."""
    body = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT x; SELECT x + 1; END"
    assert statements(f"ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n{body};") == [
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
        body,
    ]
    assert statements("SELECT 1;") == ["SELECT 1;"]
    assert statements("SELEC 1; SELECT 2;") == ["SELEC 1; SELECT 2;"]


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("tenant_id = (select private.current_tenant_id())", "tenant_id = private.current_tenant_id()"),
        ("id = ( SELECT  auth.uid() ) and x = (select f(1, (2)))", "id = auth.uid() and x = f(1, (2))"),
        # Not a call: the value keeps its parentheses, so no operator around it binds it otherwise.
        ("(select auth.jwt() ->> 'role') = 'admin'", "(auth.jwt() ->> 'role') = 'admin'"),
        ("owner = auth.uid()", "owner = auth.uid()"),
        ("id in (select id from t)", None),
        ("x = (select max(n) from t where t.a = 1)", None),
        ("x = (select (select 1))", None),
    ],
)
def test_scalar_selects_written_as_their_bare_value(text: str, bare: str | None) -> None:
    assert without_scalar_selects(text) == bare
