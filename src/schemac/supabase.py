"""The local stand-in for Supabase's platform surface (roles, auth schema, auth functions).

Used only where a database has no ``auth`` schema, so that a ``supabase``
flavored schema applies and its policies run on a plain PostgreSQL.
"""

from __future__ import annotations

import psycopg

from .render.sql import template_dir


def standin_sql() -> str:
    return (template_dir() / "supabase_standin.sql").read_text()


def has_auth_schema(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth')").fetchone()[0]


def install_standin(conn: psycopg.Connection) -> bool:
    """Install the stand-in unless ``auth`` exists; return whether it was installed."""
    if has_auth_schema(conn):
        return False
    with conn.transaction():
        conn.execute(standin_sql())
    return True
