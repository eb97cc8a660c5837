"""Column type changes PostgreSQL cannot make: the plan refuses them, and says so, only
where the server truly has no cast (checked against pg_cast on the real server)."""

from __future__ import annotations

import itertools
import textwrap

import psycopg
import pytest

from schemac.diff import Renames, compare
from schemac.errors import SpecError
from schemac.pipeline import compile_text
from schemac.plan import PlanError, make_plan
from schemac.plan.alters import _ALIASES, _FAMILIES, _no_cast

HEAD = "version: 1\ntarget: {postgres: 15, flavor: postgres}\n"


def _catalog(column: str):
    return compile_text(
        HEAD
        + textwrap.dedent(f"""
        tables:
          events:
            columns:
              at: {column}
        """)
    ).catalog


def test_a_type_change_with_no_cast_is_refused_with_what_to_do() -> None:
    current, desired = _catalog("bigint"), _catalog("timestamp")
    with pytest.raises(PlanError, match=r"column public\.events\.at: PostgreSQL has no cast from bigint to timestamp"):
        make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))


def test_a_type_change_with_a_cast_is_planned() -> None:
    current, desired = _catalog("integer"), _catalog("bigint")
    plan = make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))
    assert [s.sql for s in plan.steps] == ["ALTER TABLE public.events ALTER COLUMN at TYPE bigint USING at::bigint;"]


def test_no_cast_is_claimed_where_the_server_has_one(pg_conn: psycopg.Connection) -> None:
    types = sorted(set().union(*_FAMILIES.values(), _ALIASES))
    claimed = [(a, b) for a, b in itertools.product(types, types) if _no_cast(a, b)]
    assert ("bigint", "timestamp") in claimed
    wrong = [
        (a, b)
        for a, b in claimed
        if pg_conn.execute(
            "SELECT EXISTS (SELECT FROM pg_cast WHERE castsource = %s::regtype AND casttarget = %s::regtype)", (a, b)
        ).fetchone()[0]
    ]
    assert wrong == []


def test_using_says_how_the_rows_convert() -> None:
    current = _catalog("bigint")
    desired = _catalog("{type: timestamptz, using: 'to_timestamp(at)'}")
    plan = make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))
    assert [s.sql for s in plan.steps] == [
        "ALTER TABLE public.events ALTER COLUMN at TYPE timestamptz USING to_timestamp(at);"
    ]


def test_using_is_one_sql_expression() -> None:
    with pytest.raises(SpecError, match="using"):
        _catalog("{type: timestamptz, using: 'to_timestamp(at); drop table events'}")
