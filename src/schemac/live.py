"""The two sides of a plan, read as catalogs: a spec, an SQL file, or a live database.

A spec or an SQL file is first applied to a scratch database (the embedded
PostgreSQL unless ``dev_db`` names a server) and read back, so that both
sides of a comparison are in PostgreSQL's own printed form: expressions,
defaults and view queries compare as PostgreSQL prints them, not as they
were typed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from . import scratch
from .catalog.objects import Catalog
from .connection import DEFAULT_TIMEOUTS, LiveError, Timeouts, connect, waited
from .diff import Renames, compare, for_spec, goal_unmanaged, left_alone
from .diff.unheld import unmatched, without_listed
from .gcpause import gc_paused
from .introspect.definitions import unmodelled
from .plan import Plan, PlanError, make_plan
from .redact import is_connection_string, redact
from .scratch import Goal, TargetFacts
from .supabase import has_auth_schema, install_standin

__all__ = [
    "Goal",
    "LiveError",
    "Side",
    "both",
    "connect",
    "current",
    "desired",
    "fingerprint",
    "plan",
    "read",
    "redact",
]


def is_url(source: str) -> bool:
    return is_connection_string(source)


@dataclass(frozen=True)
class Side:
    catalog: Catalog
    label: str
    renames: Renames = field(default_factory=Renames)
    # Tables whose partitions are also made at run time (the partitions
    # convention's create_partitions()): a plan never drops those it does not list.
    runtime_partitioned: frozenset = frozenset()


def read(conn: psycopg.Connection) -> Catalog:
    return scratch.catalog(conn)


def fingerprint(catalog: Catalog) -> str:
    """A short hash of everything a plan is computed from."""
    return hashlib.sha256(repr(catalog).encode()).hexdigest()[:16]


def _database(
    url: str, standin: bool = False, timeouts: Timeouts = DEFAULT_TIMEOUTS, session: psycopg.Connection | None = None
) -> Side:
    """The side the database of ``url`` is, read on ``session`` (a session on it that the caller closes) when
    given, else on a session of its own."""
    with nullcontext(session) if session is not None else connect(url, timeouts) as conn:
        try:
            if standin and not has_auth_schema(conn):
                return Side(_read_with_standin(conn), redact(url))
            return Side(read(conn), redact(url))
        except psycopg.Error as exc:
            wait = waited(exc, conn, f"reading {redact(url)}", timeouts)
            if wait is None:
                raise
            raise wait from None


def _read_with_standin(conn: psycopg.Connection) -> Catalog:
    """The database as ``apply`` will find it once it has installed the Supabase stand-in (first, in its
    transaction): read in a transaction that is rolled back. A role that may not create it (a read-only role)
    reads the database as it is."""
    try:
        with conn.transaction(force_rollback=True):
            install_standin(conn)
            return read(conn)
    except psycopg.errors.InsufficientPrivilege:
        return read(conn)


def _built(
    goal: Goal | Future, dev_db: str | None, shard_count: int | None = None, target: TargetFacts | None = None
) -> Side:
    """The side ``goal`` makes, built on a scratch database and read back (``target``: scratch.built's)."""
    with scratch.built(goal, dev_db, shard_count, target=target) as built:
        goal = goal.result() if isinstance(goal, Future) else goal
        catalog = dataclasses.replace(built.catalog(), privileges=goal.privileges, leave_alone=goal.leave_alone)
        return Side(catalog, goal.label, goal.renames, goal.runtime_partitioned)


def desired(
    source: str | Goal,
    dev_db: str | None = None,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    shard_count: int | None = None,
    target: TargetFacts | None = None,
) -> Side:
    """The side a plan goes to: a goal already loaded, a spec (.yaml), an SQL file, or a database URL.
    ``shard_count`` and ``target``: Citus' default, and what the goal relies on, in the database on the
    plan's other side (see ``scratch.built``)."""
    if isinstance(source, Goal):
        return _built(source, dev_db, shard_count, target)
    if is_url(source):
        return _database(source, timeouts=timeouts)
    # The scratch database (a server start, when it is the embedded one) is
    # made while the spec compiles.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(scratch.load, Path(source))
        try:
            return _built(pending, dev_db, shard_count, target)
        except LiveError:
            pending.result()  # a spec's own problems come first: they are the user's to fix
            raise


def current(
    source: str | None,
    standin: bool = False,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    dev_db: str | None = None,
    shard_count: int | None = None,
    target: TargetFacts | None = None,
) -> Side:
    """The side a plan starts from: a database URL, a spec or SQL file (built as :func:`desired` builds
    one), or nothing (an empty database). With ``standin``, a database as it will be once the Supabase
    stand-in is installed, when it has no auth schema."""
    if source is None:
        return Side(Catalog(), "an empty database")
    if not is_url(source):
        return desired(source, dev_db, timeouts, shard_count, target)
    return _database(source, standin, timeouts)


def both(
    start: str | None, goal: str | Goal, dev_db: str | None = None, timeouts: Timeouts = DEFAULT_TIMEOUTS
) -> tuple[Side, Side]:
    """The start and the goal, read at the same time: most of reading a database
    is waiting for the server, so the two reads overlap.

    A side that is a spec or an SQL file is built with the shard count of the database on the other
    side (the start's, when both are databases): a table whose spec names none then gets, built, the
    shards Citus gives it there, whichever way the plan goes. That database is read on the session its
    facts were read on."""
    database = next((side for side in (start, goal) if isinstance(side, str) and is_url(side)), None)
    with _session(database, timeouts) as session:
        facts = _server_facts(session) if session is not None else None
        shard_count, target = facts or (None, None)
        session = session if facts is not None else None
        with gc_paused(), ThreadPoolExecutor(max_workers=2) as pool:
            standin = isinstance(goal, Goal) and goal.needs_standin
            if session is not None and start == database:
                start_side = pool.submit(_database, start, standin, timeouts, session)
            else:
                start_side = pool.submit(current, start, standin, timeouts, dev_db, shard_count, target)
            if session is not None and start != database:
                goal_side = pool.submit(_database, goal, False, timeouts, session)
            else:
                goal_side = pool.submit(desired, goal, dev_db, timeouts, shard_count, target)
            return start_side.result(), goal_side.result()


@contextmanager
def _session(url: str | None, timeouts: Timeouts) -> Iterator[psycopg.Connection | None]:
    """A session on the database of ``url``, closed afterwards; None without a URL, or where it cannot be
    connected (reading that side connects again and says why)."""
    try:
        conn = connect(url, timeouts) if url is not None else None
    except LiveError:
        conn = None
    if conn is None:
        yield None
        return
    with conn:
        yield conn


def _server_facts(conn: psycopg.Connection) -> tuple[int | None, TargetFacts] | None:
    """What building a side must know of the database of ``conn``: the number of shards Citus gives a new
    distributed table there (None where Citus is not loaded), and scratch.built's ``target``; None where it
    cannot be read (reading that side says why)."""
    try:
        value = conn.execute("SELECT current_setting('citus.shard_count', true)").fetchone()[0]
        return (int(value) if value else None), scratch.target_facts(conn)
    except psycopg.Error:
        return None


def plan(start: Side, goal: Side) -> Plan:
    """The plan from ``start`` to ``goal``; LiveError when none can run on the start's server."""
    current, desired = start.catalog, goal.catalog
    if desired.privileges is not None:  # a spec: what its leave_alone names is left alone on both sides
        current, desired = for_spec(current, desired), without_listed(desired)
    with gc_paused():
        changes = compare(current, desired, goal.renames, keep_partitions_of=goal.runtime_partitioned)
        try:
            made = make_plan(current, desired, changes)
        except PlanError as exc:
            raise LiveError(str(exc)) from None
        return dataclasses.replace(
            made,
            notes=left_alone(current, desired),
            unmanaged=current.unmanaged,
            goal_unmanaged=goal_unmanaged(current, desired),
            unmodelled=() if changes else tuple(unmodelled(current, desired)),
            unmatched=unmatched(start.catalog, desired),
        )
