"""A goal (a spec or an SQL file) built on a scratch database, the one way schemac does it.

``plan``, ``apply``, ``check --db`` and ``import`` compare a database with
what a goal makes, so each builds the goal the same way (:func:`built`): on
an empty database (the embedded PostgreSQL unless ``dev_db`` names a server),
with the Supabase stand-in first when the goal needs it
(:attr:`Goal.needs_standin`, the one rule), then its SQL in one transaction.
``schemac test`` builds the same way (``for_tests``: with the data of its
materialized views, and able to act as the roles its tests act as).

The goal is code anyone who edits the spec wrote, and ``plan`` runs where the
production URL is in the environment; so the scratch server is untrusted:

- the goal is built by a role made for it, which logs in as itself (so it
  cannot ``RESET ROLE`` back to the superuser), owns the scratch database and
  nothing else, and is not a superuser nor a member of
  pg_execute_server_program, pg_read_server_files or pg_write_server_files:
  ``COPY ... TO PROGRAM`` and reading or writing the server's files are
  refused. From PostgreSQL 16 it has CREATEROLE, which there administers only
  the roles it made (it cannot grant those three, nor make a superuser or a
  BYPASSRLS role); before 16 CREATEROLE could grant them, so the superuser
  makes the roles the goal's SQL creates, with no attributes, before it runs.
  On a ``--dev-db`` server where schemac may not make roles, the goal is
  built as the connecting role, which must meet the same conditions;
- materialized views are made ``WITH NO DATA`` there, so no query of the goal
  runs while it is built (the catalog read back still says WITH DATA where the
  goal does); functions are made without ``LEAKPROOF``, which only a superuser
  may declare, and without the ``SET`` clauses the goal's role may not make
  (a placeholder such as ``myapp.tenant``, a superuser's parameter, ``role``);
  the catalog read back says LEAKPROOF and has those settings where the goal does;
- extensions: those the server marks trusted are created by the goal's role
  itself (PostgreSQL runs a trusted extension's own script with the rights it
  needs). Of the others, the superuser creates beforehand only those of a
  short list whose objects give a role that is not a superuser no program,
  file or network access (``HARMLESS_UNTRUSTED``: vector, pg_stat_statements,
  postgis, ...), and only where the goal asks for them with
  ``CREATE EXTENSION IF NOT EXISTS`` (as every spec does) in a schema that
  exists by then, each after the extensions it requires (cube before
  earthdistance, made by the superuser too when the goal asks for them); any other (dblink, file_fdw, postgres_fdw, untrusted
  languages, ...) is refused with a message;
- the embedded server is started with an environment of its own (devdb.py),
  so nothing of the caller's environment is visible to it.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import psycopg
from pglast import parser
from pglast.parser import ParseError
from psycopg import sql

from . import devdb
from .catalog.objects import Catalog, PrivilegeScope
from .connection import LiveError, connect
from .diff import Renames
from .render.quoting import ident
from .render.sql import LIST_SETTINGS
from .sqltree import references, statements
from .supabase import (
    NOT_MANAGED,
    PLATFORM_SCHEMAS,
    STANDIN_SCHEMAS,
    has_auth_schema,
    install_standin,
    lacking_extension,
    roles_sql,
)

if TYPE_CHECKING:
    from .pipeline import Compiled

# Extensions the embedded PostgreSQL does not have (it has stand-ins of uuid-ossp and pgcrypto: devdb.py).
_MISSING_FROM_EMBEDDED = ("pg_cron", "postgis", "pg_net", "pgsodium")


@dataclass(frozen=True)
class Goal:
    """What a spec or an SQL file puts into a database, and what a plan to it must know."""

    script: str
    label: str
    flavor: str = "postgres"
    renames: Renames = field(default_factory=Renames)
    # Tables whose partitions are also made at run time (the partitions
    # convention's create_partitions()): a plan never drops those it does not list.
    runtime_partitioned: frozenset = frozenset()
    target: int | None = None  # the PostgreSQL major version a spec targets
    # The goal places tables on a Citus cluster: it is built where Citus is (see ``server``).
    citus: bool = False
    # Whose privileges the goal states exactly (a spec's allow-list); None: everyone's.
    privileges: PrivilegeScope | None = None
    # Statements schemac rendered from a spec's validated fields that the goal's role may not run, left out of
    # ``script`` and run after it by the scratch server's superuser: default privileges FOR ROLE another role.
    trusted: tuple[str, ...] = ()
    # The spec's leave_alone entries: what a plan to it neither creates, alters nor drops.
    leave_alone: tuple[str, ...] = ()

    @cached_property
    def needs_standin(self) -> bool:
        """Whether a plain PostgreSQL needs the Supabase stand-in before this goal: a supabase spec, or SQL
        that names the auth, storage or realtime schema."""
        return self.flavor == "supabase" or uses_platform(self.script)

    @classmethod
    def of_compiled(cls, compiled: Compiled, label: str) -> Goal:
        from .render.sql import other_creators_sql

        script, trusted = compiled.sql, tuple(other_creators_sql(compiled.catalog))
        for statement in trusted:  # each as render wrote it, in the section that comes last
            at = script.rindex(statement)
            script = script[:at] + script[at + len(statement) :]
        return cls(
            script,
            label,
            compiled.catalog.flavor,
            Renames.from_catalog(compiled.catalog),
            _runtime_partitioned(compiled),
            compiled.catalog.target_version,
            citus=bool(compiled.catalog.distributions),
            privileges=compiled.catalog.privileges,
            trusted=trusted,
            leave_alone=compiled.catalog.leave_alone,
        )


def load(path: Path) -> Goal:
    """The goal of an SQL file or a spec (compiled here; SpecError when it does not compile)."""
    if path.suffix == ".sql":
        try:
            script = path.read_text(encoding="utf-8")
            return Goal(script, str(path), citus=bool(_statements(script, "create_distributed_table")))
        except (OSError, UnicodeDecodeError) as exc:
            raise LiveError(f"cannot read {path}: {exc}") from None
    from .pipeline import compile_file  # the spec compiler: not needed for databases and SQL files

    return Goal.of_compiled(compile_file(path), str(path))


def _runtime_partitioned(compiled: Compiled) -> frozenset:
    spec = compiled.spec
    if not getattr(getattr(spec, "conventions", None), "partitions", False):
        return frozenset()
    return frozenset(
        t.qname
        for t in compiled.catalog.tables
        if t.partition_key
        and t.partition_key.strategy == "range"
        and any(
            key in (str(t.qname), t.qname.name) and table.partition and table.partition.interval
            for key, table in spec.tables.items()
        )
    )


# A name in auth, storage or realtime is written schema-qualified ("auth.uid()", "storage" . objects), or with
# a Unicode escape (U&"..."), which this leaves to the parser too.
_MAY_NAME_PLATFORM = re.compile(r'(auth|storage|realtime)"?\s*\.|u&"', re.IGNORECASE)


def uses_platform(script: str) -> bool:
    """Whether SQL names a schema of Supabase's that the stand-in makes, auth, storage or realtime (a table, a
    function or a type in it)."""
    if not _MAY_NAME_PLATFORM.search(script):  # parsing a large script takes a second; most name none
        return False
    try:
        refs = references(script)
    except ParseError:  # a script pglast cannot parse is for PostgreSQL to report
        return False
    return any(schema in STANDIN_SCHEMAS for schema, _ in refs.relations | refs.functions | refs.types)


@contextmanager
def server(dev_db: str | None, citus: bool = False) -> Iterator[str]:
    """A superuser's (or ``dev_db``'s) URL on a server to make scratch databases on: ``dev_db``, or an
    embedded PostgreSQL for the duration; with ``citus``, one that loads Citus, with no workers (a
    coordinator keeps the shards itself: what Citus records of each table is the same)."""
    if dev_db:
        yield dev_db
        return
    try:
        cluster = devdb.citus_server() if citus else devdb.Cluster()
    except devdb.DevDBError as exc:
        way_out = "a server with Citus loaded" if citus else "a PostgreSQL server to work in"
        raise LiveError(f"{exc}; give {way_out} with --dev-db URL") from None
    with cluster:
        yield cluster.url()


def _citus_coordinator(admin: psycopg.Connection, url: str) -> None:
    """Make the database of ``url`` (``admin``'s) a Citus coordinator of its own, with no workers (Citus' nodes
    are each database's): the extension (a superuser's to create), and the coordinator's address as ``url``
    reaches it, for Citus' connections to itself. A ``--dev-db`` server needs Citus loaded."""
    params = psycopg.conninfo.conninfo_to_dict(url)
    try:
        admin.execute("CREATE EXTENSION IF NOT EXISTS citus")
    except psycopg.Error as exc:
        raise LiveError(
            f"the goal places tables on Citus, and the scratch server cannot create the citus extension "
            f"({str(exc).strip().splitlines()[0]}); give a server with Citus in shared_preload_libraries "
            "with --dev-db URL, or set SCHEMAC_CITUS_DIR for the embedded one"
        ) from None
    node = (params.get("host") or "localhost", int(params.get("port") or 5432))
    admin.execute("SELECT citus_set_coordinator_host(%s, %s)", node)
    # With no workers, the coordinator keeps the shards; Citus' default is that it keeps none.
    admin.execute("SELECT citus_set_node_property(%s, %s, 'shouldhaveshards', true)", node)


@contextmanager
def _database(server: psycopg.Connection, admin_url: str, owner: str | None = None) -> Iterator[str]:
    """The URL (as ``admin_url``'s user) of a new empty database made by ``server`` (a session of that user's on
    the server), dropped afterwards."""
    name = f"schemac_scratch_{secrets.token_hex(4)}"
    # FILE_COPY copies template0's files after a checkpoint instead of writing them into the WAL:
    # cheaper where fsync is off (the embedded server), and no forced checkpoint on a server where
    # it is not.
    cheap = "SELECT current_setting('server_version_num')::int >= 150000 AND NOT current_setting('fsync')::bool"
    strategy = sql.SQL(" STRATEGY FILE_COPY") if server.execute(cheap).fetchone()[0] else sql.SQL("")
    server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0{}").format(sql.Identifier(name), strategy))
    try:
        if owner:
            server.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), sql.Identifier(owner)))
        yield psycopg.conninfo.make_conninfo(admin_url, dbname=name)
    finally:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def scratch_database(dev_db: str | None = None) -> Iterator[str]:
    """The URL of an empty database that is removed afterwards: on ``dev_db``'s server, else on an
    embedded PostgreSQL started for it. Its user is the server's (a superuser): never for a goal's code,
    which :func:`built` builds as an untrusted role."""
    with server(dev_db) as admin_url, connect(admin_url) as admin, _database(admin, admin_url) as url:
        yield url


# Extensions the server does not mark trusted whose objects still give a role that is not a
# superuser no way to run programs, read or write the server's files, or reach other servers
# (their risky functions, where they have any, are the superuser's or pg_stat_*'s only).
HARMLESS_UNTRUSTED = frozenset(
    {
        "amcheck",
        "autoinc",
        "bloom",
        "earthdistance",
        "insert_username",
        "moddatetime",
        "pg_buffercache",
        "pg_freespacemap",
        "pg_prewarm",
        "pg_stat_statements",
        "pg_visibility",
        "pgrowlocks",
        "pgstattuple",
        "postgis",
        "postgis_topology",
        "vector",
    }
)

# Members of these may run programs, or read or write files, as the server.
_DANGEROUS_ROLES = ("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files")

# The first version whose CREATEROLE is limited to the roles its holder made (server_version_num).
ROLES_ADMINISTERED_SINCE = 160000


@contextmanager
def _builder(admin: psycopg.Connection, bypass_rls: bool = False) -> Iterator[tuple[str | None, dict, list[str]]]:
    """(the role that builds a goal, the connection parameters to log in as it, the roles made for the goal):
    a role made for it where the admin is a superuser, else the admin's own role once it is shown to be as
    restricted. With ``bypass_rls`` it writes rows past row security, as Supabase's postgres role does (a right
    over rows, not the server).

    The builder is dropped afterwards. The roles the goal made, and those made for it (appended to the list),
    stay, as a migration's roles stay on its server (``import`` builds the SQL, then the spec that grants to
    them), but none of them can log in any more: a goal plants no login on a --dev-db server.

    ``admin``: a session on the server as the scratch server's user."""
    superuser, dangerous = admin.execute(
        "SELECT rolsuper, (SELECT array_agg(r) FROM unnest(%s::text[]) r"
        "                   WHERE pg_has_role(current_user, r, 'MEMBER'))"
        "  FROM pg_roles WHERE rolname = current_user",
        (list(_DANGEROUS_ROLES),),
    ).fetchone()
    if not superuser:
        if dangerous:
            raise LiveError(
                f"the scratch server's role is a member of {', '.join(dangerous)}: the goal is "
                "code from the spec and is not built by a role that may run programs or touch "
                "the server's files; give --dev-db a role without them"
            )
        yield None, {}, []
        return
    role, password = f"schemac_goal_{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    # From PostgreSQL 16, CREATEROLE lets a role create roles and administer only those it made: it can
    # neither grant pg_execute_server_program and its kind nor make a superuser or BYPASSRLS role. Before
    # 16 it could grant any of them, so the roles a goal makes are made for it (_create_named_roles).
    createrole = "CREATEROLE" if admin.info.server_version >= ROLES_ADMINISTERED_SINCE else "NOCREATEROLE"
    admin.execute(
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB {} NOREPLICATION {}").format(
            sql.Identifier(role),
            sql.Literal(password),
            sql.SQL(createrole),
            sql.SQL("BYPASSRLS" if bypass_rls else "NOBYPASSRLS"),
        )
    )
    made: list[str] = []
    try:
        yield role, {"user": role, "password": password}, made
    finally:
        # The roles it created: PostgreSQL gave it ADMIN on each, granted by the bootstrap superuser.
        made += [
            name
            for (name,) in admin.execute(
                "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
                " WHERE m.member = to_regrole(%s) AND m.admin_option AND m.grantor = 10",
                (role,),
            )
        ]
        for name in dict.fromkeys(made):
            admin.execute(sql.SQL("ALTER ROLE {} NOLOGIN PASSWORD NULL").format(sql.Identifier(name)))
        # DROP OWNED revokes the memberships it granted in the roles it made, which DROP ROLE refuses to
        # leave without a grantor.
        if admin.execute("SELECT to_regrole(%s) IS NOT NULL", (role,)).fetchone()[0]:
            admin.execute(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(role)))


@dataclass
class Built:
    """A scratch database that holds a goal, and how to read it back."""

    conn: psycopg.Connection  # logged in as the role that built the goal
    # Materialized views made WITH NO DATA here that the goal makes with data: (schema or None, name).
    emptied: frozenset = frozenset()
    # Functions made here without the LEAKPROOF the goal gives them: (schema or None, name).
    leakproof: frozenset = frozenset()
    # Functions made here without the SET clauses the goal gives them: (schema or None, name) -> settings.
    settings: dict = field(default_factory=dict)

    def catalog(self, schemas: Sequence[str] | None = None, source: str = "database") -> Catalog:
        read = _with_leakproof(_with_data(catalog(self.conn, schemas, source), self.emptied), self.leakproof)
        return _with_settings(read, self.settings)


@contextmanager
def built(
    goal: Goal | Future,
    dev_db: str | None = None,
    shard_count: int | None = None,
    *,
    for_tests: Collection[str] | None = None,
    target: TargetFacts | None = None,
) -> Iterator[Built]:
    """``goal`` built on a new scratch database by an untrusted role (see the module's text); the database is
    removed afterwards. ``goal`` may be a Future (a spec still compiling while the server starts); one that
    turns out to place tables on Citus is built again on an embedded server that loads Citus.

    ``shard_count``: Citus' default number of shards while it is built: the one of the server a plan goes
    to, so that a table whose spec names none gets there the shards it gets here.

    ``for_tests`` (``schemac test``), the roles the tests act as: the builder is made a member of each of them
    that is neither a superuser nor a member of the roles that reach the server's programs and files, it
    bypasses row security as the tests' own writes need (acting as another role, row security holds), and
    the goal's materialized views are built with their data (by the builder, like the rest of the goal).

    ``target``: what the goal relies on in the database a plan (or import) goes to and does not make itself
    (:func:`target_facts`): its collations, each that the goal names made here first by the goal's role once
    its schema exists; and the search_path its sessions start with (a database's ``SET search_path``), under
    which the goal's SQL runs here too, so that a function body's unqualified names resolve as they do there."""
    citus = isinstance(goal, Goal) and goal.citus
    with server(dev_db, citus) as admin_url:
        goal = goal.result() if isinstance(goal, Future) else goal
        elsewhere = goal.citus and not citus and not dev_db
        if not elsewhere:
            with _built_on(admin_url, goal, shard_count, for_tests, target) as done:
                yield done
    if elsewhere:
        with built(goal, dev_db, shard_count, for_tests=for_tests, target=target) as done:
            yield done


@contextmanager
def _built_on(
    admin_url: str,
    goal: Goal,
    shard_count: int | None,
    for_tests: Collection[str] | None,
    target: TargetFacts | None = None,
) -> Iterator[Built]:
    # Three sessions: the server's user's on the server (it makes the builder and the database, and drops
    # them) and in the scratch database (what only that user may do there), and the builder's.
    with (
        connect(admin_url) as on_server,
        _builder(on_server, bypass_rls=for_tests is not None) as (role, login, made),
        _database(on_server, admin_url, owner=role) as url,
        connect(url) as admin,
    ):
        if goal.citus:
            _citus_coordinator(admin, url)
        if role is not None:  # roles need the superuser here; the rest is the goal role's
            if goal.needs_standin:
                admin.execute(roles_sql())
            if admin.info.server_version < ROLES_ADMINISTERED_SINCE:
                made += _create_named_roles(admin, goal.script)
        with _builder_session(admin, url, login) as conn:
            script, emptied = (goal.script, frozenset()) if for_tests is not None else without_data(goal.script)
            script, leakproof = without_leakproof(script)
            script, settings = without_settings(script, keep=user_settings(conn))
            if target is not None:
                script = with_target(script, target)
            if goal.needs_standin and not has_auth_schema(conn):
                install_standin(conn, with_roles=role is None)
            if role is not None:
                _create_untrusted_extensions(admin, script)
            if goal.citus and shard_count:
                conn.execute(sql.SQL("SET citus.shard_count = {}").format(sql.Literal(shard_count)))
            apply_script(conn, script, goal.label, goal.target, one_by_one=goal.citus)
            if goal.trusted:
                # The goal's statements its role may not run (Goal.trusted): as the superuser where schemac
                # made the goal's role, else as the connecting role of a --dev-db server. They are schemac's
                # own rendering of validated names, never a user's SQL: an SQL file's default privileges FOR
                # ROLE another role are run by the goal's role, which is refused (see apply_script).
                apply_script(admin, "\n\n".join(goal.trusted), goal.label, goal.target)
            if role is not None and for_tests:
                _grant_safe_roles(admin, role, for_tests)
            yield Built(conn, emptied, leakproof, settings)


@contextmanager
def _builder_session(admin: psycopg.Connection, url: str, login: dict) -> Iterator[psycopg.Connection]:
    """The builder's session in the scratch database: ``admin`` itself where the goal is built as the
    connecting role (``login`` is empty: see _builder), else a new one logged in as the builder."""
    if not login:
        yield admin
        return
    with connect(psycopg.conninfo.make_conninfo(url, **login)) as conn:
        yield conn


def _grant_safe_roles(admin: psycopg.Connection, builder: str, roles: Collection[str]) -> None:
    """As the superuser, ``builder`` made a member of those of ``roles`` that exist and reach no more than a
    plain role (a superuser, or a member of _DANGEROUS_ROLES, is left out: acting as it is then refused)."""
    safe = [
        name
        for (name,) in admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) AND NOT rolsuper"
            "   AND NOT EXISTS (SELECT FROM unnest(%s::text[]) d WHERE pg_has_role(oid, d, 'MEMBER'))",
            (sorted(roles), list(_DANGEROUS_ROLES)),
        )
    ]
    if safe:
        admin.execute(
            sql.SQL("GRANT {} TO {}").format(sql.SQL(", ").join(map(sql.Identifier, safe)), sql.Identifier(builder))
        )


def _create_named_roles(admin: psycopg.Connection, script: str) -> list[str]:
    """As the superuser, the roles ``script`` creates that do not exist yet, with no attributes (their names
    returned): before PostgreSQL 16 the goal's role may not create roles (see _builder). Such a script checks
    that a role is missing before it creates it (as a migration run more than once must); a bare CREATE ROLE of
    one of these then fails with "already exists", as it would on any server that has the role."""
    made = []
    for name in roles_created(script):
        if admin.execute("SELECT to_regrole(quote_ident(%s)) IS NULL", (name,)).fetchone()[0]:
            admin.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(name)))
            made.append(name)
    return made


def roles_created(script: str) -> list[str]:
    """The roles ``script`` creates (CREATE ROLE, USER or GROUP), at its top level and in its DO blocks, in
    order. A name built at run time (``EXECUTE 'CREATE ROLE ' || ...``) cannot be known and is not listed."""
    names: list[str] = []
    for _, node in _statements(script, "role", "user", "group"):
        if "CreateRoleStmt" in node:
            names.append(node["CreateRoleStmt"]["role"])
        elif "DoStmt" in node:
            names += _roles_created_in_do(node["DoStmt"])
    return list(dict.fromkeys(names))


def _roles_created_in_do(do: dict) -> list[str]:
    options = {o["DefElem"]["defname"]: o["DefElem"]["arg"]["String"]["sval"] for o in do.get("args", [])}
    if options.get("language", "plpgsql") != "plpgsql":
        return []
    tag = "schemac_do"
    while tag in options["as"]:
        tag += "_"
    try:
        tree = orjson.loads(
            parser.parse_plpgsql_json(
                f"CREATE FUNCTION schemac_do() RETURNS void LANGUAGE plpgsql AS ${tag}${options['as']}${tag}$"
            )
        )
    except (ParseError, ValueError):  # PostgreSQL reports it when the script runs
        return []
    return [name for query in _queries(tree) for name in roles_created(query)]


def _queries(tree) -> Iterator[str]:
    """The SQL statements of a PL/pgSQL parse tree (its expressions' ``query`` texts)."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "query" and isinstance(value, str):
                yield value
            else:
                yield from _queries(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _queries(item)


def _create_untrusted_extensions(admin: psycopg.Connection, script: str) -> None:
    """As the superuser, the extensions of HARMLESS_UNTRUSTED that ``script`` creates IF NOT EXISTS, where the
    server has them and does not mark them trusted; and before each, the extensions it requires that the script
    creates too (a trusted one such as cube for earthdistance: the goal's role would make it only later).

    A required extension that the script does not create and the server does not have installed is a LiveError
    naming both, as PostgreSQL refuses it too; the server's own refusal is one as well, naming the extension."""
    wanted = {}
    for _, node in _statements(script, "extension"):
        if "CreateExtensionStmt" in node:
            wanted.setdefault(node["CreateExtensionStmt"]["extname"], node["CreateExtensionStmt"])
    if not wanted:
        return
    available = {
        name: (trusted, installed, requires or [])
        for name, trusted, installed, requires in admin.execute(
            "SELECT e.name, v.trusted, e.installed_version IS NOT NULL, v.requires"
            "  FROM pg_available_extensions e JOIN pg_available_extension_versions v"
            "    ON v.name = e.name AND v.version = e.default_version"
            " WHERE e.name = ANY(%s) OR e.name IN (SELECT unnest(requires) FROM pg_available_extension_versions"
            "                                     WHERE name = ANY(%s))",
            (list(wanted), list(wanted)),
        )
    }
    made: set[str] = set()

    def create(name: str, needed_by: str | None) -> None:
        if name in made:
            return
        made.add(name)
        trusted, installed, requires = available.get(name, (True, False, []))
        if installed:
            return
        if name not in wanted:
            if needed_by is not None:
                raise LiveError(
                    f"extension {needed_by} requires extension {name}, which the goal does not create and the "
                    f"scratch server does not have installed: create {name} too, before {needed_by}"
                )
            return
        node = wanted[name]
        if needed_by is not None and not node.get("if_not_exists"):
            raise LiveError(
                f"extension {needed_by} is created on the scratch server by its superuser before the goal runs, and "
                f"requires extension {name}, which the goal creates without IF NOT EXISTS: write "
                f"CREATE EXTENSION IF NOT EXISTS {name}"
            )
        for required in requires:
            create(required, name)
        options = {
            o["DefElem"]["defname"]: o["DefElem"]["arg"]["String"]["sval"]
            for o in node.get("options", [])
            if "String" in o["DefElem"].get("arg", {})
        }
        schema = options.get("schema")
        if schema and admin.execute("SELECT to_regnamespace(%s) IS NULL", (schema,)).fetchone()[0]:
            return  # made by the goal later: the goal's role then meets the extension, and says so
        try:
            admin.execute(
                sql.SQL("CREATE EXTENSION IF NOT EXISTS {}{}{}").format(
                    sql.Identifier(name),
                    sql.SQL(" WITH SCHEMA {}").format(sql.Identifier(schema)) if schema else sql.SQL(""),
                    sql.SQL(" VERSION {}").format(sql.Literal(options["new_version"]))
                    if "new_version" in options
                    else sql.SQL(""),
                )
            )
        except psycopg.Error as exc:
            message = str(exc).strip().splitlines()[0]
            raise LiveError(f"the scratch server could not create extension {name}: {message}") from None

    for name, node in wanted.items():
        trusted, installed, _ = available.get(name, (True, True, []))
        if node.get("if_not_exists") and name in HARMLESS_UNTRUSTED and not trusted and not installed:
            create(name, None)


@dataclass(frozen=True)
class Collation:
    """A collation of a database (of its own schemas), and the CREATE COLLATION that makes it again."""

    schema: str
    name: str
    definition: str


@dataclass(frozen=True)
class TextSearchObject:
    """A text search dictionary or configuration of a database (of its own schemas), the statements that make
    it again, and for a configuration, the dictionaries of those schemas it maps to (``schema.name``)."""

    schema: str
    name: str
    definition: str
    dictionaries: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetFacts:
    """What a goal built for a database relies on there without making it (see ``built``)."""

    collations: tuple[Collation, ...] = ()
    search_path: str | None = None  # as a new session there has it
    text_search: tuple[TextSearchObject, ...] = ()  # dictionaries first


def target_facts(conn: psycopg.Connection) -> TargetFacts:
    """The facts of the database of ``conn``, a session that has not changed its search_path."""
    search_path = conn.execute("SELECT pg_catalog.current_setting('search_path')").fetchone()[0]
    # Not among introspect/queries/, which are the catalog's: these are read only for a scratch database.
    folder = Path(__file__).parent / "introspect"
    collations = tuple(Collation(*row) for row in conn.execute((folder / "collation_definitions.sql").read_text()))
    text_search = tuple(
        TextSearchObject(schema, name, definition, tuple(dictionaries))
        for schema, name, definition, dictionaries in conn.execute((folder / "text_search_definitions.sql").read_text())
    )
    return TargetFacts(collations, search_path, text_search)


def with_target(script: str, target: TargetFacts) -> str:
    """``script`` run under the target's search_path, with the target's collations and text search objects it
    names made in it.

    The search_path is set after the script's last CREATE EXTENSION: a spec's extension with no schema is
    one in public (as import writes it), which a search_path led by another schema would move."""
    script = with_text_search(with_collations(script, target.collations), target.text_search)
    if target.search_path is None:
        return script
    at = _after_extensions(script)
    literal = "'" + target.search_path.replace("'", "''") + "'"
    return f"{script[:at]}\nSELECT pg_catalog.set_config('search_path', {literal}, false);\n{script[at:]}"


def _after_extensions(script: str) -> int:
    """Where the script's last CREATE EXTENSION ends (0: it has none)."""
    return max(
        (where.stop + 1 for where, node in _statements(script, "extension") if "CreateExtensionStmt" in node), default=0
    )


def with_text_search(script: str, objects: Sequence[TextSearchObject]) -> str:
    """``script`` with each text search configuration of ``objects`` that it names (a function's body does:
    ``to_tsvector('app.simple_words', ...)``) made in it, after the dictionaries of ``objects`` that it maps to;
    after the script's extensions (a configuration may map to an extension's dictionary, ``unaccent``) and
    the CREATE SCHEMA of their schemas."""
    lowered = script.lower()
    named = [o for o in objects if o.name.lower() in lowered]
    mapped = {d for o in named for d in o.dictionaries}
    wanted = [o for o in objects if o in named or f"{o.schema}.{o.name}" in mapped]
    if not wanted:
        return script
    schemas = {
        node["CreateSchemaStmt"]["schemaname"]: where.stop + 1
        for where, node in _statements(script, "schema")
        if "CreateSchemaStmt" in node and "schemaname" in node["CreateSchemaStmt"]
    }
    at = max([_after_extensions(script), *(schemas.get(o.schema, 0) for o in wanted)])
    made = "".join(f"{o.definition};\n" for o in wanted)
    return f"{script[:at]}\n{made}{script[at:]}"


def with_collations(script: str, collations: Sequence[Collation]) -> str:
    """``script`` with each of ``collations`` that it names and does not make itself made in it, right after
    the CREATE SCHEMA of its schema (first, for a schema the script does not make)."""
    if not collations:
        return script
    lowered = script.lower()
    made = {
        tuple(s["String"]["sval"] for s in node["DefineStmt"]["defnames"])
        for _, node in _statements(script, "collation")
        if node.get("DefineStmt", {}).get("kind") == "OBJECT_COLLATION"
    }
    wanted = [
        c for c in collations if c.name.lower() in lowered and (c.schema, c.name) not in made and (c.name,) not in made
    ]
    if not wanted:
        return script
    schemas = {
        node["CreateSchemaStmt"]["schemaname"]: where.stop
        for where, node in _statements(script, "schema")
        if "CreateSchemaStmt" in node and "schemaname" in node["CreateSchemaStmt"]
    }
    inserts: dict[int, list[str]] = {}
    for c in wanted:
        at = schemas.get(c.schema)
        inserts.setdefault(at if at is not None else 0, []).append(c.definition)
    out, start = [], 0
    for at in sorted(inserts):
        if at == 0:
            out.append("".join(f"{d};\n" for d in inserts[at]))
        else:
            out.append(script[start:at] + "".join(f";\n{d}" for d in inserts[at]))
            start = at
    return "".join(out) + script[start:]


def prepare(conn: psycopg.Connection, goal: Goal) -> None:
    """Put ``goal`` into the database of ``conn`` as its user (``schemac test --db``, in a transaction it rolls
    back, with the rights of the URL it was given): the stand-in first when the goal needs it and the database
    has no auth schema, then the goal's SQL."""
    if goal.needs_standin:
        install_standin(conn)
    apply_script(conn, goal.script, goal.label, goal.target, one_by_one=goal.citus)


def without_data(script: str) -> tuple[str, frozenset]:
    """``script`` with its materialized views made WITH NO DATA, and their names (schema or None, name).

    Only the end of each such statement changes (``WITH DATA`` or nothing becomes ``WITH NO DATA``), so the
    rest of the text, and what PostgreSQL stores of it, stays as written."""
    edits: list[tuple[int, int, str]] = []
    names = set()
    for where, node in _statements(script, "materialized"):
        ctas = node.get("CreateTableAsStmt")
        if not ctas or ctas.get("objtype") != "OBJECT_MATVIEW" or ctas["into"].get("skipData"):
            continue
        tokens = parser.scan(script[where])  # offsets in characters, as the slice's
        last = tokens[-1]
        if len(tokens) > 2 and (tokens[-2].name, last.name) == ("WITH", "DATA_P"):
            edits.append((where.start + tokens[-2].start, where.start + last.end + 1, "WITH NO DATA"))
        else:
            edits.append((where.start + last.end + 1, where.start + last.end + 1, " WITH NO DATA"))
        rel = ctas["into"]["rel"]
        names.add((rel.get("schemaname"), rel["relname"]))
    for begin, end, replacement in reversed(edits):
        script = script[:begin] + replacement + script[end:]
    return script, frozenset(names)


def without_leakproof(script: str) -> tuple[str, frozenset]:
    """``script`` with LEAKPROOF left out of its CREATE FUNCTION statements, and their names (schema or None,
    name): only a superuser may declare a function leakproof, and the role that builds a goal is none."""
    edits: list[tuple[int, int]] = []
    names = set()
    for where, node in _statements(script, "leakproof"):
        create = node.get("CreateFunctionStmt")
        options = [o["DefElem"] for o in (create or {}).get("options", [])]
        if not any(o["defname"] == "leakproof" and o.get("arg", {}).get("Boolean", {}).get("boolval") for o in options):
            continue
        tokens = parser.scan(script[where])
        edits += [(where.start + t.start, where.start + t.end + 1) for t in tokens if t.name == "LEAKPROOF"]
        *schema, name = [n["String"]["sval"] for n in create["funcname"]]
        names.add((schema[0] if schema else None, name))
    for begin, end in reversed(edits):
        script = script[:begin] + script[end:]
    return script, frozenset(names)


def _with_leakproof(catalog: Catalog, functions: frozenset) -> Catalog:
    """The catalog with LEAKPROOF again on the functions that were made without it only here."""
    if not functions:
        return catalog

    def restored(function):
        q = function.qname
        named = (q.schema, q.name) in functions or (None, q.name) in functions
        return dataclasses.replace(function, leakproof=True) if named else function

    return dataclasses.replace(catalog, functions=tuple(restored(f) for f in catalog.functions))


def without_settings(script: str, keep: Collection[str] = ()) -> tuple[str, dict]:
    """``script`` with the SET clauses of its CREATE FUNCTION and CREATE PROCEDURE statements left out, but
    search_path's and those of ``keep`` (names in lower case); and the settings each had, by (schema or None,
    name), as PostgreSQL keeps them (Function.settings). The role that builds a goal may not set a placeholder
    (``myapp.tenant``), a superuser's parameter or ``role``: those left out, PostgreSQL checks their values
    when the plan runs. A clause whose value is no constant (``FROM CURRENT``, ``TIME ZONE INTERVAL ...``)
    stays, for the server to read."""
    edits: list[tuple[int, int]] = []
    out: dict = {}
    for where, node in _statements(script, "set", within=_ROUTINE_SETTING):
        create = node.get("CreateFunctionStmt")
        settings = []
        tokens = parser.scan(script[where])
        for option in (o["DefElem"] for o in (create or {}).get("options", [])):
            clause = option["arg"].get("VariableSetStmt") if option["defname"] == "set" else None
            if clause is None or clause["name"].lower() in ("search_path", *keep):
                continue
            kind, args = clause["kind"], clause.get("args", [])
            if kind not in ("VAR_SET_VALUE", "VAR_SET_DEFAULT") or not all("A_Const" in a for a in args):
                continue
            if kind == "VAR_SET_VALUE":
                settings.append((clause["name"].lower(), ", ".join(_setting_text(clause["name"], a) for a in args)))
            start = next(i for i, t in enumerate(tokens) if t.start == option["location"])
            last = tokens[start + 1 :]
            if kind == "VAR_SET_DEFAULT":
                end = next(t for t in last if t.name == "DEFAULT")
            else:
                at = next(i for i, t in enumerate(last) if t.start == args[-1]["A_Const"]["location"])
                end = last[at + 1] if last[at].name in ("ASCII_43", "ASCII_45") else last[at]  # a sign, its number
            edits.append((where.start + tokens[start].start, where.start + end.end + 1))
        if settings:
            *schema, name = [n["String"]["sval"] for n in create["funcname"]]
            out[(schema[0] if schema else None, name)] = tuple(sorted(dict(settings).items()))
    for begin, end in reversed(edits):
        script = script[:begin] + script[end:]
    return script, out


def user_settings(conn: psycopg.Connection) -> frozenset[str]:
    """The parameters any role may set (lower case): a function's SET of one is built as written, so that the
    server checks its value and ``schemac test`` runs the function under it."""
    rows = conn.execute("SELECT lower(name) FROM pg_catalog.pg_settings WHERE context = 'user'").fetchall()
    return frozenset(name for (name,) in rows)


def _setting_text(name: str, const: dict) -> str:
    """One value of ``SET name = a, b`` as PostgreSQL keeps it: a number as written, a string as it is (or
    quoted as an identifier, for a list of names)."""
    const = const["A_Const"]
    if "ival" in const:
        return str(const["ival"].get("ival", 0))
    if "fval" in const:
        return const["fval"]["fval"]
    text = const.get("sval", {}).get("sval", "")
    return ident(text) if name.lower() in LIST_SETTINGS else text


def _with_settings(catalog: Catalog, settings: dict) -> Catalog:
    """The catalog with the SET clauses again on the functions that were made without them only here."""
    if not settings:
        return catalog

    def restored(function):
        q = function.qname
        given = settings.get((q.schema, q.name), settings.get((None, q.name)))
        if given is None:
            return function
        return dataclasses.replace(function, settings=tuple(sorted((dict(function.settings) | dict(given)).items())))

    return dataclasses.replace(catalog, functions=tuple(restored(f) for f in catalog.functions))


# A statement that may be a CREATE FUNCTION or PROCEDURE with a SET clause other than search_path's: a cheap
# test before the statement is parsed.
_ROUTINE_SETTING = re.compile(
    r"create\s+(or\s+replace\s+)?(function|procedure)\b.*\bset\s+(?!search_path\b)", re.IGNORECASE | re.DOTALL
)


def _statements(script: str, *words: str, within: re.Pattern | None = None) -> list[tuple[slice, dict]]:
    """(where, parse tree as pglast's JSON) of each statement of ``script`` that holds one of ``words`` (in lower
    case), and matches ``within`` if given.

    The scanner splits the script (a quarter of a second for the 2,000-table bench's 4 MB) and only those
    statements are parsed: parsing the whole script to JSON and loading it takes seconds."""
    if not any(word in script.lower() for word in words):
        return []
    out = []
    for where in parser.split(script, with_parser=False, only_slices=True):
        text = script[where].lower()
        if not any(word in text for word in words):
            continue
        text = script[where]
        if within is not None and not within.search(text):
            continue
        try:
            (raw,) = orjson.loads(parser.parse_sql_json(text))["stmts"]
        except (ParseError, ValueError, KeyError):  # PostgreSQL reports it when the script runs
            continue
        out.append((where, raw["stmt"]))
    return out


def _with_data(catalog: Catalog, emptied: frozenset) -> Catalog:
    """The catalog with WITH DATA again on the materialized views that were made without it only here."""
    if not emptied:
        return catalog

    def restored(view):
        named = (view.qname.schema, view.qname.name) in emptied or (None, view.qname.name) in emptied
        return dataclasses.replace(view, with_data=True) if view.materialized and named else view

    return dataclasses.replace(catalog, views=tuple(restored(v) for v in catalog.views))


def catalog(conn: psycopg.Connection, schemas: Sequence[str] | None = None, source: str = "database") -> Catalog:
    """What schemac manages in the (scratch) database of ``conn``: only ``schemas``, when given."""
    from .introspect import introspect

    return introspect(conn, schemas=schemas or None, exclude_schemas=NOT_MANAGED, source=source)


def _default_privileges_of_another_role(message: str, script: str) -> bool:
    """Whether a refusal is PostgreSQL's to ALTER DEFAULT PRIVILEGES FOR ROLE a role one is not a member of (16
    and later say so; before, only 'must be member of role')."""
    if "default privileges" in message:
        return True
    return message.startswith("must be member of role") and "default privileges" in script.lower()


def apply_script(
    conn: psycopg.Connection, script: str, what: str, target: int | None = None, one_by_one: bool = False
) -> None:
    """Run ``script`` in one transaction; on failure, a LiveError naming ``what`` (and a hint for a missing
    extension, or for a server older than the PostgreSQL ``target`` the script is written for).

    ``one_by_one``: a statement at a time, for Citus, which sends some statements on to the shards as the
    client wrote them and refuses a whole script sent as one ("cannot execute multiple utility events")."""
    try:
        with conn.transaction():
            if one_by_one:
                for statement in statements(script):
                    conn.execute(statement)
            else:
                conn.execute(script)
    except psycopg.Error as exc:
        message = str(exc).strip().splitlines()[0]
        hint = ""
        lacking = lacking_extension(exc.diag.message_primary or "") if exc.sqlstate == "42883" else None
        if lacking:
            hint = (
                f"; it is {lacking}'s, which this server does not have: the embedded PostgreSQL has a stand-in "
                f"{lacking} with only what core PostgreSQL does identically (uuid_generate_v4, gen_random_uuid; no "
                f"cryptographic function): give a server that has {lacking} with --dev-db URL"
            )
        elif any(f'"{ext}"' in message for ext in _MISSING_FROM_EMBEDDED) or "is not available" in message:
            hint = "; this server lacks this extension: give a server that has it with --dev-db URL"
        elif exc.sqlstate == "42501" and "extension" in message:
            hint = (
                "; the goal is built on the scratch server by a role that is not a superuser, which can create "
                "only the extensions the server marks trusted (pg_available_extension_versions.trusted), and is given "
                f"beforehand only these others: {', '.join(sorted(HARMLESS_UNTRUSTED))}"
            )
        elif exc.sqlstate == "42501" and _default_privileges_of_another_role(message, script):
            hint = (
                "; the goal is built on the scratch server by a role that is not a superuser, and an SQL file's "
                "statements never run as one: ALTER DEFAULT PRIVILEGES FOR ROLE another role cannot be built from "
                "SQL; write it in a spec's default_privileges (schemac then builds it itself), or leave it out"
            )
        elif exc.sqlstate == "42501":
            hint = (
                "; the goal is built on the scratch server by a role that is not a superuser and may not run "
                "programs or read or write the server's files"
            )
        elif exc.sqlstate in ("42P01", "3F000") and any(f'"{schema}' in message for schema in PLATFORM_SCHEMAS):
            hint = (
                "; of the platform's tables the scratch database has those of schemac's Supabase stand-in "
                "(auth.users, storage's, realtime.messages): for another, give a server that has it with --dev-db URL"
            )
        elif exc.sqlstate == "42704" and message.startswith("collation "):
            hint = (
                "; a spec does not make collations, it names those of the database it goes to: planned to a "
                "database that has it (--db URL), the scratch database makes it first as that one has it; a "
                "database without it needs it created there (CREATE COLLATION) before the spec is applied"
            )
        elif exc.sqlstate == "53200":  # out of shared memory: the lock table, for a script this size
            hint = (
                "; the whole script runs in one transaction and the server's lock table is too small for it: "
                "raise max_locks_per_transaction on that server (a restart is needed), or leave out "
                "--dev-db to use the embedded PostgreSQL, which starts with 1024"
            )
        elif target and conn.info.server_version // 10000 < target:
            # The SQL is written for the target (a NOT VALID foreign key on a partitioned
            # table, NOT ENFORCED, ...): an older scratch server cannot build the goal.
            hint = (
                f"; the spec targets PostgreSQL {target} and is written for it, but the scratch server is "
                f"PostgreSQL {conn.info.server_version // 10000}: give a PostgreSQL {target} server with "
                f"--dev-db URL (or ${devdb.BINDIR_ENV} for the embedded one), or target the older version"
            )
        raise LiveError(f"{what} does not apply to the scratch database: {message}{hint}") from None
