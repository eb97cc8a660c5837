"""Properties over generated input: quoting round-trips, and any valid spec compiles to SQL that applies."""

from __future__ import annotations

import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser

from schemac.errors import SpecError
from schemac.pipeline import compile_text
from schemac.render.quoting import ident, literal, range_bound

names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30
).filter(
    lambda n: len(n.encode()) <= 63  # PostgreSQL truncates longer names; schemac rejects them
)


@given(names)
def test_ident_round_trips(name: str) -> None:
    stmt = parser.parse_sql(f"SELECT 1 AS {ident(name)}")[0].stmt
    assert stmt.targetList[0].name == name


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_literal_round_trips(value: str) -> None:
    stmt = parser.parse_sql(f"SELECT {literal(value)}")[0].stmt
    assert stmt.targetList[0].val.val.sval == value


identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True).filter(
    lambda n: ident(n) == n  # keywords would be quoted; fine, but keep the generated specs plain
)
column_types = st.sampled_from(
    [
        "text",
        "integer",
        "bigint",
        "uuid",
        "timestamptz",
        "date",
        "jsonb",
        "boolean",
        "numeric(10, 2)",
        "varchar(40)",
        "text[]",
        "double precision",
        "bytea",
        "inet",
        "interval",
    ]
)


@st.composite
def specs(draw) -> dict:
    table_names = draw(st.lists(identifiers, min_size=1, max_size=4, unique=True))
    tables = {}
    for i, table in enumerate(table_names):
        column_names = draw(st.lists(identifiers.filter(lambda n: n != "id"), min_size=1, max_size=6, unique=True))
        columns = {"id": {"type": "bigint", "identity": "always", "primary_key": True}}
        for column in column_names:
            columns[column] = {"type": draw(column_types), "not_null": draw(st.booleans())}
        if i > 0 and draw(st.booleans()):
            columns["parent_id"] = {
                "type": "bigint",
                "references": f"{table_names[draw(st.integers(0, i - 1))]}.id",
                "on_delete": draw(st.sampled_from(["cascade", "set null", "restrict"])),
            }
        indexed = draw(st.lists(st.sampled_from(column_names), max_size=2, unique=True))
        tables[table] = {"columns": columns, "indexes": [{"columns": [c]} for c in indexed]}
        if draw(st.booleans()):
            tables[table]["rls"] = True
            tables[table]["policies"] = {f"{table}_read"[:63]: {"command": "select", "using": "id > 0"}}
    return {"version": 1, "tables": tables}


@pytest.mark.slow  # 40 drawn specs, each compiled twice, parsed and run on a server
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs())
def test_any_valid_spec_compiles_applies_and_is_stable(spec: dict, pg_conn: psycopg.Connection) -> None:
    text = yaml.safe_dump(spec, sort_keys=False)
    try:
        compiled = compile_text(text)
    except SpecError as exc:
        # A drawn table name can equal another table's default index name;
        # that is reported, as it must be, and is not what this test is about.
        assert all("already defined" in p.message for p in exc.problems), str(exc)
        return
    assert compile_text(text).sql == compiled.sql
    for statement in parser.split(compiled.sql):
        assert len(parser.parse_sql(statement)) == 1
    with pytest.raises(_Rollback):
        with pg_conn.transaction():
            pg_conn.execute(compiled.sql)
            raise _Rollback


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("value", ["MINVALUE", "maxvalue"])
def test_a_string_that_spells_a_bound_keyword_stays_a_string(value: str) -> None:
    """Found by test_literal_round_trips: 'MINVALUE' was written bare (a column reference) wherever
    a literal was, not only in a range partition's bound."""
    assert literal(value) == f"'{value}'"
    assert range_bound(value) == value.upper()
