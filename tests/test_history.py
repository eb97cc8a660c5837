"""schemac.history has one row per apply that reached the database: 'applied' only when every
step ran, 'failed' with the first line of what stopped it otherwise; never a password."""

from __future__ import annotations

import psycopg
import pytest

from schemac.apply import ApplyError, Settings, apply
from schemac.plan import HAZARDS, Phase, Plan, Step

ALL = Settings(allowed_hazards=frozenset(HAZARDS))


def _history(url: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT fingerprint, outcome, error, steps FROM schemac.history ORDER BY id").fetchall()


def test_an_apply_that_ran_whole_is_recorded_applied(database: str) -> None:
    apply(
        database,
        Plan(
            (
                Step("CREATE TABLE t (id int)", None),
                Step("CREATE INDEX CONCURRENTLY t_id ON t (id)", None, phase=Phase.AFTER),
            )
        ),
        "whole",
        ALL,
    )
    assert _history(database) == [("whole", "applied", None, 2)]


def test_a_failed_transaction_is_recorded_failed_with_its_error(database: str) -> None:
    plan = Plan(
        (Step("CREATE TABLE kept_out (id int)", None), Step("CREATE TABLE broken (id int REFERENCES nowhere)", None))
    )
    with pytest.raises(ApplyError) as caught:
        apply(database, plan, "tx", ALL)
    [(fingerprint, outcome, error, steps)] = _history(database)
    assert (fingerprint, outcome, steps) == ("tx", "failed", 2)
    assert error == str(caught.value).splitlines()[0] and 'relation "nowhere" does not exist' in error


def test_a_failed_step_before_the_transaction_is_recorded_failed(database: str) -> None:
    plan = Plan(
        (
            Step("ALTER TYPE nothing_here ADD VALUE 'x'", None, phase=Phase.BEFORE),
            Step("CREATE TABLE never (id int)", None),
        )
    )
    with pytest.raises(ApplyError):
        apply(database, plan, "before", ALL)
    assert [row[:2] for row in _history(database)] == [("before", "failed")]


def test_an_apply_whose_step_after_the_transaction_failed_is_not_recorded_applied(database: str) -> None:
    plan = Plan(
        (
            Step("CREATE TABLE dup (id int)", None),
            Step("INSERT INTO dup VALUES (1), (1)", None),
            Step(
                "CREATE UNIQUE INDEX CONCURRENTLY dup_id ON dup (id)",
                None,
                phase=Phase.AFTER,
                undo="DROP INDEX CONCURRENTLY IF EXISTS dup_id",
            ),
        )
    )
    with pytest.raises(ApplyError, match="committed"):
        apply(database, plan, "after", ALL)
    [(fingerprint, outcome, error, _)] = _history(database)
    assert (fingerprint, outcome) == ("after", "failed")
    assert "could not create unique index" in error
