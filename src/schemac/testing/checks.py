"""The generated checks: small functions from a context (compiled spec, connection, rows) to results.

Each check runs its statements in a savepoint that is rolled back, so the
rows made for tenants A and B are the same for every check. A check is named
``<convention>: <table>: <what must hold>``; on failure ``seen`` says what
happened instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import psycopg.errors
from psycopg import sql

from ..catalog.objects import QualifiedName, acl
from ..expand.common import helper, spec_tables
from ..render.quoting import ident
from ..spec.conventions import audit_parts, soft_delete_column
from ..supabase import NOT_MANAGED
from .result import Result
from .session import Context
from .world import _label, insert_sql, tenant_column, touched, values

Check = Callable[[Context], Iterator[Result]]

# Schemas whose functions are the platform's (or the stand-in's), not the spec's.
PLATFORM_SCHEMAS = ("pg_catalog", "information_schema", *NOT_MANAGED)


def _t(qname: QualifiedName) -> sql.Identifier:
    return sql.Identifier(qname.schema, qname.name)


def _c(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _scoped(ctx: Context) -> Iterator[tuple[QualifiedName, str]]:
    """Tenant-scoped tables that were filled, with their tenant column."""
    for qname in touched(ctx.compiled):
        column = tenant_column(ctx.compiled, qname)
        if column and ctx.world.filled(qname) and ctx.world.tenant_table:
            yield qname, column


def _key(ctx: Context, qname: QualifiedName, row: dict) -> sql.Composed:
    """A WHERE clause that finds ``row``: by its primary key, else by every column it has."""
    table = ctx.world.table(qname)
    columns = table.primary_key.columns if table.primary_key else tuple(c.name for c in table.columns)
    return sql.SQL(" AND ").join(
        sql.SQL("{} IS NOT DISTINCT FROM {}").format(_c(c), sql.Literal(row[c])) for c in columns
    )


def tenant_sees_only_its_rows(ctx: Context) -> Iterator[Result]:
    for qname, column in _scoped(ctx):
        name = f"tenancy: {_label(qname)}: tenant A sees its own rows and none of B's"
        with ctx.scope():
            ctx.act_as_tenant("A")
            out = ctx.attempt(sql.SQL("SELECT {c}, count(*) FROM {t} GROUP BY {c}").format(c=_c(column), t=_t(qname)))
        if out.failed:
            yield Result.failed(name, out.describe())
            continue
        seen = {tenant: count for tenant, count in out.rows}
        a, b = ctx.world.tenant_id("A"), ctx.world.tenant_id("B")
        others = sum(count for tenant, count in seen.items() if tenant != a)
        yield Result.expect(
            name,
            others == 0 and seen.get(a, 0) > 0,
            f"saw {seen.get(a, 0)} rows of A and {others} of other tenants"
            + (f" ({seen.get(b, 0)} of B)" if b in seen else ""),
        )


def tenant_cannot_insert_for_another(ctx: Context) -> Iterator[Result]:
    for qname, column in _scoped(ctx):
        name = f"tenancy: {_label(qname)}: tenant A cannot insert a row of B"
        row = values(ctx.world, ctx.conn, qname, "B", 1, ctx.world.attempt.get(qname, 0))
        query, params = insert_sql(qname, row, returning=False)
        with ctx.scope():
            ctx.act_as_tenant("A")
            out = ctx.attempt(query, params)
        yield Result.expect(
            name,
            out.sqlstate == "42501",
            "the row was inserted" if not out.failed else f"refused, but not by a privilege check: {out.describe()}",
        )


def _no_row_reached(out) -> bool:
    return out.failed or out.rowcount == 0


def tenant_cannot_change_another(ctx: Context) -> Iterator[Result]:
    for qname, column in _scoped(ctx):
        b = ctx.world.tenant_id("B")
        for verb, query in (
            ("update", sql.SQL("UPDATE {t} SET {c} = {c} WHERE {c} = {b}")),
            ("delete", sql.SQL("DELETE FROM {t} WHERE {c} = {b}")),
        ):
            name = f"tenancy: {_label(qname)}: tenant A cannot {verb} B's rows"
            with ctx.scope():
                ctx.act_as_tenant("A")
                out = ctx.attempt(query.format(t=_t(qname), c=_c(column), b=sql.Literal(b)))
            yield Result.expect(name, _no_row_reached(out), f"{out.rowcount} of B's rows {verb}d")


def tenant_cannot_move_a_row(ctx: Context) -> Iterator[Result]:
    for qname, column in _scoped(ctx):
        name = f"tenancy: {_label(qname)}: tenant A cannot move its row to B"
        a, b = ctx.world.tenant_id("A"), ctx.world.tenant_id("B")
        with ctx.scope():
            ctx.act_as_tenant("A")
            out = ctx.attempt(
                sql.SQL("UPDATE {t} SET {c} = {b} WHERE {c} = {a}").format(
                    t=_t(qname), c=_c(column), a=sql.Literal(a), b=sql.Literal(b)
                )
            )
        yield Result.expect(name, _no_row_reached(out), f"{out.rowcount} rows moved from A to B")


def tenant_cannot_reference_another(ctx: Context) -> Iterator[Result]:
    """A's new row pointing at B's parent row is refused: a foreign-key check ignores RLS, so only a key
    that includes the tenant column keeps references inside one tenant."""
    scoped = dict(_scoped(ctx))
    for fk in ctx.world.catalog.foreign_keys:
        column = scoped.get(fk.table)
        if column is None or fk.ref_table not in scoped or not ctx.world.filled(fk.ref_table):
            continue
        name = f"tenancy: {_label(fk.table)}: tenant A cannot attach a row to B's {_label(fk.ref_table)}"
        parent = ctx.world.rows[fk.ref_table]["B"]
        types = {c.name: c.type for c in ctx.world.table(fk.table).columns}
        made = values(ctx.world, ctx.conn, fk.table, "A", 1, ctx.world.attempt.get(fk.table, 0))
        row = {c: (v, t) for c, v, t in made}
        for own, ref in zip(fk.columns, fk.ref_columns):
            if own != column:
                row[own] = (parent[ref], types[own])
        query, params = insert_sql(fk.table, [(c, v, t) for c, (v, t) in row.items()], returning=False)
        with ctx.scope():
            ctx.act_as_tenant("A")
            out = ctx.attempt(query, params)
        # 23503: the key found no parent of A's; 42501: A may not insert here at all.
        yield Result.expect(
            name,
            out.sqlstate in ("23503", "42501"),
            f"the row was inserted with {_label(fk.table)} ({', '.join(fk.columns)}) naming B's row"
            if not out.failed
            else out.describe(),
        )


def audit_users_are_not_forged(ctx: Context) -> Iterator[Result]:
    """``created_by`` / ``updated_by`` hold the acting user, whatever the statement says."""
    scoped = dict(_scoped(ctx))
    a, b = str(ctx.world.users["A"]), str(ctx.world.users["B"])
    for t in spec_tables(ctx.spec):
        if t.qname not in scoped:
            continue
        for part, column in audit_parts(ctx.spec, t.spec).items():
            if not part.endswith("_by"):
                continue
            row = values(ctx.world, ctx.conn, t.qname, "A", 1, ctx.world.attempt.get(t.qname, 0))
            row = [r for r in row if r[0] != column] + [(column, b, ctx.world.table(t.qname).column(column).type)]
            insert, params = insert_sql(t.qname, row, returning=False)
            insert += sql.SQL(" RETURNING {}::text").format(_c(column))
            with ctx.scope():
                ctx.act_as_tenant("A")
                out = ctx.attempt(insert, params)
            stored = out.rows[0][0] if not out.failed and out.rows else None
            yield Result.expect(
                f"audit: {_label(t.qname)}: tenant A cannot insert a row with {column} = B's user",
                out.sqlstate == "42501" or (not out.failed and stored == a),
                out.describe() if out.failed else f"{column} was stored as {stored} (A is {a}, B is {b})",
            )
            if t.spec.append_only:
                continue
            before = ctx.world.rows[t.qname]["A"].get(column)
            update = sql.SQL("UPDATE {t} SET {c} = {b} WHERE {w} RETURNING {c}::text").format(
                t=_t(t.qname), c=_c(column), b=sql.Literal(b), w=_key(ctx, t.qname, ctx.world.rows[t.qname]["A"])
            )
            with ctx.scope():
                ctx.act_as_tenant("A")
                out = ctx.attempt(update)
            stored = out.rows[0][0] if not out.failed and out.rows else None
            allowed = {str(before) if before is not None else None} | ({a} if part == "updated_by" else set())
            yield Result.expect(
                f"audit: {_label(t.qname)}: tenant A cannot set {column} of its row to B's user",
                out.failed or out.rowcount == 0 or stored in allowed,
                f"{column} became {stored} (A is {a}, B is {b})",
            )


def soft_deleted_rows_are_invisible(ctx: Context) -> Iterator[Result]:
    for t in spec_tables(ctx.spec):
        column = soft_delete_column(ctx.spec, t.spec)
        if not column or not ctx.world.filled(t.qname) or not ctx.world.tenant_table:
            continue
        name = f"soft_delete: {_label(t.qname)}: a soft-deleted row is invisible to its own tenant"
        where = _key(ctx, t.qname, ctx.world.rows[t.qname]["A"])
        count = sql.SQL("SELECT count(*) FROM {t} WHERE {w}").format(t=_t(t.qname), w=where)
        with ctx.scope():
            ctx.act_as_tenant("A")
            before = ctx.attempt(count)
        delete = sql.SQL("UPDATE {t} SET {c} = {v} WHERE {w}")
        with ctx.written(
            delete.format(t=_t(t.qname), c=_c(column), v=sql.SQL("now()"), w=where),
            delete.format(t=_t(t.qname), c=_c(column), v=sql.SQL("NULL"), w=where),
        ):
            with ctx.scope():
                ctx.act_as_tenant("A")
                after = ctx.attempt(count)
        if before.failed or before.rows[0][0] != 1:
            yield Result.failed(name, f"tenant A could not see its live row to begin with ({_counted(before)})")
        else:
            yield Result.expect(
                name,
                not after.failed and after.rows[0][0] == 0,
                f"after {column} was set, tenant A still saw it ({_counted(after)})",
            )


def _counted(out) -> str:
    return out.describe() if out.failed else f"{out.rows[0][0]} rows"


def append_only_holds_for_every_role(ctx: Context) -> Iterator[Result]:
    errcode = ctx.spec.conventions.append_only.errcode
    try:
        expected = psycopg.errors.lookup(errcode.upper()).sqlstate
    except KeyError:
        expected = None
    for t in spec_tables(ctx.spec):
        if not t.spec.append_only or not ctx.world.filled(t.qname):
            continue
        where = _key(ctx, t.qname, ctx.world.rows[t.qname]["A"])
        table = ctx.world.table(t.qname)
        # A column UPDATE may set to itself (not an identity or generated one).
        first = next((c.name for c in table.columns if not c.identity and not c.generated), table.columns[0].name)
        roles: list[tuple[str, str | None]] = [("the owner", None)]
        roles += [(r, r) for r in ("service_role",) if ctx.role_exists(r)]
        roles += [(r, r) for r in ctx.tenant_roles() if ctx.role_exists(r) and tenant_column(ctx.compiled, t.qname)]
        for label, role in roles:
            for verb, query in (
                ("UPDATE", sql.SQL("UPDATE {t} SET {c} = {c} WHERE {w}").format(t=_t(t.qname), c=_c(first), w=where)),
                ("DELETE", sql.SQL("DELETE FROM {t} WHERE {w}").format(t=_t(t.qname), w=where)),
                ("TRUNCATE", sql.SQL("TRUNCATE {t} CASCADE").format(t=_t(t.qname))),
            ):
                name = f"append_only: {_label(t.qname)}: {verb} fails for {label}"
                policy_bound = role not in (None, "service_role")
                with ctx.scope():
                    if policy_bound:
                        ctx.act_as_tenant("A", role)
                    else:
                        ctx.act(role, {"role": role} if role else None)
                    out = ctx.attempt(query)
                if policy_bound and verb != "TRUNCATE":
                    # No UPDATE or DELETE policy: the row is out of reach (0 rows), or the guard raises.
                    yield Result.expect(name, _no_row_reached(out), f"{out.rowcount} rows changed")
                else:
                    # TRUNCATE as a policy-bound role may also be refused for want of the privilege (42501).
                    ok = out.failed and (expected is None or out.sqlstate in (expected, "42501"))
                    yield Result.expect(
                        name, ok, f"{out.describe()}" + (f" (expected error {expected})" if out.failed else "")
                    )


def anon_sees_nothing(ctx: Context) -> Iterator[Result]:
    if not ctx.role_exists("anon"):
        return
    for qname in touched(ctx.compiled):
        if not ctx.world.filled(qname):
            continue
        name = f"anon: {_label(qname)}: anon sees no row"
        with ctx.scope():
            ctx.act("anon", {"role": "anon"})
            out = ctx.attempt(sql.SQL("SELECT count(*) FROM {}").format(_t(qname)))
        yield Result.expect(name, out.failed or out.rows[0][0] == 0, _counted(out))


# What row level security does not filter, and which privilege allows it (any of them).
_PAST_RLS = (
    ("TRUNCATE", ("truncate",), "TRUNCATE {t}"),
    (
        "create a trigger on",
        ("trigger",),
        "CREATE TRIGGER schemac_probe BEFORE UPDATE ON {t} FOR EACH ROW"
        " EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger()",
    ),
    # PostgreSQL lets a role that may UPDATE or DELETE lock the table too: no privilege withholds that.
    ("LOCK", ("update", "delete", "truncate", "maintain"), "LOCK TABLE {t} IN ACCESS EXCLUSIVE MODE NOWAIT"),
)


def api_roles_cannot_reach_past_rls(ctx: Context) -> Iterator[Result]:
    """TRUNCATE, CREATE TRIGGER, LOCK TABLE and setval() are not filtered by row level security:
    the API roles are refused them on every table, partition and sequence of the spec, unless the
    spec grants the privilege that allows them."""
    roles = [r for r in dict.fromkeys(("anon", "authenticated", *ctx.tenant_roles())) if ctx.role_exists(r)]
    catalog = ctx.compiled.catalog
    for role in roles:
        # A partition is reached by name too: its own privileges count then, not its parent's.
        for table in (*catalog.tables, *catalog.partitions):
            granted = _granted(table.grants, role)
            for verb, allowing, statement in _PAST_RLS:
                if granted & set(allowing):
                    continue
                with ctx.scope():
                    ctx.act(role, {"role": role})
                    out = ctx.attempt(sql.SQL(statement).format(t=_t(table.qname)))
                yield Result.expect(
                    f"privileges: {_label(table.qname)}: {role} cannot {verb} it",
                    out.sqlstate == "42501",
                    out.describe() if out.failed else "it was allowed",
                )
        # Sequences as SQL names them: the spec's, and its identity columns' (which the spec grants nothing on).
        sequences = [(ident(s.qname), s.grants) for s in catalog.sequences]
        for table in catalog.tables:
            for column in table.columns:
                if column.identity:
                    found = ctx.conn.execute(
                        "SELECT pg_get_serial_sequence(%s, %s)", (ident(table.qname), column.name)
                    ).fetchone()[0]
                    sequences += [(found, ())] if found else []
        for name, grants in sequences:
            if "update" in _granted(grants, role):
                continue
            with ctx.scope():
                ctx.act(role, {"role": role})
                out = ctx.attempt("SELECT setval(%s::regclass, 1)", (name,))
            yield Result.expect(
                f"privileges: {name}: {role} cannot setval() it",
                out.sqlstate == "42501",
                out.describe() if out.failed else "it was allowed",
            )


def _granted(grants, role: str) -> set[str]:
    """What the spec lets ``role`` do on an object (through PUBLIC too); ``all`` as every privilege."""
    held = acl(grants)
    out = held.get(role, set()) | held.get("public", set())
    return {"truncate", "trigger", "update", "delete", "maintain"} | out if "all" in out else out


def security_definer_search_path(ctx: Context) -> Iterator[Result]:
    rows = ctx.conn.execute(
        "SELECT p.oid::regprocedure::text, coalesce(("
        "   SELECT c FROM unnest(p.proconfig) c WHERE c LIKE 'search\\_path=%%' LIMIT 1), '')"
        "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE p.prosecdef AND n.nspname <> ALL(%s) AND n.nspname NOT LIKE 'pg\\_%%'"
        " ORDER BY 1",
        (list(PLATFORM_SCHEMAS),),
    ).fetchall()
    for function, setting in rows:
        yield Result.expect(
            f"security_definer: {function}: search_path is pinned",
            bool(setting),
            "no SET search_path: it resolves names through the caller's search_path",
        )


def _periods(interval: str, premake: int, today: date) -> list[date]:
    out = []
    year, month = today.year, today.month if interval == "month" else 1
    for _ in range(premake + 1):
        out.append(date(year, month, 1))
        if interval == "year":
            year += 1
        else:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def partitions_are_ahead(ctx: Context) -> Iterator[Result]:
    if ctx.spec.conventions.partitioning is None:
        return
    function = helper(ctx.spec, "create_partitions")
    today = ctx.conn.execute("SELECT (now() AT TIME ZONE 'utc')::date").fetchone()[0]
    for t in spec_tables(ctx.spec):
        partition = t.spec.partition
        if partition is None or partition.interval is None:
            continue
        for start in _periods(partition.interval, partition.premake, today):
            period = f"{start:%Y}" if partition.interval == "year" else f"{start:%Y-%m}"
            name = f"partitions: {_label(t.qname)}: a partition holds {period}"
            found = ctx.conn.execute(
                "SELECT c.oid::regclass::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = %s::regclass"
                "   AND pg_get_expr(c.relpartbound, c.oid) LIKE 'FOR VALUES FROM (%%'"
                "   AND %s::timestamptz >= (regexp_match(pg_get_expr(c.relpartbound, c.oid),"
                "         'FROM \\(''([^'']*)''\\)'))[1]::timestamptz"
                "   AND %s::timestamptz < (regexp_match(pg_get_expr(c.relpartbound, c.oid),"
                "         'TO \\(''([^'']*)''\\)'))[1]::timestamptz",
                (str(t.qname), f"{start} 00:00:00+00", f"{start} 00:00:00+00"),
            ).fetchone()
            yield Result.expect(
                name,
                found is not None,
                f"no partition of {_label(t.qname)} has {period} (only the DEFAULT partition, if any)",
            )
    name = f"partitions: {function}() is idempotent (a second call creates nothing)"
    call = sql.SQL("SELECT * FROM {}()").format(_t(function))
    with ctx.scope():
        first = ctx.attempt(call)
        second = ctx.attempt(call)
    if first.failed:
        yield Result.failed(name, f"the first call failed: {first.describe()}")
    else:
        yield Result.expect(
            name,
            not second.failed and second.rowcount == 0,
            second.describe() if second.failed else f"the second call created {', '.join(r[0] for r in second.rows)}",
        )


CHECKS: tuple[Check, ...] = (
    tenant_sees_only_its_rows,
    tenant_cannot_insert_for_another,
    tenant_cannot_change_another,
    tenant_cannot_move_a_row,
    tenant_cannot_reference_another,
    audit_users_are_not_forged,
    soft_deleted_rows_are_invisible,
    append_only_holds_for_every_role,
    anon_sees_nothing,
    api_roles_cannot_reach_past_rls,
    security_definer_search_path,
    partitions_are_ahead,
)
