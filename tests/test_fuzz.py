"""Mutated specs: never a traceback, never a hang, and every accepted spec builds SQL that parses.

The seeds are the reference schema and the valid specs; each example changes
a few places of one (a value replaced by another kind or a hostile string, a
key dropped or renamed, a list item repeated) or a few bytes of its text.
schemac must answer each with SQL or with problems (SpecError), within
seconds. The normal run is bounded to a few seconds; set
SCHEMAC_FUZZ_EXAMPLES (e.g. 2000) for a longer one. A few accepted specs
are also applied to a real database, since the SQL PostgreSQL refuses is
what a user meets.
"""

from __future__ import annotations

import copy
import os
import signal
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser

from schemac.errors import SpecError
from schemac.pipeline import compile_text
from schemac.supabase import install_standin

ROOT = Path(__file__).parents[1]
SEEDS = [ROOT / "schema.yaml", *sorted((ROOT / "tests" / "specs" / "valid").glob("*.yaml"))]
SEED_DATA = [yaml.safe_load(path.read_text()) for path in SEEDS]
SEED_TEXT = [path.read_text() for path in SEEDS]
EXAMPLES = int(os.environ.get("SCHEMAC_FUZZ_EXAMPLES", "60"))
SECONDS_PER_SPEC = 10
APPLIED_SAMPLE = 3

hostile = st.sampled_from(
    [
        "",
        " ",
        ";",
        "x; drop table t",
        "x'); drop table t; --",
        "$$",
        "$function$",
        "-- c",
        "/*",
        "*/",
        "a" * 70,
        "é",
        "Ω" * 40,
        "\t",
        "\n",
        "null",
        "true",
        "1e309",
        "-1",
        "0",
        "2147483648",
        "table(",
        "table(a int",
        "setof",
        "public.",
        ".",
        "a.b.c",
        "select",
        "(select 1)",
        "now()",
        "auth.uid()",
        "tenant_id",
        "id",
        "public",
        "private",
        "cascade",
    ]
)
scalars = st.one_of(
    hostile,
    st.text(max_size=12),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.one_of(hostile, st.text(max_size=8)), inner, max_size=3)
    ),
    max_leaves=6,
)


def _places(data, path=()):
    """Every path into ``data`` (dict keys and list indexes)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _places(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _places(value, path + (i,))


@st.composite
def mutated_specs(draw) -> str:
    seed = draw(st.integers(0, len(SEEDS) - 1))
    if draw(st.integers(0, 4)) == 0:  # bytes of the text itself
        text = SEED_TEXT[seed]
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(text)))
            cut = draw(st.integers(0, 8))
            text = (
                text[:at]
                + draw(st.sampled_from(["", ":", "-", " ", "\n", "[", "{", "&a", "*a", "'", '"', "#"]))
                + text[at + cut :]
            )
        return text
    data = copy.deepcopy(SEED_DATA[seed])
    places = list(_places(data))[1:]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(places))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            last = path[-1]
            action = draw(st.sampled_from(["replace", "replace", "drop", "rename", "repeat"]))
            if action == "replace":
                parent[last] = draw(values)
            elif action == "drop":
                del parent[last]
            elif action == "rename" and isinstance(parent, dict):
                parent[draw(st.one_of(hostile, st.text(min_size=1, max_size=8)))] = parent.pop(last)
            elif action == "repeat" and isinstance(parent, list):
                parent.append(copy.deepcopy(parent[last]))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@contextmanager
def time_limit(seconds: int):
    def expired(signum, frame):
        raise TimeoutError(f"no answer within {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


applied: list[str] = []


@pytest.mark.slow  # a fuzz run: 60 mutated specs compiled and parsed, three applied on a server
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(mutated_specs())
def test_a_mutated_spec_gives_sql_or_problems(pg_cluster, text: str) -> None:
    with time_limit(SECONDS_PER_SPEC):
        try:
            compiled = compile_text(text)
        except SpecError as exc:
            assert exc.problems and all(p.line >= 1 and p.column >= 1 for p in exc.problems)
            return
    parser.parse_sql(compiled.sql)  # every accepted spec's SQL parses
    if len(applied) < APPLIED_SAMPLE:
        applied.append(compiled.sql)
        _apply(pg_cluster, compiled)


def _apply(pg_cluster, compiled) -> None:
    name = f"fuzz_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            if compiled.catalog.flavor == "supabase":
                install_standin(conn)
            with conn.transaction():
                conn.execute(compiled.sql)
    finally:
        pg_cluster.drop_database(name)
