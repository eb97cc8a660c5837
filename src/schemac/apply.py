"""Run a plan against a live database, safely.

- Hazardous steps run only when their hazard is allowed explicitly.
- A session advisory lock keeps two applies from interleaving.
- ``lock_timeout`` and ``statement_timeout`` are set for every step.
- The transactional steps run in one transaction with the history record, so
  a failure anywhere leaves the database as it was.
- Before starting, the lock table is checked against what the transaction
  needs, so a large plan never fails halfway with "out of shared memory".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import psycopg
from psycopg import sql

from .plan import Phase, Plan, Step
from .redact import scrub, target

ADVISORY_LOCK_KEY = 0x5C4E4AC  # "schemac", as a number both applies agree on

_HISTORY = """
CREATE SCHEMA IF NOT EXISTS schemac;
CREATE TABLE IF NOT EXISTS schemac.history (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    fingerprint text        NOT NULL,
    target      text        NOT NULL,
    steps       integer     NOT NULL,
    sql         text        NOT NULL,
    outcome     text        NOT NULL
);
-- Added later: what stopped a failed apply (its first line).
ALTER TABLE schemac.history ADD COLUMN IF NOT EXISTS error text;
"""

_RECORD = """
INSERT INTO schemac.history (fingerprint, target, steps, sql, outcome, error)
VALUES (%s, %s, %s, %s, %s, %s)
RETURNING id
"""


class ApplyError(Exception):
    """The plan was not applied (or only partly, for steps outside the transaction); the message says where."""


class HazardRefused(ApplyError):
    def __init__(self, steps: list[Step], allowed: frozenset[str]):
        self.steps = steps
        hazards = sorted({h for s in steps for h in s.hazards} - allowed)
        super().__init__(
            f"{len(steps)} step(s) have hazards that were not allowed: {', '.join(hazards)}; "
            f"review the plan and pass --allow-hazards {','.join(hazards)} to run them"
        )


@dataclass(frozen=True)
class Settings:
    lock_timeout: str = "5s"
    statement_timeout: str = "0"
    allowed_hazards: frozenset[str] = frozenset()


def refused_steps(plan: Plan, allowed: frozenset[str]) -> list[Step]:
    return [s for s in plan.steps if s.hazards - allowed]


def estimated_locks(plan: Plan) -> int:
    """Locks the transaction holds at its peak: a created relation takes several
    (itself, its TOAST table and index, its type, its indexes), other steps one or two."""
    locks = 0
    for step in plan.steps:
        if step.phase != Phase.TRANSACTION:
            continue
        head = step.sql.lstrip().split("\n", 1)[0].upper()
        locks += 8 if head.startswith(("CREATE TABLE", "CREATE MATERIALIZED VIEW")) else 2
    return locks


def check_lock_capacity(conn: psycopg.Connection, plan: Plan) -> None:
    """Stop before starting when the shared lock table cannot hold the transaction's locks."""
    row = conn.execute(
        "SELECT current_setting('max_locks_per_transaction')::int,"
        " current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int"
    ).fetchone()
    per_transaction, slots = row
    needed = estimated_locks(plan)
    if needed > per_transaction * slots:
        value = math.ceil(needed / slots / 64) * 64
        raise ApplyError(
            f"the plan's transaction needs about {needed} locks, more than this server's lock table holds "
            f"(max_locks_per_transaction = {per_transaction} x {slots} connections); set "
            f"max_locks_per_transaction to at least {value} (a restart is needed), then apply again. "
            "Nothing was changed."
        )


def apply(url: str, plan: Plan, fingerprint: str, settings: Settings = Settings()) -> list[Step]:
    """Run ``plan``; return the steps that ran. Raises before changing anything when it cannot run whole."""
    refused = refused_steps(plan, settings.allowed_hazards)
    if refused:
        raise HazardRefused(refused, settings.allowed_hazards)
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise ApplyError(f"cannot connect: {scrub(str(exc).strip(), url)}") from None
    with conn:
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(settings.lock_timeout)))
        conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(settings.statement_timeout)))
        check_lock_capacity(conn, plan)
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).fetchone()[0]:
            raise ApplyError("another schemac apply is running against this database; try again when it ends")
        try:
            return _run(conn, plan, fingerprint)
        except psycopg.OperationalError as exc:
            # The connection died: PostgreSQL rolls back its open transaction.
            raise ApplyError(f"the connection was lost ({str(exc).strip()}); the transaction was rolled back") from None
        finally:
            if not conn.closed:
                conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))


def _run(conn: psycopg.Connection, plan: Plan, fingerprint: str) -> list[Step]:
    """Run the steps; schemac.history gets one row per apply: 'applied' when every step ran,
    'failed' with the error's first line when one did not (the transaction's own record is
    rolled back with it, so the failure is written after)."""
    record = (fingerprint, target(conn.info), len(plan.steps), plan.sql())
    ran: list[Step] = []
    try:
        for step in (s for s in plan.steps if s.phase == Phase.BEFORE):
            _execute(conn, step, "before the transaction; nothing else was changed")
            ran.append(step)
        after = [s for s in plan.steps if s.phase == Phase.AFTER]
        with conn.transaction():
            conn.execute(_HISTORY)
            for step in (s for s in plan.steps if s.phase == Phase.TRANSACTION):
                _execute(conn, step, "the transaction was rolled back; the database is as it was")
                ran.append(step)
            # With steps still to run after the commit, the apply is not done when it commits.
            row = conn.execute(_RECORD, (*record, "running" if after else "applied", None)).fetchone()[0]
    except ApplyError as exc:
        _record_failure(conn, record, exc)
        raise
    for step in after:
        try:
            _execute(conn, step, "the transaction before it was committed; run `schemac apply` again to finish")
        except ApplyError as exc:
            if step.undo:
                conn.execute(step.undo)
            conn.execute("UPDATE schemac.history SET outcome = 'failed', error = %s WHERE id = %s",
                         (_first_line(exc), row))
            raise
        ran.append(step)
    if after:
        conn.execute("UPDATE schemac.history SET outcome = 'applied' WHERE id = %s", (row,))
    return ran


def _record_failure(conn: psycopg.Connection, record: tuple, error: ApplyError) -> None:
    try:
        conn.execute(_HISTORY)
        conn.execute(_RECORD, (*record, "failed", _first_line(error)))
    except psycopg.Error:
        pass  # the error being reported is the apply's; a record that cannot be written must not hide it


def _first_line(error: Exception) -> str:
    return str(error).strip().split("\n", 1)[0]


def _execute(conn: psycopg.Connection, step: Step, consequence: str) -> None:
    try:
        conn.execute(step.sql)
    except psycopg.Error as exc:
        what = step.title
        raise ApplyError(f"step failed ({what}): {str(exc).strip().splitlines()[0]}; {consequence}") from None
