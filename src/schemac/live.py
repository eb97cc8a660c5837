"""The two sides of a plan, read as catalogs: a spec, an SQL file, or a live database.

A spec or an SQL file is first applied to a scratch database (the embedded
PostgreSQL unless ``dev_db`` names a server) and read back, so that both
sides of a comparison are in PostgreSQL's own printed form: expressions,
defaults and view queries compare as PostgreSQL prints them, not as they
were typed.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from pglast.parser import ParseError
from psycopg import sql

from . import devdb
from .catalog.objects import Catalog
from .diff import Renames, compare
from .gcpause import gc_paused
from .plan import Plan, PlanError, make_plan
from .redact import is_connection_string, redact, scrub
from .sqltree import references
from .supabase import has_auth_schema, install_standin

# Schemas a plan never touches: schemac's own bookkeeping, and the platform's.
HISTORY_SCHEMA = "schemac"
NOT_MANAGED = (HISTORY_SCHEMA, "auth", "storage", "extensions", "realtime", "graphql", "graphql_public", "vault",
               "pgsodium", "pgsodium_masks", "supabase_functions", "supabase_migrations", "net", "cron", "pgbouncer")

# Extensions the embedded PostgreSQL does not have.
_MISSING_FROM_EMBEDDED = ("pgcrypto", "uuid-ossp", "pg_cron", "postgis", "pg_net", "pgsodium")


class LiveError(Exception):
    """A database could not be read, a side could not be prepared, or no plan runs on the server;
    the message says why."""


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


def _runtime_partitioned(compiled) -> frozenset:
    spec = compiled.spec
    if not getattr(getattr(spec, "conventions", None), "partitions", False):
        return frozenset()
    return frozenset(
        t.qname for t in compiled.catalog.tables
        if t.partition_key and t.partition_key.strategy == "range"
        and any(key in (str(t.qname), t.qname.name) and table.partition and table.partition.interval
                for key, table in spec.tables.items())
    )


def read(conn: psycopg.Connection) -> Catalog:
    from .introspect import introspect

    return introspect(conn, exclude_schemas=NOT_MANAGED)


def fingerprint(catalog: Catalog) -> str:
    """A short hash of everything a plan is computed from."""
    return hashlib.sha256(repr(catalog).encode()).hexdigest()[:16]


def connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:  # a malformed string is a ProgrammingError, quoting what it could not read
        raise LiveError(f"cannot connect to {redact(url)}: {scrub(str(exc).strip(), url)}") from None


@contextmanager
def scratch_database(dev_db: str | None = None) -> Iterator[str]:
    """The URL of an empty database that is removed afterwards."""
    name = f"schemac_scratch_{secrets.token_hex(4)}"
    if dev_db:
        with connect(dev_db) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield psycopg.conninfo.make_conninfo(dev_db, dbname=name)
        finally:
            with connect(dev_db) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        return
    try:
        cluster = devdb.Cluster()
    except devdb.DevDBError as exc:
        raise LiveError(str(exc)) from None
    with cluster:
        yield cluster.create_database(name)


def apply_script(conn: psycopg.Connection, script: str, what: str, target: int | None = None) -> None:
    """Run ``script`` in one transaction; on failure, a LiveError naming ``what`` (and a hint for a missing
    extension, or for a server older than the PostgreSQL ``target`` the script is written for)."""
    try:
        with conn.transaction():
            conn.execute(script)
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0]
        hint = ""
        if any(f'"{ext}"' in message for ext in _MISSING_FROM_EMBEDDED) or "is not available" in message:
            hint = ("; the embedded PostgreSQL lacks this extension: give a server that has it "
                    "with --dev-db URL")
        elif exc.sqlstate == "53200":  # out of shared memory: the lock table, for a script this size
            hint = ("; the whole script runs in one transaction and the server's lock table is too small for it: "
                    "raise max_locks_per_transaction on that server (a restart is needed), or leave out "
                    "--dev-db to use the embedded PostgreSQL, which starts with 1024")
        elif target and conn.info.server_version // 10000 < target:
            # The SQL is written for the target (a NOT VALID foreign key on a partitioned
            # table, NOT ENFORCED, ...): an older scratch server cannot build the goal.
            hint = (f"; the spec targets PostgreSQL {target} and is written for it, but the scratch server is "
                    f"PostgreSQL {conn.info.server_version // 10000}: give a PostgreSQL {target} server with "
                    f"--dev-db URL (or ${devdb.BINDIR_ENV} for the embedded one), or target the older version")
        raise LiveError(f"{what} does not apply to the scratch database: {message}{hint}") from None


@dataclass(frozen=True)
class _Goal:
    """What a spec or an SQL file puts into the scratch database."""

    script: str
    flavor: str
    renames: Renames = field(default_factory=Renames)
    runtime_partitioned: frozenset = frozenset()
    target: int | None = None  # the PostgreSQL major version a spec targets


def _goal(path: Path) -> _Goal:
    if path.suffix == ".sql":
        return _Goal(path.read_text(), "postgres")
    from .pipeline import compile_file  # the spec compiler: not needed for databases and SQL files

    compiled = compile_file(path)
    return _Goal(compiled.sql, compiled.catalog.flavor, Renames.from_catalog(compiled.catalog),
                 _runtime_partitioned(compiled), compiled.catalog.target_version)


def desired(source: str, dev_db: str | None = None) -> Side:
    """The side a plan goes to: a spec (.yaml), an SQL file, or a database URL."""
    if is_url(source):
        with connect(source) as conn:
            return Side(read(conn), redact(source))
    path = Path(source)
    # The scratch database (a server start, when it is the embedded one) is
    # made while the spec compiles.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_goal, path)
        try:
            with scratch_database(dev_db) as url, connect(url) as conn:
                goal = pending.result()
                if goal.flavor == "supabase" or uses_auth(goal.script):
                    install_standin(conn)
                apply_script(conn, goal.script, str(path), goal.target)
                return Side(read(conn), str(path), goal.renames, goal.runtime_partitioned)
        except LiveError:
            pending.result()  # a spec's own problems come first: they are the user's to fix
            raise


def current(source: str | None) -> Side:
    """The side a plan starts from: a database URL, or nothing (an empty database)."""
    if source is None:
        return Side(Catalog(), "an empty database")
    if not is_url(source):
        return desired(source)
    with connect(source) as conn:
        return Side(read(conn), redact(source))


def uses_auth(script: str) -> bool:
    """Whether SQL names Supabase's auth schema (a table, a function or a type in it)."""
    try:
        refs = references(script)
    except ParseError:  # a script pglast cannot parse is for PostgreSQL to report
        return False
    return any(schema == "auth" for schema, _ in refs.relations | refs.functions | refs.types)


def goal_needs_standin(goal: str) -> bool:
    """Whether applying ``goal`` to a plain PostgreSQL needs the Supabase stand-in first."""
    if is_url(goal):
        return False
    path = Path(goal)
    if path.suffix == ".sql":
        return uses_auth(path.read_text())
    from .pipeline import compile_file

    return compile_file(path).catalog.flavor == "supabase"


def both(start: str | None, goal: str, dev_db: str | None = None) -> tuple[Side, Side]:
    """The start and the goal, read at the same time: most of reading a database
    is waiting for the server, so the two reads overlap."""
    with gc_paused(), ThreadPoolExecutor(max_workers=2) as pool:
        start_side = pool.submit(current, start)
        goal_side = pool.submit(desired, goal, dev_db)
        return start_side.result(), goal_side.result()


def plan(start: Side, goal: Side) -> Plan:
    """The plan from ``start`` to ``goal``; LiveError when none can run on the start's server."""
    with gc_paused():
        changes = compare(start.catalog, goal.catalog, goal.renames, keep_partitions_of=goal.runtime_partitioned)
        try:
            return make_plan(start.catalog, goal.catalog, changes)
        except PlanError as exc:
            raise LiveError(str(exc)) from None
