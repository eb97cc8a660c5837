"""Rows for two tenants, A and B, in every table the conventions touch and in their parents.

Values are derived from the column types: a NOT NULL column without a default
gets a value of its type (text, numbers, uuid, booleans, times, json, enums,
composite types (their attributes null), and domains over those), a foreign key takes the parent row of the same
tenant (made first), the tenant column the tenant's own row, and a key to
``auth.users`` the tenant's user (whose profile the sign-up trigger may
already have made). A text column tries a lower-case value first and then
an upper-case one, for checks and domains that want either. A table that
cannot be filled this way is reported as a failed ``fill`` check, naming the
column or the error, and its checks are skipped.

Rows are inserted as the connecting user (the owner), which row level
security does not restrict (a superuser, or the owner before FORCE applies:
the caller is expected to be a superuser, as on the development server).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..pipeline import Compiled
from .result import Result

TENANTS = ("A", "B")
AUTH_USERS = QualifiedName("auth", "users")

_TEXT = {"text", "character varying", "character", "citext", "name"}
_NUMBER = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
_TIME = {
    "timestamp with time zone",
    "timestamp without time zone",
    "date",
    "time without time zone",
    "time with time zone",
}


class CannotFill(Exception):
    """A table whose rows cannot be derived; the message says why."""


@dataclass
class World:
    """The rows made: ``rows[table][tenant]`` (a dict of the row as inserted), tenant ids, user ids."""

    compiled: Compiled
    rows: dict[QualifiedName, dict[str, dict]] = field(default_factory=dict)
    attempt: dict[QualifiedName, int] = field(default_factory=dict)
    unfilled: dict[QualifiedName, str] = field(default_factory=dict)
    problems: list[Result] = field(default_factory=list)
    users: dict[str, uuid.UUID] = field(default_factory=dict)
    tenant_table: QualifiedName | None = None
    tenant_key: str | None = None

    @property
    def catalog(self) -> cat.Catalog:
        return self.compiled.catalog

    def table(self, qname: QualifiedName) -> cat.Table | None:
        return next((t for t in self.catalog.tables if t.qname == qname), None)

    def tenant_id(self, tenant: str):
        return self.rows[self.tenant_table][tenant][self.tenant_key]

    def filled(self, qname: QualifiedName) -> bool:
        return qname in self.rows


def touched(compiled: Compiled) -> list[QualifiedName]:
    """The tables some convention switches on, in spec order."""
    from ..expand.common import spec_tables

    out = []
    for t in spec_tables(compiled.spec):
        s = t.spec
        if s.tenant_scoped or s.soft_delete or s.append_only or s.audit:
            out.append(t.qname)
    return out


def tenant_column(compiled: Compiled, qname: QualifiedName) -> str | None:
    from ..expand.common import spec_tables
    from ..spec.conventions import tenant_column as column

    return next((column(compiled.spec, t.spec) for t in spec_tables(compiled.spec) if t.qname == qname), None)


def make_world(compiled: Compiled, conn: psycopg.Connection) -> World:
    world = World(compiled)
    catalog = compiled.catalog
    tenancy = compiled.spec.conventions.tenancy
    if tenancy is not None:
        scoped = [q for q in touched(compiled) if tenant_column(compiled, q)]
        fk = next(
            (f for f in catalog.foreign_keys if scoped and f.table in scoped and f.columns == (tenancy.column,)), None
        )
        if fk is not None:
            world.tenant_table, world.tenant_key = fk.ref_table, fk.ref_columns[0]
    if _has_auth_users(conn):
        world.rows[AUTH_USERS] = {}
        for tenant in TENANTS:
            user = uuid.uuid5(uuid.NAMESPACE_URL, f"schemac-test-user-{tenant}")
            world.users[tenant] = user
            conn.execute(
                "INSERT INTO auth.users (id, email) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (user, f"schemac-test-{tenant.lower()}@example.com"),
            )
            world.rows[AUTH_USERS][tenant] = {"id": user}
    else:
        world.users = {t: uuid.uuid5(uuid.NAMESPACE_URL, f"schemac-test-user-{t}") for t in TENANTS}
    wanted = list(touched(compiled))
    if world.tenant_table and world.tenant_table not in wanted:
        wanted.insert(0, world.tenant_table)
    for qname in _order(catalog, wanted):
        if qname in world.rows:
            continue
        try:
            world.rows[qname] = {tenant: fill(world, conn, qname, tenant, 0) for tenant in TENANTS}
        except CannotFill as exc:
            world.unfilled[qname] = str(exc)
            world.problems.append(Result.failed(f"fill: {_label(qname)}: rows for two tenants", str(exc)))
    return world


def _has_auth_users(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT to_regclass('auth.users') IS NOT NULL").fetchone()[0]


def _label(qname: QualifiedName) -> str:
    return qname.name if qname.schema == "public" else str(qname)


def _required_fks(catalog: cat.Catalog, table: cat.Table) -> list[cat.ForeignKey]:
    """The foreign keys whose columns are all NOT NULL (a row cannot leave them empty)."""
    out = []
    for fk in catalog.foreign_keys:
        if fk.table != table.qname:
            continue
        columns = [table.column(c) for c in fk.columns]
        if all(
            c is not None and (c.not_null or (table.primary_key and c.name in table.primary_key.columns))
            for c in columns
        ):
            out.append(fk)
    return out


def _order(catalog: cat.Catalog, wanted: list[QualifiedName]) -> list[QualifiedName]:
    """``wanted`` and the parents they need, parents first."""
    tables = {t.qname: t for t in catalog.tables}
    out: list[QualifiedName] = []
    visiting: set[QualifiedName] = set()

    def visit(qname: QualifiedName) -> None:
        if qname in out or qname in visiting or qname not in tables:
            return
        visiting.add(qname)
        for fk in _required_fks(catalog, tables[qname]):
            if fk.ref_table != qname:
                visit(fk.ref_table)
        visiting.discard(qname)
        out.append(qname)

    for qname in wanted:
        visit(qname)
    return out


def values(
    world: World, conn: psycopg.Connection, qname: QualifiedName, tenant: str, n: int, attempt: int
) -> list[tuple[str, object, str]]:
    """``[(column, value, type)]`` for a new row of ``tenant``; the ``n``-th one, so unique values differ."""
    table = world.table(qname)
    if table is None:
        raise CannotFill(f"no table {qname}")
    given: dict[str, tuple[object, str]] = {}
    for fk in _required_fks(world.catalog, table):
        parent = world.rows.get(fk.ref_table, {}).get(tenant)
        if parent is None:
            reason = world.unfilled.get(fk.ref_table, "it is not among the tables schemac fills")
            raise CannotFill(f"its foreign key {fk.name} needs a row of {_label(fk.ref_table)}: {reason}")
        for column, ref in zip(fk.columns, fk.ref_columns):
            given[column] = (parent[ref], table.column(column).type)
    for column in table.columns:
        if column.name in given or column.default or column.identity or column.generated:
            continue
        if not column.not_null:
            continue
        given[column.name] = (_value(conn, qname, column, tenant, n, attempt), column.type)
    return [(name, value, type_) for name, (value, type_) in given.items()]


def insert_sql(
    qname: QualifiedName, row: list[tuple[str, object, str]], *, returning: bool = True, on_conflict: bool = False
) -> tuple[sql.Composed, list]:
    target = sql.Identifier(qname.schema, qname.name)
    tail = sql.SQL(" ON CONFLICT DO NOTHING" if on_conflict else "") + sql.SQL(" RETURNING *" if returning else "")
    if not row:
        return sql.SQL("INSERT INTO {} DEFAULT VALUES").format(target) + tail, []
    columns = sql.SQL(", ").join(sql.Identifier(c) for c, _, _ in row)
    placeholders = sql.SQL(", ").join(sql.SQL("%s::" + t) for _, _, t in row)
    return sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(target, columns, placeholders) + tail, [
        v for _, v, _ in row
    ]


def fill(world: World, conn: psycopg.Connection, qname: QualifiedName, tenant: str, n: int) -> dict:
    """Insert the ``n``-th row of ``tenant`` into ``qname`` and return it (an existing one when the key is taken)."""
    errors = []
    for attempt in (0, 1):
        row = values(world, conn, qname, tenant, n, attempt)
        query, params = insert_sql(qname, row, on_conflict=True)
        try:
            with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
                cur.execute(query, params)
                found = cur.fetchone()
                if found is None and row:
                    where = sql.SQL(" AND ").join(sql.SQL("{} = %s::" + t).format(sql.Identifier(c)) for c, _, t in row)
                    cur.execute(
                        sql.SQL("SELECT * FROM {} WHERE {} LIMIT 1").format(
                            sql.Identifier(qname.schema, qname.name), where
                        ),
                        [v for _, v, _ in row],
                    )
                    found = cur.fetchone()
                if found is None:
                    raise CannotFill("the row was neither inserted nor found")
                world.attempt[qname] = attempt
                return found
        except psycopg.errors.IntegrityError as exc:
            errors.append(str(exc).strip().splitlines()[0])
        except psycopg.Error as exc:
            raise CannotFill(f"inserting a row failed: {str(exc).strip().splitlines()[0]}") from None
    raise CannotFill(f"inserting a row failed: {errors[-1]}")


def _value(conn: psycopg.Connection, qname: QualifiedName, column: cat.Column, tenant: str, n: int, attempt: int):
    kind, base = conn.execute(
        "SELECT t.typtype, format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END, NULL)"
        "  FROM pg_type t WHERE t.oid = %s::regtype",
        (column.type,),
    ).fetchone()
    if kind == "e":
        return conn.execute(
            "SELECT enumlabel FROM pg_enum WHERE enumtypid = %s::regtype ORDER BY enumsortorder LIMIT 1", (column.type,)
        ).fetchone()[0]
    if kind == "c":  # a composite type: a value of null attributes, which is not null itself
        attributes = conn.execute(
            "SELECT count(*) FROM pg_attribute a JOIN pg_type t ON t.typrelid = a.attrelid"
            " WHERE t.oid = %s::regtype AND a.attnum > 0 AND NOT a.attisdropped",
            (column.type,),
        ).fetchone()[0]
        return "(" + "," * max(attributes - 1, 0) + ")"
    base = base.split("(")[0].strip()
    if base in _TEXT:
        return f"schemac-{tenant.lower()}-{n}" if attempt == 0 else f"SCHEMAC{tenant}{n:09d}"
    if base in _NUMBER:
        return str(n + 1) if attempt == 0 else str(2000 + n)
    if base == "uuid":
        return str(uuid.uuid4())
    if base == "boolean":
        return "true"
    if base in _TIME:
        return "now"
    if base in ("json", "jsonb"):
        return "{}"
    if base == "inet":
        return "127.0.0.1"
    if base == "bytea":
        return "\\x00"
    raise CannotFill(
        f"column {column.name} is NOT NULL without a default, and schemac cannot make a value of "
        f"type {column.type}; give it a default"
    )
