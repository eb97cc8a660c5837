"""How many sessions schemac opens: each costs the server a new backend, and a test run opens thousands.

A goal is built on three (the server's user's on the server and in the scratch database, and the
builder's), a plan to a database reads its facts and its catalog on one, and a cluster makes and drops
its databases on one of its own."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import psycopg
import pytest

from schemac import live, scratch
from schemac.importer import verify

ROOT = Path(__file__).parents[1]
SPEC = ROOT / "tests" / "specs" / "valid" / "every_kind.yaml"


@pytest.fixture
def sessions(monkeypatch) -> Counter:
    """The sessions opened during the test, by database name."""
    opened: Counter = Counter()
    connect = psycopg.connect

    def counted(conninfo: str = "", **kwargs):
        conn = connect(conninfo, **kwargs)
        opened[conn.info.dbname] += 1
        return conn

    monkeypatch.setattr(psycopg, "connect", counted)
    return opened


def test_a_goal_is_built_on_three_sessions(pg_cluster, sessions) -> None:
    goal = scratch.load(SPEC)
    with scratch.built(goal, pg_cluster.url()) as built:
        assert built.catalog().tables
        scratch_name = built.conn.info.dbname
    assert sessions == {"postgres": 1, scratch_name: 2}


def test_a_plan_reads_the_database_on_one_session(database, pg_cluster, sessions) -> None:
    name = psycopg.conninfo.conninfo_to_dict(database)["dbname"]
    start, goal = live.both(database, str(SPEC), pg_cluster.url())
    assert not live.plan(start, goal).empty
    assert sessions[name] == 1
    assert sum(sessions.values()) == 4  # and the goal's three


def test_import_reads_the_database_and_its_facts_on_one_session(database, sessions) -> None:
    catalog, facts = verify.read(database)
    assert catalog.tables == () and facts.search_path
    assert sessions == {psycopg.conninfo.conninfo_to_dict(database)["dbname"]: 1}


def test_a_cluster_makes_and_drops_databases_on_one_session(pg_cluster, sessions) -> None:
    before = sum(sessions.values())
    for name in ("sessions_a", "sessions_b"):
        pg_cluster.create_database(name)
        pg_cluster.drop_database(name)
    # None new where the cluster's own session is open already; else the one it opens.
    assert sum(sessions.values()) - before <= 1
