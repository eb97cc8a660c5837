"""Acting as a role: the savepoint each check runs in, the role and the JWT claims of a tenant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql

from ..pipeline import Compiled
from .world import World


@dataclass(frozen=True)
class Outcome:
    """What a statement did: the rows it returned (or its row count), or the error it raised."""

    rowcount: int = 0
    rows: list | None = None
    sqlstate: str | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.sqlstate is not None

    def describe(self) -> str:
        if self.failed:
            return f"error {self.sqlstate}: {self.error}"
        return f"{self.rowcount} row{'s' if self.rowcount != 1 else ''}"


def tenant_roles(spec) -> list[str]:
    """The roles a tenant's user acts as (the tenancy convention's; authenticated by default)."""
    tenancy = spec.conventions.tenancy
    roles = (tenancy.roles if tenancy and tenancy.roles else None) or ["authenticated"]
    return [roles] if isinstance(roles, str) else list(roles)


def roles_acted(spec) -> set[str]:
    """Every role the checks and the spec's own tests act as (SET ROLE): the API roles, the tenant roles and
    the roles the spec's tests name."""
    return {"anon", "authenticated", "service_role", *tenant_roles(spec)} | {
        test.role for test in spec.tests.values() if test.role
    }


@dataclass
class Context:
    compiled: Compiled
    conn: psycopg.Connection
    world: World

    @property
    def spec(self):
        return self.compiled.spec

    def role_exists(self, role: str) -> bool:
        return self.conn.execute("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %s)", (role,)).fetchone()[0]

    def tenant_roles(self) -> list[str]:
        return tenant_roles(self.spec)

    def claims(self, tenant: str, role: str) -> dict:
        """The JWT claims of tenant ``tenant``'s user: ``sub``, ``role`` and the tenant claim."""
        claims: dict = {"sub": str(self.world.users[tenant]), "role": role}
        tenancy = self.spec.conventions.tenancy
        if tenancy is not None and self.world.tenant_table is not None and tenancy.current.kind != "setting":
            node = claims
            parts = tenancy.current.claim.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = str(self.world.tenant_id(tenant))
        return claims

    @contextmanager
    def scope(self) -> Iterator[None]:
        """A savepoint, always rolled back: whatever a check does, the next one starts from the same rows."""
        with self.conn.transaction(force_rollback=True):
            yield

    @contextmanager
    def written(self, statement, undo) -> Iterator[None]:
        """``statement`` run as the connecting user, for what the block does to see it. In the caller's
        transaction, a savepoint rolled back after the block; on a connection in autocommit (Citus, where
        no other role sees a write before it commits: ``testing.on_citus``), committed, and ``undo``
        committed after the block."""
        if not self.conn.autocommit:
            with self.scope():
                self.conn.execute(statement)
                yield
            return
        self.conn.execute(statement)
        try:
            yield
        finally:
            self.conn.execute(undo)

    def set_local(self, name: str, value: str) -> None:
        """SET LOCAL of a setting named ``a.b`` (each part quoted): a statement, not set_config(), because on
        Citus only SET LOCAL under citus.propagate_set_commands reaches the workers, where policies run."""
        parts = sql.SQL(".").join(sql.Identifier(part) for part in name.split("."))
        self.conn.execute(sql.SQL("SET LOCAL {} = {}").format(parts, sql.Literal(value)))

    def act(self, role: str | None, claims: dict | None = None) -> None:
        """Become ``role`` (None: the connecting user) with ``claims``, until the scope ends."""
        if self.spec.target.citus:
            # Settings reach the workers; and one connection per node, which Citus needs to write a
            # table with a foreign key to a reference table after a query ran over several.
            self.conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
            self.conn.execute("SET LOCAL citus.multi_shard_modify_mode = 'sequential'")
        self.set_local("request.jwt.claims", json.dumps(claims) if claims is not None else "")
        tenancy = self.spec.conventions.tenancy
        if tenancy is not None and tenancy.current.kind == "setting" and claims and "sub" in claims:
            tenant = next((t for t, u in self.world.users.items() if str(u) == claims["sub"]), None)
            if tenant and self.world.tenant_table:
                self.set_local(tenancy.current.setting, str(self.world.tenant_id(tenant)))
        if role is None:
            self.conn.execute("RESET ROLE")
        else:
            self.conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))

    def act_as_tenant(self, tenant: str, role: str | None = None) -> None:
        role = role or self.tenant_roles()[0]
        self.act(role, self.claims(tenant, role))

    def attempt(self, query, params=None) -> Outcome:
        """Run one statement in a savepoint of its own; its error is returned, not raised."""
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(query, params)
                rows = cur.fetchall() if cur.description is not None else None
                return Outcome(rowcount=len(rows) if rows is not None else cur.rowcount, rows=rows)
        except psycopg.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return Outcome(sqlstate=exc.sqlstate or "?????", error=message)
