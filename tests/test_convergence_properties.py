"""Convergence as a property: any valid spec applied plans empty; any A -> B migration
converges and keeps the rows of what B keeps."""

from __future__ import annotations

import copy
import os
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemac import live
from schemac.apply import Settings, apply
from schemac.errors import SpecError
from schemac.plan import HAZARDS
from schemac.render.quoting import ident

pytestmark = pytest.mark.slow  # hypothesis-generated migrations, each applied and re-planned on a server

ALL = Settings(allowed_hazards=frozenset(HAZARDS))
names = st.from_regex(r"[a-z][a-z0-9]{1,8}", fullmatch=True).filter(lambda n: ident(n) == n)
types = st.sampled_from(["text", "integer", "bigint", "boolean", "numeric(10, 2)", "varchar(40)", "jsonb", "date"])


@st.composite
def specs(draw) -> dict:
    tables = {}
    for i, table in enumerate(draw(st.lists(names, min_size=1, max_size=3, unique=True))):
        columns = {"id": {"type": "bigint", "not_null": True}, "at": {"type": "timestamptz", "not_null": True}}
        for column in draw(st.lists(names.filter(lambda n: n not in ("id", "at")), max_size=4, unique=True)):
            columns[column] = {"type": draw(types), "not_null": draw(st.booleans())}
            if draw(st.integers(0, 3)) == 0:
                columns[column]["default"] = {"text": "'x'", "integer": "0", "bigint": "1", "boolean": "false"}.get(
                    columns[column]["type"], None
                )
        spec = {"columns": columns, "primary_key": ["id", "at"]}
        plain = [c for c in columns if c not in ("id", "at")]
        if plain and draw(st.booleans()):
            spec["indexes"] = [{"columns": [draw(st.sampled_from(plain)), "at desc"]}]
        if draw(st.booleans()):
            spec["partition"] = {"by": "range", "column": "at", "interval": "year", "start": 2025, "until": 2026}
        if draw(st.booleans()):
            spec["rls"] = True
            spec["policies"] = {f"{table}_read": {"command": "select", "roles": ["public"], "using": "id > 0"}}
        tables[table] = spec
    views = {}
    if draw(st.booleans()):
        source = sorted(tables)[0]
        views[f"{source}_recent"] = {"query": f"select id, at from public.{source} where at > now() - interval '1 day'"}
    return {"version": 1, "tables": tables, **({"views": views} if views else {})}


@st.composite
def pairs(draw) -> tuple[dict, dict]:
    """A spec and a changed copy: columns added, dropped and retyped, indexes and tables come and go."""
    a = draw(specs())
    b = copy.deepcopy(a)
    for name, table in list(b["tables"].items()):
        plain = [c for c in table["columns"] if c not in ("id", "at")]
        action = draw(st.sampled_from(["add", "drop", "retype", "index", "keep", "keep"]))
        if action == "add":
            table["columns"][draw(names.filter(lambda n: n not in table["columns"]))] = {"type": draw(types)}
        elif action == "drop" and plain:
            victim = draw(st.sampled_from(plain))
            del table["columns"][victim]
            table.pop("indexes", None)
        elif action == "retype" and plain:
            table["columns"][draw(st.sampled_from(plain))]["type"] = "text"
            for column in table["columns"].values():
                column.pop("default", None)
        elif action == "index":
            table["indexes"] = [] if table.get("indexes") else [{"columns": ["at"]}]
    if draw(st.booleans()):
        b["tables"][draw(names.filter(lambda n: n not in b["tables"]))] = {
            "columns": {"id": {"type": "bigint", "primary_key": True}}
        }
    b.pop("views", None) if draw(st.booleans()) else None
    return a, b


def _write(tmp: Path, spec: dict) -> Path:
    path = tmp / f"{uuid.uuid4().hex[:8]}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _fresh(pg_cluster) -> str:
    return pg_cluster.create_database(f"prop_{uuid.uuid4().hex[:10]}")


# SCHEMAC_PROPERTY_EXAMPLES=200 for a longer search than CI runs.
SETTINGS = settings(
    max_examples=int(os.environ.get("SCHEMAC_PROPERTY_EXAMPLES", 12)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(spec=specs())
def test_any_spec_applied_plans_empty(spec: dict, pg_cluster, tmp_path: Path) -> None:
    path = _write(tmp_path, spec)
    try:
        goal = live.desired(str(path), pg_cluster.url())
    except SpecError as exc:  # a drawn name may equal a generated one; reported as it must be
        assert all("already defined" in p.message for p in exc.problems), str(exc)
        return
    url = _fresh(pg_cluster)
    apply(url, live.plan(live.current(url), goal), "", ALL)
    assert live.plan(live.current(url), goal).empty


@SETTINGS
@given(pair=pairs())
def test_any_migration_converges_and_keeps_rows(pair: tuple[dict, dict], pg_cluster, tmp_path: Path) -> None:
    a, b = (_write(tmp_path, spec) for spec in pair)
    try:
        goal_a, goal_b = live.desired(str(a), pg_cluster.url()), live.desired(str(b), pg_cluster.url())
    except SpecError as exc:
        assert all("already defined" in p.message for p in exc.problems), str(exc)
        return
    url = _fresh(pg_cluster)
    apply(url, live.plan(live.current(url), goal_a), "", ALL)
    kept = sorted(set(pair[0]["tables"]) & set(pair[1]["tables"]))
    with psycopg.connect(url, autocommit=True) as conn:
        for table in kept:
            conn.execute(
                f"insert into {table} (id, at) select g, '2025-06-01'::timestamptz from generate_series(1, 3) g "
                "on conflict do nothing"
                if not _needs_values(pair[0]["tables"][table])
                else "select 1"
            )
    apply(url, live.plan(live.current(url), goal_b), "", ALL)
    assert live.plan(live.current(url), goal_b).empty
    with psycopg.connect(url, autocommit=True) as conn:
        for table in kept:
            if not _needs_values(pair[0]["tables"][table]):
                assert conn.execute(f"select count(*) from {table}").fetchone()[0] == 3, table


def _needs_values(table: dict) -> bool:
    """Whether a row needs more than id and at (a NOT NULL column without a default)."""
    return any(
        c.get("not_null") and c.get("default") is None and name not in ("id", "at")
        for name, c in table["columns"].items()
    )
