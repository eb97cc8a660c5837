"""Fixtures of the lint tests that check a rule's premise on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest


@pytest.fixture
def run_as(pg_conn) -> Callable[[str, str, str], object]:
    """``run_as(sql, role, statement)``: apply ``sql``, then run ``statement`` as ``role``, rolled back either
    way; its rows (or row count), or the first line of a permission error."""

    def run(sql: str, as_role: str, statement: str):
        with pg_conn.transaction(force_rollback=True):
            pg_conn.execute(sql)
            pg_conn.execute(f"set local role {as_role}")
            try:
                cursor = pg_conn.execute(statement)
                return cursor.fetchall() if cursor.description else cursor.rowcount
            except psycopg.errors.InsufficientPrivilege as error:
                return str(error).splitlines()[0]

    return run
