"""The reference schema.yaml: committed SQL up to date, and its guarantees hold on PostgreSQL."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from schemac.pipeline import compile_file, stale_diff
from schemac.supabase import install_standin

ROOT = Path(__file__).parents[1]
T1, T2 = uuid.UUID(int=1), uuid.UUID(int=2)
U1, U2 = uuid.UUID(int=11), uuid.UUID(int=12)


def test_generated_is_up_to_date() -> None:
    compiled = compile_file(ROOT / "schema.yaml")
    assert stale_diff(compiled, ROOT / "generated") == ""


@pytest.fixture(scope="module")
def db(pg_database: str):
    with psycopg.connect(pg_database, autocommit=True) as conn:
        install_standin(conn)
        conn.execute((ROOT / "generated" / "schema.sql").read_text())
        for user, tenant in ((U1, T1), (U2, T2)):
            # The sign-up trigger creates the profile.
            conn.execute("INSERT INTO auth.users (id, email) VALUES (%s, %s)", (user, f"{user}@example.com"))
            conn.execute(
                "INSERT INTO tenants (id, name, slug) VALUES (%s, %s, %s)", (tenant, "T", f"tenant-{tenant.int}")
            )
            conn.execute(
                "INSERT INTO tenant_memberships (tenant_id, user_id, role) VALUES (%s, %s, 'owner')", (tenant, user)
            )
            for n in range(3):
                vin = f"1HGCM82633A00{tenant.int}{n}{'0' * 2}"[:17]
                conn.execute(
                    "INSERT INTO vehicles (tenant_id, vin, make, deleted_at) VALUES (%s, %s, 'Volvo', %s)",
                    (tenant, vin, "2026-01-01" if n == 2 else None),
                )
        yield conn


def _as_user(conn: psycopg.Connection, user: uuid.UUID, tenant: uuid.UUID):
    claims = json.dumps({"sub": str(user), "role": "authenticated", "app_metadata": {"tenant_id": str(tenant)}})
    conn.execute("SET ROLE authenticated")
    conn.execute("SELECT set_config('request.jwt.claims', %s, false)", (claims,))


def test_tenant_sees_only_its_live_rows(db) -> None:
    try:
        _as_user(db, U1, T1)
        rows = db.execute("SELECT tenant_id, deleted_at FROM vehicles").fetchall()
        assert len(rows) == 2
        assert {r[0] for r in rows} == {T1}
        assert all(r[1] is None for r in rows)
        # Claiming another tenant without a membership there shows nothing.
        _as_user(db, U1, T2)
        assert db.execute("SELECT count(*) FROM vehicles").fetchone()[0] == 0
    finally:
        db.execute("RESET ROLE")


def test_sign_up_created_the_profiles(db) -> None:
    assert db.execute("SELECT id, email FROM profiles ORDER BY id").fetchall() == [
        (U1, f"{U1}@example.com"),
        (U2, f"{U2}@example.com"),
    ]


def test_anon_sees_nothing(db) -> None:
    try:
        db.execute("SET ROLE anon")
        # Granted nothing (grants are an allow-list): refused outright.
        for table in ("tenants", "tenant_memberships", "vehicles", "vehicle_events", "documents", "audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute(f"SELECT count(*) FROM {table}")
    finally:
        db.execute("RESET ROLE")


def test_a_row_cannot_move_to_another_tenant(db) -> None:
    try:
        _as_user(db, U1, T1)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("UPDATE vehicles SET tenant_id = %s", (T2,))
        # Another tenant's rows are not there to update.
        _as_user(db, U2, T2)
        assert db.execute("UPDATE vehicles SET make = 'Saab' WHERE tenant_id = %s", (T1,)).rowcount == 0
    finally:
        db.execute("RESET ROLE")


def test_insert_into_another_tenant_is_refused(db) -> None:
    try:
        _as_user(db, U1, T1)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("INSERT INTO vehicles (tenant_id, vin) VALUES (%s, '1HGCM82633A004352')", (T2,))
    finally:
        db.execute("RESET ROLE")


def test_events_are_append_only_even_for_the_owner(db) -> None:
    vehicle = db.execute("SELECT id FROM vehicles WHERE tenant_id = %s LIMIT 1", (T1,)).fetchone()[0]
    db.execute(
        "INSERT INTO vehicle_events (tenant_id, vehicle_id, occurred_at, type) VALUES (%s, %s, '2026-05-01', 'service')",
        (T1, vehicle),
    )
    events = db.execute("SELECT count(*) FROM vehicle_events").fetchone()[0]
    partition = "vehicle_events_2026"
    for role in ("postgres", "service_role"):
        db.execute(f"SET ROLE {role}")
        try:
            for statement in (
                "UPDATE vehicle_events SET payload = '{\"x\": 1}'",
                "DELETE FROM vehicle_events",
                "TRUNCATE vehicle_events CASCADE",
                f"DELETE FROM {partition}",
                f"TRUNCATE {partition} CASCADE",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    db.execute(statement)
        finally:
            db.execute("RESET ROLE")
    assert db.execute("SELECT count(*) FROM vehicle_events").fetchone()[0] == events


def test_a_document_can_point_at_an_event(db) -> None:
    # Its own event: under xdist the module's tests may run on different workers, each with its own database.
    vehicle = db.execute("SELECT id FROM vehicles WHERE tenant_id = %s LIMIT 1", (T1,)).fetchone()[0]
    event_id, occurred_at = db.execute(
        "INSERT INTO vehicle_events (tenant_id, vehicle_id, occurred_at, type)"
        " VALUES (%s, %s, '2026-06-01', 'service') RETURNING id, occurred_at",
        (T1, vehicle),
    ).fetchone()
    db.execute(
        "INSERT INTO documents (tenant_id, vehicle_id, event_id, event_occurred_at, storage_path, mime_type, size_bytes)"
        " VALUES (%s, %s, %s, %s, 'a/b.pdf', 'application/pdf', 10)",
        (T1, vehicle, event_id, occurred_at),
    )
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        db.execute(
            "INSERT INTO documents (tenant_id, vehicle_id, event_id, event_occurred_at, storage_path, mime_type, size_bytes)"
            " VALUES (%s, %s, %s, '2020-01-01', 'a/c.pdf', 'application/pdf', 10)",
            (T1, vehicle, event_id),
        )


def test_refreshes_are_logged_and_freshness_reads_the_log(db) -> None:
    db.execute("SELECT private.refresh_materialized_view('private.vehicle_timeline_summary')")
    refreshed, age = db.execute(
        "SELECT refreshed_at, age FROM private.mv_freshness WHERE view_name = 'vehicle_timeline_summary'"
    ).fetchone()
    assert refreshed is not None and age.total_seconds() >= 0


def test_partitions_are_kept_ahead(db) -> None:
    db.execute("SELECT * FROM private.create_partitions()")
    assert db.execute("SELECT * FROM private.create_partitions()").fetchall() == []
    assert db.execute("SELECT ok FROM private.partition_coverage WHERE table_name = 'vehicle_events'").fetchone() == (
        True,
    )
