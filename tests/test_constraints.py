"""Constraint states on real PostgreSQL: what DEFERRABLE, NOT VALID, NOT ENFORCED and EXCLUDE do once applied,
and the plan for what PostgreSQL versions do differently (tests/diffs holds the migrations that
every version plans alike)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.apply import ApplyError, Settings, apply
from schemac.cli import main
from schemac.pipeline import compile_text
from schemac.plan import HAZARDS, LONG_LOCK

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

BOOKINGS = """\
version: 1
extensions: [btree_gist]
tables:
  rooms:
    columns:
      id: {type: bigint, primary_key: true}
  bookings:
    columns:
      id: {type: bigint, primary_key: true}
      room_id: {type: bigint, not_null: true, references: {table: rooms, deferrable: initially immediate}}
      during: {type: tstzrange, not_null: true}
      mileage: int
    checks:
      bookings_mileage_positive: {expression: mileage >= 0, valid: %(valid)s}
    exclude:
      - name: bookings_no_overlap
        columns: [room_id with =, during with &&]
        deferrable: %(deferrable)s
"""


def _spec(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_deferred_exclusion_is_checked_at_commit_and_an_immediate_one_at_once(database, converge, tmp_path) -> None:
    converge(database, _spec(tmp_path, "a.yaml", BOOKINGS % {"valid": "true", "deferrable": "true"}))
    with psycopg.connect(database) as conn:
        conn.execute("insert into rooms values (1)")
        conn.execute("insert into bookings values (1, 1, '[2026-01-01 10:00, 2026-01-01 12:00)', 1)")
        conn.commit()
        # Two bookings overlap for a moment inside the transaction: fine, as at commit they do not.
        conn.execute("insert into bookings values (2, 1, '[2026-01-01 11:00, 2026-01-01 13:00)', 1)")
        conn.execute("update bookings set during = '[2026-01-01 10:00, 2026-01-01 11:00)' where id = 1")
        conn.commit()
        conn.execute("insert into bookings values (3, 1, '[2026-01-01 12:30, 2026-01-01 14:00)', 1)")
        with pytest.raises(psycopg.errors.ExclusionViolation):
            conn.commit()

    converge(database, _spec(tmp_path, "b.yaml", BOOKINGS % {"valid": "true", "deferrable": "false"}))
    with psycopg.connect(database) as conn:
        with pytest.raises(psycopg.errors.ExclusionViolation):
            conn.execute("insert into bookings values (3, 1, '[2026-01-01 12:30, 2026-01-01 14:00)', 1)")
        conn.rollback()
        # The foreign key, deferrable initially immediate, waits when a transaction asks it to.
        conn.execute("set constraints bookings_room_id_fkey deferred")
        conn.execute("insert into bookings values (4, 2, '[2026-02-01, 2026-02-02)', 1)")
        conn.execute("insert into rooms values (2)")
        conn.commit()


def test_a_check_that_need_not_be_valid_keeps_old_rows_and_refuses_new_ones(
    database, pg_cluster, converge, tmp_path
) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("create extension btree_gist")
        conn.execute("create table rooms (id bigint primary key)")
        conn.execute(
            "create table bookings (id bigint primary key, room_id bigint not null, "
            "during tstzrange not null, mileage int)"
        )
        conn.execute("insert into rooms values (1)")
        conn.execute("insert into bookings values (1, 1, '[2026-01-01, 2026-01-02)', -5)")
    spec = _spec(tmp_path, "a.yaml", BOOKINGS % {"valid": "false", "deferrable": "false"})
    plan = converge(database, spec)
    assert "ADD CONSTRAINT bookings_mileage_positive CHECK ((mileage >= 0)) NOT VALID;" in plan.sql()
    assert "VALIDATE CONSTRAINT bookings_mileage_positive" not in plan.sql()
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("select mileage from bookings").fetchall() == [(-5,)]
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("insert into bookings values (2, 1, '[2026-02-01, 2026-02-02)', -1)")
        assert conn.execute(
            "select convalidated from pg_constraint where conname = 'bookings_mileage_positive'"
        ).fetchone() == (False,)
    # Once the spec wants it valid, the old row stops the validation, and the database is left as it was.
    spec = _spec(tmp_path, "b.yaml", BOOKINGS % {"valid": "true", "deferrable": "false"})
    plan = live.plan(live.current(database), live.desired(str(spec), pg_cluster.url()))
    assert [s.change.describe() for s in plan.steps] == [
        "validate constraint bookings_mileage_positive on public.bookings"
    ]
    with pytest.raises(ApplyError, match="bookings_mileage_positive"):
        apply(database, plan, "", ALL)
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("update bookings set mileage = 0")
    converge(database, spec)


PARTITIONED = """\
version: 1
target: {postgres: 15}
tables:
  owners:
    columns:
      id: {type: bigint, primary_key: true}
  readings:
    columns:
      owner_id: {type: bigint, not_null: %(owner)s}
      taken_on: {type: date, not_null: true}
    partition:
      by: range
      column: taken_on
      partitions:
        readings_2026: {from: 2026-01-01, to: 2027-01-01}
"""


def test_a_foreign_key_added_to_a_partitioned_table(database, converge, tmp_path) -> None:
    """PostgreSQL 18 adds it NOT VALID and validates it after; before 18 it is added checked, a long lock."""
    converge(database, _spec(tmp_path, "a.yaml", PARTITIONED % {"owner": "true"}))
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("insert into owners values (1); insert into readings values (1, '2026-05-01')")
        major = conn.info.server_version // 10000
    to = _spec(
        tmp_path,
        "b.yaml",
        (PARTITIONED % {"owner": "true"}).replace(
            "not_null: true}\n      taken_on", "not_null: true, references: owners}\n      taken_on"
        ),
    )
    plan = converge(database, to)
    steps = [(s.change.describe(), sorted(s.hazards), s.phase.name) for s in plan.steps]
    if major >= 18:
        assert "NOT VALID" in plan.sql()
        assert steps == [
            ("create foreign key readings_owner_id_fkey on public.readings", [], "TRANSACTION"),
            ("create foreign key readings_owner_id_fkey on public.readings", [], "AFTER"),
        ]
    else:
        assert "NOT VALID" not in plan.sql()
        assert steps == [("create foreign key readings_owner_id_fkey on public.readings", [LONG_LOCK], "TRANSACTION")]
    # Its deferrable state is altered in place, on the table and its partitions alike.
    deferred = _spec(
        tmp_path,
        "c.yaml",
        to.read_text().replace("references: owners", "references: {table: owners, deferrable: true}"),
    )
    plan = converge(database, deferred)
    assert plan.sql().count("ALTER CONSTRAINT readings_owner_id_fkey DEFERRABLE INITIALLY DEFERRED") == 1
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute(
            "select bool_and(condeferred) from pg_constraint where conname = 'readings_owner_id_fkey'"
        ).fetchone() == (True,)


def test_a_key_that_need_not_be_valid_on_a_partitioned_table_where_postgresql_takes_no_not_valid_one(
    database, tmp_path
) -> None:
    """A target-18 spec planned against the server it runs on: before PostgreSQL 18, a new partitioned
    table gets the key checked (it has no rows), and a table with rows gets no plan, with the reason."""
    spec = (
        (PARTITIONED % {"owner": "true"})
        .replace("postgres: 15", "postgres: 18")
        .replace(
            "not_null: true}\n      taken_on",
            "not_null: true, references: {table: owners, valid: false}}\n      taken_on",
        )
    )
    # The compiled catalog, not one read back from a scratch database: before 18 the scratch
    # database would refuse the spec's own NOT VALID key.
    goal = live.Side(compile_text(spec).catalog, "spec")
    with psycopg.connect(database) as conn:
        major = conn.info.server_version // 10000
    plan = live.plan(live.current(database), goal)
    assert ("NOT VALID" in plan.sql()) == (major >= 18)
    apply(database, plan, "", ALL)
    assert live.plan(live.current(database), goal).empty

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("alter table readings drop constraint readings_owner_id_fkey")
        conn.execute("insert into readings values (7, '2026-05-01')")  # owner 7 does not exist
    if major >= 18:
        plan = live.plan(live.current(database), goal)
        assert "NOT VALID" in plan.sql() and "VALIDATE" not in plan.sql()
        apply(database, plan, "", ALL)
        return
    with pytest.raises(
        live.LiveError,
        match=f"the foreign key readings_owner_id_fkey on public.readings need not "
        f"be valid \\(valid: false\\), but PostgreSQL {major} cannot add a "
        "NOT VALID foreign key to a partitioned table",
    ):
        live.plan(live.current(database), goal)


def test_a_misspelt_deferrable_state_names_the_ones_there_are(tmp_path, monkeypatch) -> None:
    (tmp_path / "schema.yaml").write_text(
        "version: 1\ntables:\n  t:\n    columns:\n      id: int\n"
        "    unique:\n      - {columns: [id], deferrable: initialy deferred}\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--spec", "schema.yaml"])
    assert result.exit_code == 2
    assert (
        "schema.yaml:7:37: tables.t.unique[0].deferrable: 'initialy deferred' is not allowed here; expected "
        "'initially deferred' or 'initially immediate'; did you mean 'initially deferred'?"
    ) in result.output


UNENFORCED = """\
version: 1
target: {postgres: 18}
tables:
  owners:
    columns:
      id: {type: bigint, primary_key: true}
  vehicles:
    columns:
      id: {type: bigint, primary_key: true}
      owner_id: {type: bigint, references: {table: owners, on_delete: cascade, enforced: %(enforced)s}}
"""


def _needs_18(pg_cluster) -> None:
    major = pg_cluster.server_version_num // 10000
    if major < 18:
        pytest.skip(f"NOT ENFORCED needs PostgreSQL 18; the server is PostgreSQL {major}")


def _fk_state(url: str) -> tuple[bool, bool]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "select conenforced, convalidated from pg_constraint where conname = 'vehicles_owner_id_fkey'"
        ).fetchone()


def test_an_unenforced_foreign_key_lets_a_bad_row_in_and_enforcing_it_checks_the_rows(
    database, pg_cluster, converge, tmp_path
) -> None:
    _needs_18(pg_cluster)
    converge(database, _spec(tmp_path, "a.yaml", UNENFORCED % {"enforced": "false"}))
    assert _fk_state(database) == (False, False)
    assert [fk.enforced for fk in live.current(database).catalog.foreign_keys] == [False]
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("insert into owners values (1)")
        conn.execute("insert into vehicles values (1, 1), (2, 42)")  # no owner 42: let in
        conn.execute("delete from owners")  # and no cascade: a key not enforced has no triggers
        assert conn.execute("select count(*) from vehicles").fetchone() == (2,)

    # Enforced again: added NOT VALID (a brief lock), validated after the transaction
    # (no ACCESS EXCLUSIVE lock held while the rows are read), never ALTER ... ENFORCED.
    enforced = _spec(tmp_path, "b.yaml", UNENFORCED % {"enforced": "true"})
    plan = live.plan(live.current(database), live.desired(str(enforced), pg_cluster.url()))
    assert [(s.change.describe(), sorted(s.hazards), s.phase.name) for s in plan.steps] == [
        ("enforce foreign key vehicles_owner_id_fkey on public.vehicles", [], "TRANSACTION"),
        ("enforce foreign key vehicles_owner_id_fkey on public.vehicles", [], "TRANSACTION"),
        ("enforce foreign key vehicles_owner_id_fkey on public.vehicles", [], "AFTER"),
    ]
    assert "ALTER CONSTRAINT" not in plan.sql()
    assert [s.sql.splitlines()[0] for s in plan.steps] == [
        "ALTER TABLE public.vehicles DROP CONSTRAINT vehicles_owner_id_fkey;",
        "ALTER TABLE public.vehicles",
        "ALTER TABLE public.vehicles VALIDATE CONSTRAINT vehicles_owner_id_fkey;",
    ]
    assert plan.steps[1].sql.endswith("NOT VALID;")
    # The orphaned rows stop the validation. The key is then enforced for new rows and NOT VALID,
    # as a key added to a table with rows is until it is validated, and the next plan validates it.
    with pytest.raises(ApplyError, match="vehicles_owner_id_fkey"):
        apply(database, plan, "", ALL)
    assert _fk_state(database) == (True, False)
    with psycopg.connect(database, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.execute("insert into vehicles values (3, 43)")
    plan = live.plan(live.current(database), live.desired(str(enforced), pg_cluster.url()))
    assert [s.change.describe() for s in plan.steps] == [
        "validate constraint vehicles_owner_id_fkey on public.vehicles"
    ]
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("insert into owners values (1), (42)")
    converge(database, enforced)
    assert _fk_state(database) == (True, True)

    # Not enforced again: one ALTER CONSTRAINT, which reads no row; its ON DELETE CASCADE
    # stops with it, which clients may count on.
    unenforced = _spec(tmp_path, "c.yaml", UNENFORCED % {"enforced": "false"})
    plan = converge(database, unenforced)
    assert [(s.change.describe(), sorted(s.hazards), s.sql) for s in plan.steps] == [
        (
            "alter foreign key vehicles_owner_id_fkey on public.vehicles: not enforced (no longer checked)",
            ["breaks-clients"],
            "ALTER TABLE public.vehicles ALTER CONSTRAINT vehicles_owner_id_fkey NOT ENFORCED;",
        )
    ]
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("insert into vehicles values (3, 43)")


def test_import_keeps_what_is_not_enforced(database, pg_cluster, tmp_path) -> None:
    _needs_18(pg_cluster)
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("create table owners (id bigint primary key)")
        conn.execute(
            "create table vehicles (id bigint primary key, mileage int, "
            "owner_id bigint references owners not enforced, "
            "constraint vehicles_mileage_positive check (mileage >= 0) not enforced)"
        )
    out = tmp_path / "schema.yaml"
    result = CliRunner().invoke(main, ["import", "--db", database, "--out", str(out), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    vehicles = yaml.safe_load(out.read_text())["tables"]["vehicles"]
    assert vehicles["columns"]["owner_id"]["references"] == {"table": "owners", "column": "id", "enforced": False}
    assert vehicles["checks"] == {"vehicles_mileage_positive": {"expression": "mileage >= 0", "enforced": False}}
