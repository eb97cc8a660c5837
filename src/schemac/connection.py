"""Connecting to a database schemac reads or changes: one place for the connection's limits.

Every connection has a connect timeout and TCP keepalives (a silent network
drop ends in an error, not a hang), and its session gets ``lock_timeout`` and
``statement_timeout``, reads included: a table held in ACCESS EXCLUSIVE by
another session makes a read fail after ``lock_timeout`` with a message naming
the lock it waited for, instead of waiting for as long as the lock is held.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from .redact import redact, scrub


class LiveError(Exception):
    """A database could not be read, a side could not be prepared, or no plan runs on the server;
    the message says why."""


@dataclass(frozen=True)
class Timeouts:
    """How long schemac waits, as PostgreSQL durations ("5s", "2min"; "0" is no limit)."""

    connect: int = 10  # seconds, for libpq's connect_timeout
    lock: str = "5s"
    statement: str = "5min"
    # Only the apply session: a client that vanished mid-transaction stops holding its locks after this.
    idle_in_transaction: str = "1min"


DEFAULT_TIMEOUTS = Timeouts()

# A dead peer is noticed after about idle + interval x count seconds.
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def connect(url: str, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> psycopg.Connection:
    """An autocommit connection with the limits of ``timeouts``; LiveError when it cannot be made."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=timeouts.connect, **_KEEPALIVES)
    except psycopg.Error as exc:  # a malformed string is a ProgrammingError, quoting what it could not read
        raise LiveError(f"cannot connect to {redact(url)}: {scrub(str(exc).strip(), url)}") from None
    set_timeouts(conn, timeouts)
    return conn


def set_timeouts(conn: psycopg.Connection, timeouts: Timeouts) -> None:
    for name, value in (("lock_timeout", timeouts.lock), ("statement_timeout", timeouts.statement)):
        conn.execute(sql.SQL("SELECT set_config({}, {}, false)").format(sql.Literal(name), sql.Literal(value)))


def lock_holders(conn: psycopg.Connection) -> str:
    """Who holds locks that stop a reader, said for a person: 'public.cars (pid 123, AccessExclusiveLock since
    12:00:01)'; empty when no other session holds such a lock."""
    rows = conn.execute(
        "SELECT format('%I.%I', n.nspname, c.relname), l.pid, l.mode, to_char(a.xact_start, 'HH24:MI:SS')"
        "  FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
        "  JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid()"
        "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        "   AND l.mode = 'AccessExclusiveLock'"
        " ORDER BY 1, 2"
    ).fetchall()
    return ", ".join(f"{name} (pid {pid}, {mode} since {since})" for name, pid, mode, since in rows)


def waited(exc: psycopg.Error, conn: psycopg.Connection, what: str, timeouts: Timeouts) -> LiveError | None:
    """A LiveError naming the wait, when ``exc`` is a lock or statement timeout; else None."""
    if exc.sqlstate == "55P03":  # lock_not_available: lock_timeout ran out
        holders = lock_holders(conn) if not conn.closed else ""
        held = f": held by {holders}" if holders else ""
        return LiveError(
            f"{what} waited longer than lock_timeout ({timeouts.lock}) for a lock{held}; "
            "try again when that session ends, or give a longer --lock-timeout"
        )
    if exc.sqlstate == "57014" and "statement timeout" in str(exc):
        return LiveError(
            f"{what} ran longer than statement_timeout ({timeouts.statement}); give a longer --statement-timeout"
        )
    return None
