#!/usr/bin/env python3
"""schemac on real-world schemas: a corpus of SQL folders, case by case.

A case is a folder:

- a schema: ``*.sql`` files, applied in name order to a fresh database;
- a pair: ``old/`` and ``new/`` folders, each a schema as above.

An optional ``case.json`` says ``{"flavor": "supabase"}`` when the SQL
expects Supabase's platform (the ``auth`` schema, its roles): schemac's
stand-in is applied first. A folder that is not a case is searched for cases.

For a schema, the runner reports:

- loads: the SQL applies (``psql -v ON_ERROR_STOP=1``) on a fresh database;
- import: ``schemac import --db SRC`` exits 0 (exact) or 1 (not exact), and
  what it did not import (its "not imported" list);
- plan empty: ``schemac plan --db SRC --to schema.yaml --format json`` has no step;
- rebuild: ``schemac build`` of the imported spec applied to another fresh
  database (stand-in first, under the supabase flavor) gives the same
  ``pg_dump --schema-only`` as the source (comments, SET lines and
  statement order left out);
- docs: ``schemac docs`` of the imported spec writes its Markdown.

For a pair: both sides load, ``schemac apply --db OLD --to NEW_URL --yes
--allow-hazards all`` runs, and the two dumps are then the same (with column
order left out, as a migration cannot reorder columns).

schemac runs in subprocesses, so a crash is a crash: every Python traceback
is counted, with its last frames kept. One throwaway server
(``schemac.devdb.Cluster``: the embedded PostgreSQL 18, or
``$SCHEMAC_PG_BINDIR``) serves the cases and the scratch databases.

Usage:
    python bench/corpus_layout.py --out /work/ext/corpus    # lay the corpus out from fetched repositories
    python bench/corpus.py /work/ext/corpus --json bench/out/corpus.json
    python bench/corpus.py /work/ext/corpus/migra --only identitycols -v
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from schemac import devdb
from schemac.supabase import standin_sql

SCHEMAC = [sys.executable, "-m", "schemac.cli"]
TRACEBACK = "Traceback (most recent call last):"
FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)', re.M)
FRAMES_KEPT = 3


@dataclass
class Crash:
    step: str
    frames: list[str]  # the last frames, innermost last: file:line in function
    error: str  # the exception's last line


@dataclass
class Result:
    case: str
    kind: str  # schema | pair
    flavor: str
    loads: bool | None = None
    load_error: str = ""
    import_exact: bool | None = None
    not_imported: list[str] = field(default_factory=list)
    import_differs: list[str] = field(default_factory=list)
    plan_steps: int | None = None  # of the plan from the source to its imported spec
    rebuild_equal: bool | None = None
    rebuild_diff: list[str] = field(default_factory=list)  # statements only in one dump, source's first
    docs: bool | None = None
    converges: bool | None = None
    apply_exit: int | None = None
    errors: list[str] = field(default_factory=list)  # a step's message, when it failed without a traceback
    crashes: list[Crash] = field(default_factory=list)
    seconds: float = 0.0


# ------------------------------------------------------------------- the cases


def find_cases(root: Path) -> list[Path]:
    if is_pair(root) or sql_files(root):
        return [root]
    return [case for sub in sorted(p for p in root.iterdir() if p.is_dir()) for case in find_cases(sub)]


def is_pair(folder: Path) -> bool:
    return (folder / "old").is_dir() and (folder / "new").is_dir()


def sql_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.sql") if p.is_file())


def flavor_of(case: Path) -> str:
    meta = case / "case.json"
    return json.loads(meta.read_text()).get("flavor", "postgres") if meta.exists() else "postgres"


# ---------------------------------------------------------------- the server


class Server:
    """The runner's throwaway cluster: databases, psql and pg_dump of its own version."""

    def __init__(self, cluster: devdb.Cluster, work: Path):
        self.cluster = cluster
        self.work = work
        self.psql = str(cluster.bindir / "psql")
        self.pg_dump = str(cluster.bindir / "pg_dump")
        self.standin = work / "supabase_standin.sql"
        self.standin.write_text(standin_sql())

    def fresh(self, db: str, flavor: str) -> str:
        self.cluster.drop_database(db)
        url = self.cluster.create_database(db)
        if flavor == "supabase":
            error = self.load(url, [self.standin])
            if error:
                raise RuntimeError(f"the Supabase stand-in does not apply: {error}")
        return url

    def load(self, url: str, files: list[Path]) -> str:
        """Apply ``files`` in order with psql; '' or psql's first error."""
        command = [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]
        for path in files:
            command += ["-f", str(path)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=files[0].parent if files else None)
        if result.returncode == 0:
            return ""
        errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "FATAL" in line]
        return (errors or result.stderr.splitlines() or ["psql failed"])[0].strip()

    def dump(self, url: str, column_order: bool = True) -> Counter:
        """``pg_dump --schema-only`` as a multiset of statements (comments, SET lines, psql meta-commands out)."""
        # schemac's own history (schemac.history, written by apply) is not part of the schema compared.
        result = subprocess.run(
            [self.pg_dump, "--schema-only", "--no-owner", "--exclude-schema", "schemac", url],
            capture_output=True,
            text=True,
            check=True,
        )
        lines = [
            line
            for line in result.stdout.splitlines()
            if line.strip() and not line.startswith(("--", "SET ", "SELECT pg_catalog.set_config", "\\"))
        ]
        statements = (part.strip() for part in ("\n".join(lines) + "\n").split(";\n") if part.strip())
        return Counter(s if column_order else column_order_free(s) for s in statements)


def column_order_free(statement: str) -> str:
    """A CREATE TABLE with its column and constraint lines sorted."""
    if not statement.startswith("CREATE TABLE") or "(\n" not in statement:
        return statement
    head, rest = statement.split("(\n", 1)
    body, _, tail = rest.rpartition("\n)")
    items = sorted(line.strip().rstrip(",") for line in body.splitlines() if line.strip())
    return head + "(\n    " + ",\n    ".join(items) + "\n)" + tail


def dump_difference(expected: Counter, got: Counter) -> list[str]:
    return [f"- {s}" for s in sorted((expected - got).elements())] + [
        f"+ {s}" for s in sorted((got - expected).elements())
    ]


# ------------------------------------------------------------------- schemac


class Schemac:
    """Runs schemac commands for one case, keeping what each printed and any traceback."""

    def __init__(self, result: Result, work: Path, dev_db: str, timeout: int, verbose: bool):
        self.result, self.work, self.dev_db, self.timeout, self.verbose = result, work, dev_db, timeout, verbose

    def __call__(self, step: str, *args: str, dev_db: bool = True) -> subprocess.CompletedProcess | None:
        command = [*SCHEMAC, "--no-color", *args] + (["--dev-db", self.dev_db] if dev_db else [])
        if self.verbose:
            print(f"  {step}: schemac {' '.join(args)}", file=sys.stderr)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout, cwd=self.work)
        except subprocess.TimeoutExpired:
            self.result.errors.append(f"{step}: no answer after {self.timeout}s")
            return None
        (self.work / f"{step}.out").write_text(done.stdout)
        (self.work / f"{step}.err").write_text(done.stderr)
        if TRACEBACK in done.stderr:
            self.result.crashes.append(crash(step, done.stderr))
            return None
        return done

    def failed(self, step: str, done: subprocess.CompletedProcess) -> None:
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        self.result.errors.append(f"{step} (exit {done.returncode}): {lines[-1] if lines else 'no output'}")


def crash(step: str, stderr: str) -> Crash:
    text = stderr[stderr.rindex(TRACEBACK) :]
    frames = [f"{short(m['file'])}:{m['line']} in {m['func']}" for m in FRAME.finditer(text)][-FRAMES_KEPT:]
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith(" ")]
    return Crash(step, frames, lines[-1].strip() if lines else "")


def short(path: str) -> str:
    marker = "/schemac/"
    return "schemac/" + path.rsplit(marker, 1)[1] if marker in path else path


# -------------------------------------------------------------------- a case


def run_schema(case: Path, result: Result, server: Server, schemac: Schemac, tag: str) -> None:
    work = schemac.work
    src = server.fresh(f"{tag}_src", result.flavor)
    error = server.load(src, sql_files(case))
    result.loads = not error
    if error:
        result.load_error = error
        return

    spec = work / "schema.yaml"
    done = schemac("import", "import", "--db", src, "--out", str(spec), "--force")
    if done is not None:
        if done.returncode in (0, 1) and spec.exists():
            result.import_exact = done.returncode == 0
            result.not_imported = listed_after(done.stdout, "not imported (")
            result.import_differs = [
                line.strip()[len("differs: ") :]
                for line in done.stderr.splitlines()
                if line.strip().startswith("differs: ")
            ]
            if done.returncode == 1 and not result.import_differs:
                schemac.failed("import", done)
        else:
            schemac.failed("import", done)
    if not spec.exists():
        return

    done = schemac("plan", "plan", "--db", src, "--to", str(spec), "--format", "json")
    if done is not None:
        if done.returncode == 0:
            result.plan_steps = len(json.loads(done.stdout).get("steps", []))
        else:
            schemac.failed("plan", done)

    done = schemac("build", "build", "--spec", str(spec), "--out", str(work / "generated"), dev_db=False)
    if done is not None and done.returncode != 0:
        schemac.failed("build", done)
    built = work / "generated" / "schema.sql"
    if done is not None and built.exists():
        rebuilt = server.fresh(f"{tag}_rebuilt", result.flavor)
        error = server.load(rebuilt, [built])
        if error:
            result.rebuild_equal = False
            result.rebuild_diff = [f"the built SQL does not apply: {error}"]
        else:
            result.rebuild_diff = dump_difference(server.dump(src), server.dump(rebuilt))
            result.rebuild_equal = not result.rebuild_diff
        server.cluster.drop_database(f"{tag}_rebuilt")

    done = schemac("docs", "docs", "--spec", str(spec), "--out", str(work / "schema.md"), dev_db=False)
    if done is not None:
        result.docs = done.returncode == 0
        if not result.docs:
            schemac.failed("docs", done)


def run_pair(case: Path, result: Result, server: Server, schemac: Schemac, tag: str) -> None:
    old = server.fresh(f"{tag}_old", result.flavor)
    new = server.fresh(f"{tag}_new", result.flavor)
    errors = [
        f"{side}: {e}" for side, url in (("old", old), ("new", new)) if (e := server.load(url, sql_files(case / side)))
    ]
    result.loads = not errors
    if errors:
        result.load_error = "; ".join(errors)
        return
    done = schemac("apply", "apply", "--db", old, "--to", new, "--yes", "--allow-hazards", "all")
    if done is None:
        result.converges = False
        return
    result.apply_exit = done.returncode
    if done.returncode != 0:
        schemac.failed("apply", done)
    difference = dump_difference(server.dump(new, column_order=False), server.dump(old, column_order=False))
    result.converges = not difference
    (schemac.work / "converge.diff").write_text("\n".join(difference) + "\n")
    server.cluster.drop_database(f"{tag}_new")


def listed_after(text: str, heading: str) -> list[str]:
    """The indented lines under the line starting with ``heading``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(heading):
            return [item.strip() for item in lines[i + 1 :] if item.startswith("  ")][:1000]
    return []


def run_case(case: Path, name: str, index: int, server: Server, args: argparse.Namespace) -> Result:
    result = Result(name, "pair" if is_pair(case) else "schema", flavor_of(case))
    work = args.work / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    schemac = Schemac(result, work, server.cluster.url(), args.timeout, args.verbose)
    tag = f"corpus_{index}"
    start = time.perf_counter()
    try:
        (run_pair if result.kind == "pair" else run_schema)(case, result, server, schemac, tag)
    finally:
        result.seconds = round(time.perf_counter() - start, 2)
        for suffix in ("src", "old", "new", "rebuilt"):
            server.cluster.drop_database(f"{tag}_{suffix}")
    return result


# ------------------------------------------------------------------ reporting


def mark(value: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[value]


def row(r: Result) -> list[str]:
    if r.kind == "pair":
        return [
            r.case,
            r.kind,
            mark(r.loads),
            "",
            "",
            "",
            "",
            "",
            mark(r.converges),
            str(len(r.crashes)),
            f"{r.seconds:.1f}",
        ]
    plan = "-" if r.plan_steps is None else ("yes" if r.plan_steps == 0 else f"NO ({r.plan_steps})")
    return [
        r.case,
        r.kind,
        mark(r.loads),
        mark(r.import_exact),
        str(len(r.not_imported)) if r.loads else "",
        plan,
        mark(r.rebuild_equal),
        mark(r.docs),
        "",
        str(len(r.crashes)),
        f"{r.seconds:.1f}",
    ]


HEADER = [
    "case",
    "kind",
    "loads",
    "import exact",
    "not imported",
    "plan empty",
    "rebuild equal",
    "docs",
    "converges",
    "tracebacks",
    "s",
]


def totals(results: list[Result]) -> list[str]:
    schemas = [r for r in results if r.kind == "schema" and r.loads]
    pairs = [r for r in results if r.kind == "pair" and r.loads]

    def count(rs: list[Result], test) -> str:
        return f"{sum(1 for r in rs if test(r))}/{len(rs)}"

    return [
        f"total ({len(results)} cases)",
        "",
        count(results, lambda r: r.loads),
        count(schemas, lambda r: r.import_exact),
        str(sum(len(r.not_imported) for r in schemas)),
        count(schemas, lambda r: r.plan_steps == 0),
        count(schemas, lambda r: r.rebuild_equal),
        count(schemas, lambda r: r.docs),
        count(pairs, lambda r: r.converges),
        str(sum(len(r.crashes) for r in results)),
        f"{sum(r.seconds for r in results):.0f}",
    ]


def table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(" --- " for _ in HEADER) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="+", type=Path, help="case folders, or folders of them")
    parser.add_argument("--json", type=Path, default=Path("bench/out/corpus.json"), help="where to write the results")
    parser.add_argument("--work", type=Path, help="where each case's files go (default: a temporary folder)")
    parser.add_argument("--only", action="append", default=[], help="run only cases whose name contains this")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one schemac command may take")
    parser.add_argument("-v", "--verbose", action="store_true", help="say each command as it runs")
    args = parser.parse_args(argv)

    cases = [(case, str(case.relative_to(root.parent))) for root in args.roots for case in find_cases(root.resolve())]
    cases = [(c, n) for c, n in cases if not args.only or any(o in n for o in args.only)]
    temporary = args.work is None
    args.work = Path(tempfile.mkdtemp(prefix="schemac-corpus-")) if temporary else args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    with devdb.Cluster() as cluster:
        server = Server(cluster, args.work)
        print(f"{len(cases)} cases on PostgreSQL {cluster.version}; work in {args.work}", file=sys.stderr)
        for index, (case, name) in enumerate(cases):
            result = run_case(case, name, index, server, args)
            results.append(result)
            print(" | ".join(row(result)), file=sys.stderr, flush=True)
    print(table([row(r) for r in results] + [totals(results)]))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"postgres": cluster.version, "cases": [asdict(r) for r in results]}, indent=1) + "\n"
    )
    if temporary and not os.environ.get("CORPUS_KEEP"):
        shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
