"""Run a plan against a live database, safely.

- Hazardous steps run only when their hazard is allowed explicitly.
- A session advisory lock keeps two applies from interleaving. It is taken
  first (:class:`Session`), so that the plan is made, or a saved plan checked,
  while no other apply can change the database; a second apply waits up to
  ``Settings.lock_wait`` seconds, then stops naming the one that runs.
- ``lock_timeout`` and ``statement_timeout`` are set for every step, and
  ``idle_in_transaction_session_timeout`` for the session: a client that
  vanishes mid-transaction does not keep its locks.
- The transactional steps run in one transaction with the history record, so
  a failure there leaves the database as it was, but for the steps that run
  before the transaction (new enum values), which the message then names.
- Before starting, the lock table is checked against what the transaction
  needs, so a large plan never fails halfway with "out of shared memory".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import psycopg
from psycopg import sql

from .connection import Timeouts, connect
from .plan import Phase, Plan, Step
from .redact import target
from .sqltree import statements
from .supabase import has_auth_schema, standin_sql

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
    lock_wait: float = 0  # seconds a second apply waits for the first to end before it stops
    idle_in_transaction_timeout: str = "1min"
    connect_timeout: int = 10

    @property
    def timeouts(self) -> Timeouts:
        return Timeouts(
            self.connect_timeout, self.lock_timeout, self.statement_timeout, self.idle_in_transaction_timeout
        )


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


class Session:
    """A connection holding the apply lock of its database, for as long as the ``with`` block runs.

    Raises ApplyError on entering when the lock stays taken for ``settings.lock_wait`` seconds.
    """

    def __init__(self, url: str, settings: Settings = Settings()):
        self.url, self.settings = url, settings
        self.conn: psycopg.Connection | None = None

    def __enter__(self) -> Session:
        # A database that cannot be reached is bad input (LiveError, exit 2), not a failed apply.
        self.conn = connect(self.url, self.settings.timeouts)
        try:
            self.conn.execute("SET application_name = 'schemac apply'")
            self.conn.execute(
                sql.SQL("SET idle_in_transaction_session_timeout = {}").format(
                    sql.Literal(self.settings.idle_in_transaction_timeout)
                )
            )
            self._lock()
        except BaseException:
            self.conn.close()
            raise
        return self

    def _lock(self) -> None:
        deadline = time.monotonic() + self.settings.lock_wait
        while not self.conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).fetchone()[0]:
            if time.monotonic() >= deadline:
                raise ApplyError(f"another apply is running ({self._holder()}); try again when it ends")
            time.sleep(0.2)

    def _holder(self) -> str:
        row = self.conn.execute(
            "SELECT l.pid, to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS UTC'),"
            "       a.application_name, a.client_addr"
            "  FROM pg_locks l LEFT JOIN pg_stat_activity a USING (pid)"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = %s AND l.objsubid = 1"
            "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (ADVISORY_LOCK_KEY,),
        ).fetchone()
        if row is None:
            return "it ended just now"
        pid, since, application, address = row
        who = f", {application}" if application else ""
        where = f" from {address}" if address else ""
        return f"pid {pid}, since {since}{who}{where}" if since else f"pid {pid}"

    def __exit__(self, *exc_info: object) -> None:
        if self.conn is not None and not self.conn.closed:
            try:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
            except psycopg.Error:
                pass  # a broken connection: the server let the lock go when it ended
            self.conn.close()

    def run(self, plan: Plan, fingerprint: str, standin: bool = False) -> list[Step]:
        """Run ``plan``; return the steps that ran. Raises before changing anything when it cannot run whole.

        ``standin``: install the Supabase stand-in first, in the transaction, when the database has no auth
        schema (the plan was made from the database with it: see ``live.current``)."""
        refused = refused_steps(plan, self.settings.allowed_hazards)
        if refused:
            raise HazardRefused(refused, self.settings.allowed_hazards)
        conn = self.conn
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(self.settings.lock_timeout)))
        conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(self.settings.statement_timeout)))
        check_lock_capacity(conn, plan)
        try:
            return _run(conn, plan, fingerprint, standin and not has_auth_schema(conn))
        except psycopg.OperationalError as exc:
            # The connection died: PostgreSQL rolls back its open transaction.
            raise ApplyError(f"the connection was lost ({str(exc).strip()}); the transaction was rolled back") from None


def apply(url: str, plan: Plan, fingerprint: str, settings: Settings = Settings()) -> list[Step]:
    """Take the lock and run ``plan``; return the steps that ran. Raises before changing anything when it
    cannot run whole. To plan under the lock, use :class:`Session`."""
    refused = refused_steps(plan, settings.allowed_hazards)
    if refused:
        raise HazardRefused(refused, settings.allowed_hazards)
    with Session(url, settings) as session:
        return session.run(plan, fingerprint)


def _run(conn: psycopg.Connection, plan: Plan, fingerprint: str, standin: bool = False) -> list[Step]:
    """Run the steps; schemac.history gets one row per apply: 'applied' when every step ran,
    'failed' with the error's first line when one did not (the transaction's own record is
    rolled back with it, so the failure is written after)."""
    record = (fingerprint, target(conn.info), len(plan.steps), plan.sql())
    ran: list[Step] = []
    try:
        for step in (s for s in plan.steps if s.phase == Phase.BEFORE):
            _execute(conn, step, "before the transaction; " + _committed_before(ran, "nothing else was changed"))
            ran.append(step)
        after = [s for s in plan.steps if s.phase == Phase.AFTER]
        rolled_back = "the transaction was rolled back; " + _committed_before(ran, "the database is as it was")
        with conn.transaction():
            if standin:
                conn.execute(standin_sql())
            conn.execute(_HISTORY)
            for step in (s for s in plan.steps if s.phase == Phase.TRANSACTION):
                _execute(conn, step, rolled_back)
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
            conn.execute(
                "UPDATE schemac.history SET outcome = 'failed', error = %s WHERE id = %s", (_first_line(exc), row)
            )
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


def _committed_before(ran: list[Step], otherwise: str) -> str:
    """What stays of the steps committed before the transaction (they cannot be rolled back), or ``otherwise``."""
    if not ran:
        return otherwise
    titles = "; ".join(step.title for step in ran)
    return (
        f"but {len(ran)} step(s) before it were committed and stay: {titles} "
        "(new enum values cannot be removed; they are unused and harmless)"
    )


def _execute(conn: psycopg.Connection, step: Step, consequence: str) -> None:
    """Run a step a statement at a time: Citus sends some statements on to the shards as the client wrote
    them, and refuses to send several at once (ALTER TABLE ... ENABLE and FORCE ROW LEVEL SECURITY)."""
    try:
        for statement in statements(step.sql):
            conn.execute(statement)
    except psycopg.Error as exc:
        what = step.title
        raise ApplyError(f"step failed ({what}): {str(exc).strip().splitlines()[0]}; {consequence}") from None
