#!/usr/bin/env python3
"""schemac lint vs squawk, side by side, on synthetic schemas of 100, 500 and 2,000 tables.

One run:

1. writes the inputs into ``bench/out/`` (or ``--out``), in two shapes written
   by two independent generators: ``bench/generate.py`` (one schema file, with
   its spec YAML and planted defects) and ``bench/migrations.py`` (a migration
   folder of many small files);
2. for each shape and size, runs ``schemac lint FILES --format json --fail-on never``
   and ``squawk --reporter json FILES``, each in its own fresh process, a warm-up
   run and then ``--reps`` runs, alternating the two tools; wall time is measured
   around the process, CPU time (user + system) and peak memory are the child's
   own ``ru_utime + ru_stime`` and ``ru_maxrss`` from ``os.wait4`` (one process
   per measurement, so it is never the maximum over earlier children);
3. times ``schemac build --spec FILE --out DIR`` of the spec for each size;
4. checks schemac's findings against the planted defects (what it missed, and
   what it reported beyond them);
5. prints Markdown tables and writes them, with the raw figures, to
   ``OUT/results.md`` and ``OUT/results.json``.

Usage:
    pip install -e . squawk-cli
    python bench/lint_vs_squawk.py                  # 100, 500, 2000 tables, 5 runs each
    python bench/lint_vs_squawk.py --sizes 2000 --reps 9 --no-build
    python bench/lint_vs_squawk.py --squawk-tty     # also squawk's default reporter, once (slow)
    python bench/lint_vs_squawk.py --profile        # cProfile of schemac lint on the largest file

Targets (issue 14): on both shapes, schemac within 1.5x of squawk's JSON run at
2,000 tables and within 3x at 100, peak memory under 250 MB. On a shared
machine the CPU-time ratio is the steadier one: wall time also counts the
time the process waited for a core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py)
import migrations  # noqa: E402  (bench/migrations.py)

TARGET_RATIO = {100: 3.0, 2000: 1.5}  # schemac / squawk, by size
TARGET_PEAK_MB = 250
SHAPES = ("schema file", "migrations")


@dataclass
class Run:
    wall: float  # seconds
    peak_mb: float  # the child's max RSS
    exit: int
    cpu: float = 0.0  # the child's user + system seconds


@dataclass
class Series:
    tool: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def low(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def high(self) -> float:
        return max(r.wall for r in self.runs)

    @property
    def peak(self) -> float:
        return max(r.peak_mb for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)


# Runs one command and reports its wall time and its own peak RSS. It is a fresh,
# small process (python -S: no site, a few MB) on purpose: on Linux a child's
# ru_maxrss starts from the RSS of the process it was forked (or vforked) from,
# since the high-water mark is carried across exec; measured straight from this
# script, which holds the generated schemas, every tool would look as big as it.
_WRAPPER = r"""
import os, sys, time
out, err, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
o = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
e = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(o, 1); os.dup2(e, 2)
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
print(wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime)
"""


# The tools run as installed for a user: Python writes and reads its bytecode
# caches (pip compiles a wheel's modules when it installs them). A shell or CI
# that sets PYTHONDONTWRITEBYTECODE would have every run compile schemac's
# modules from source again: about 0.1 s of CPU per run, start-up only.
TOOL_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], stdout: Path, cwd: Path) -> Run:
    """Run one command in a fresh process; its wall time and its own peak RSS.

    ``os.wait4`` in the wrapper returns the resource usage of exactly that
    child (and of any children it waited for), unlike
    ``getrusage(RUSAGE_CHILDREN)``, whose ``ru_maxrss`` is the maximum over
    every child ever waited for."""
    result = subprocess.run(
        [sys.executable, "-S", "-c", _WRAPPER, str(stdout), str(stdout.with_suffix(".stderr")), *command],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        env=TOOL_ENV,
    )
    if result.returncode != 0:
        raise SystemExit(f"measuring {' '.join(command)} failed:\n{result.stderr}")
    wall, maxrss_kib, exit_code, cpu = result.stdout.split()
    return Run(float(wall), int(maxrss_kib) / 1024, int(exit_code), float(cpu))  # ru_maxrss is in KiB on Linux


def find_tool(name: str) -> str | None:
    """The tool next to this Python first (a venv's or pyenv's bin, not a shim
    that would add its own start-up to every measurement), then PATH."""
    local = Path(sys.executable).parent / name
    if local.exists() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name)


def version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError as error:
        return f"unavailable ({error})"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import pglast

        pglast_version = pglast.__version__
    except ImportError:
        pglast_version = "not installed"
    try:
        commit = (
            subprocess.run(
                ["git", "-C", str(HERE), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        commit = "unknown"
    return {
        "date": dt.date.today().isoformat(),
        "commit": commit,
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pglast": pglast_version,
    }


def check_exit(series: Series, allowed: set[int], stdout: Path) -> None:
    bad = [r.exit for r in series.runs if r.exit not in allowed]
    if bad:
        stderr = stdout.with_suffix(".stderr").read_text(errors="replace")[-2000:]
        raise SystemExit(f"{series.tool} exited with {bad[0]} ({' '.join(series.command)}):\n{stderr}")


def count_json(path: Path) -> int | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return len(data) if isinstance(data, list) else None


def compare_findings(findings_path: Path, expected_path: Path) -> dict:
    """schemac's findings per rule against the planted defects."""
    findings = json.loads(findings_path.read_bytes())
    expected = json.loads(expected_path.read_text())
    reported = Counter(f["name"] for f in findings)
    planted = Counter(expected["expected_rule_counts"])
    rules = sorted(set(reported) | set(planted))
    rows = [{"rule": r, "planted": planted.get(r, 0), "reported": reported.get(r, 0)} for r in rules]
    extra_examples: dict[str, list[str]] = {}
    for f in findings:
        if reported[f["name"]] > planted.get(f["name"], 0):
            examples = extra_examples.setdefault(f["name"], [])
            if len(examples) < 3:
                examples.append(f"{Path(f['file']).name}:{f['line']}:{f['column']}: {f['message']}")
    return {"rows": rows, "extra_examples": extra_examples}


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def profile_schemac(sql: Path, out: Path, top: int) -> str:
    """cProfile of `schemac lint FILE --format json` in a fresh process."""
    stats_file = out / f"profile_{sql.stem}.pstats"
    code = (
        "import cProfile, sys\n"
        "from schemac.cli import main\n"
        f"sys.argv = ['schemac', 'lint', {str(sql)!r}, '--format', 'json', '--fail-on', 'never']\n"
        f"cProfile.run('\\ntry:\\n    main()\\nexcept SystemExit:\\n    pass', {str(stats_file)!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, check=True)
    import io
    import pstats

    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000], metavar="N")
    parser.add_argument("--reps", type=int, default=5, help="measured runs per tool and size (after a warm-up)")
    parser.add_argument("--build-reps", type=int, default=3, help="measured runs of schemac build per size")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-build", action="store_true", help="skip timing schemac build")
    parser.add_argument(
        "--squawk-tty", action="store_true", help="also time squawk's default (tty) reporter once on the largest size"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile schemac lint on the largest size")
    args = parser.parse_args(argv)

    schemac = find_tool("schemac")
    squawk = find_tool("squawk")
    if schemac is None:
        print("schemac is not installed: pip install -e .", file=sys.stderr)
        return 2
    if squawk is None:
        print("squawk is not installed: pip install squawk-cli", file=sys.stderr)
        return 2
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    info = machine() | {"schemac": version([schemac, "--version"]), "squawk": version([squawk, "--version"])}
    print(
        f"# schemac lint vs squawk, {info['date']}: {info['cpus']} CPUs ({info['cpu']}), "
        f"Python {info['python']}, pglast {info['pglast']}, {info['schemac']}, {info['squawk']}\n",
        flush=True,
    )

    results: dict = {
        "machine": info,
        "reps": args.reps,
        "shapes": {shape: {} for shape in SHAPES},
        "load_before": os.getloadavg(),
    }
    for n in args.sizes:
        paths = generate.write(n, out)
        statements, size = generate.sql_stats(paths["sql"])
        entry = side_by_side(schemac, squawk, [paths["sql"]], f"file_{n}", args.reps, out)
        entry |= {
            "files": 1,
            "statements": statements,
            "bytes": size,
            "findings_vs_planted": compare_findings(out / f"schemac_file_{n}.json", paths["expected"]),
        }
        report_line("schema file", n, entry)
        if not args.no_build:
            entry["build"] = time_build(schemac, paths["yaml"], n, args.build_reps, out)
        results["shapes"]["schema file"][n] = entry

        files = migrations.write(n, out)
        entry = side_by_side(schemac, squawk, files, f"migrations_{n}", args.reps, out)
        entry |= {
            "files": len(files),
            "statements": sum(generate.sql_stats(f)[0] for f in files),
            "bytes": sum(f.stat().st_size for f in files),
        }
        report_line("migrations", n, entry)
        results["shapes"]["migrations"][n] = entry

    largest = max(args.sizes)
    if args.squawk_tty:
        sql = out / f"schema_{largest}.sql"
        run = measure([squawk, str(sql)], out / f"squawk_tty_{largest}.txt", out)
        results["squawk_tty"] = {"tables": largest, **asdict(run)}
        print(f"squawk (default tty reporter), {largest} tables: {run.wall:.2f} s, {run.peak_mb:.0f} MB", flush=True)

    results["load_after"] = os.getloadavg()
    report = render(results, largest)
    print("\n" + report)
    (out / "results.md").write_text(report + "\n")
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    if args.profile:
        text = profile_schemac(out / f"schema_{largest}.sql", out, 25)
        (out / f"profile_{largest}.txt").write_text(text)
        print(f"\ncProfile of schemac lint on {largest} tables (also in {out / f'profile_{largest}.txt'}):\n")
        print(text)
    return 0


def side_by_side(schemac: str, squawk: str, files: list[Path], label: str, reps: int, out: Path) -> dict:
    """Both linters on the same files: a warm-up each, then ``reps`` runs each, alternating."""
    names = [str(f) for f in files]
    commands = {
        "schemac": [schemac, "lint", *names, "--format", "json", "--fail-on", "never"],
        "squawk": [squawk, "--reporter", "json", *names],
    }
    allowed = {"schemac": {0}, "squawk": {0, 1}}  # squawk exits 1 when it reports anything
    series = {tool: Series(tool, cmd) for tool, cmd in commands.items()}
    stdout = {tool: out / f"{tool}_{label}.json" for tool in commands}
    for tool, cmd in commands.items():  # warm-up: page cache, imports compiled
        run = measure(cmd, stdout[tool], out)
        if run.exit not in allowed[tool]:
            series[tool].runs.append(run)
            check_exit(series[tool], allowed[tool], stdout[tool])
    order = list(commands)
    for rep in range(reps):
        for tool in order if rep % 2 == 0 else reversed(order):
            series[tool].runs.append(measure(commands[tool], stdout[tool], out))
    for tool in commands:
        check_exit(series[tool], allowed[tool], stdout[tool])
    return {
        "lint": {
            tool: {
                "runs": [asdict(r) for r in s.runs],
                "median": s.median,
                "min": s.low,
                "max": s.high,
                "cpu": s.cpu,
                "peak_mb": s.peak,
                "findings": count_json(stdout[tool]),
            }
            for tool, s in series.items()
        },
        "ratio": series["schemac"].median / series["squawk"].median,
        "cpu_ratio": series["schemac"].cpu / series["squawk"].cpu,
    }


def report_line(shape: str, n: int, entry: dict) -> None:
    schemac, squawk = entry["lint"]["schemac"], entry["lint"]["squawk"]
    print(
        f"{shape}, {n} tables ({entry['files']} files, {entry['statements']} statements, "
        f"{entry['bytes'] / 1e6:.2f} MB): schemac {schemac['median']:.2f} s ({schemac['cpu']:.2f} s CPU), "
        f"{schemac['peak_mb']:.0f} MB; squawk {squawk['median']:.2f} s ({squawk['cpu']:.2f} s CPU), "
        f"{squawk['peak_mb']:.0f} MB; ratio {entry['ratio']:.2f} (CPU {entry['cpu_ratio']:.2f})",
        flush=True,
    )


def time_build(schemac: str, spec: Path, n: int, reps: int, out: Path) -> dict:
    build = Series("schemac build", [schemac, "build", "--spec", str(spec), "--out", ""])
    with tempfile.TemporaryDirectory(prefix="schemac-bench-") as tmp:
        build.command[-1] = tmp
        for _ in range(reps):
            build.runs.append(measure(build.command, out / f"build_{n}.txt", out))
        check_exit(build, {0}, out / f"build_{n}.txt")
        built, built_size = generate.sql_stats(Path(tmp) / "schema.sql")
    print(f"  schemac build: {build.median:.2f} s, {build.peak:.0f} MB -> {built} statements", flush=True)
    return asdict(build) | {
        "median": build.median,
        "min": build.low,
        "max": build.high,
        "peak_mb": build.peak,
        "spec_bytes": spec.stat().st_size,
        "sql_statements": built,
        "sql_bytes": built_size,
    }


def render(results: dict, largest: int) -> str:
    info = results["machine"]
    parts = [
        f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"pglast {info['pglast']}, {info['schemac']} (commit {info['commit']}), {info['squawk']}; median of {results['reps']} runs "
        f"after a warm-up, each in a fresh process. Load average (1 min) before / after the run: "
        f"{results['load_before'][0]:.2f} / {results['load_after'][0]:.2f}."
    ]
    rows, verdicts = [], []
    for shape in SHAPES:
        for n, e in results["shapes"][shape].items():
            s, q = e["lint"]["schemac"], e["lint"]["squawk"]
            rows.append(
                [
                    shape,
                    f"{n:,}",
                    f"{e['files']:,}",
                    f"{e['statements']:,}",
                    f"{e['bytes'] / 1e6:.2f}",
                    f"{s['median']:.2f} ({s['min']:.2f}-{s['max']:.2f})",
                    f"{q['median']:.2f} ({q['min']:.2f}-{q['max']:.2f})",
                    f"**{e['ratio']:.2f}x**",
                    f"{s['cpu']:.2f} / {q['cpu']:.2f}",
                    f"**{e['cpu_ratio']:.2f}x**",
                    f"{s['peak_mb']:.0f}",
                    f"{q['peak_mb']:.0f}",
                    f"{s['findings']} / {q['findings']}",
                ]
            )
            target = TARGET_RATIO.get(n)
            if target:
                verdicts.append(
                    f"{shape}, {n:,} tables: {e['ratio']:.2f}x wall, {e['cpu_ratio']:.2f}x CPU "
                    f"(target {target:g}x: {'met' if e['cpu_ratio'] <= target else 'NOT met'} on CPU, "
                    f"{'met' if e['ratio'] <= target else 'NOT met'} on wall); peak {s['peak_mb']:.0f} MB "
                    f"({'under' if s['peak_mb'] < TARGET_PEAK_MB else 'NOT under'} {TARGET_PEAK_MB} MB)"
                )
    parts.append(
        "### Lint: `schemac lint FILES --format json --fail-on never` vs `squawk --reporter json FILES`\n\n"
        + md_table(
            [
                "shape",
                "tables",
                "files",
                "statements",
                "MB",
                "schemac s (min-max)",
                "squawk s (min-max)",
                "schemac/squawk wall",
                "CPU s schemac / squawk",
                "schemac/squawk CPU",
                "schemac peak MB",
                "squawk peak MB",
                "findings schemac / squawk",
            ],
            rows,
        )
    )
    if verdicts:
        parts.append("Targets:\n\n" + "\n".join(f"- {v}" for v in verdicts))
    if "squawk_tty" in results:
        t = results["squawk_tty"]
        parts.append(
            f"squawk with its default (tty) reporter on {t['tables']:,} tables: {t['wall']:.2f} s, "
            f"{t['peak_mb']:.0f} MB (not comparable: it renders every finding with source context)."
        )
    build_rows = []
    for n, e in results["shapes"]["schema file"].items():
        if "build" in e:
            b = e["build"]
            build_rows.append(
                [
                    f"{n:,}",
                    f"{b['spec_bytes'] / 1e6:.2f}",
                    f"{b['median']:.2f} ({b['min']:.2f}-{b['max']:.2f})",
                    f"{b['peak_mb']:.0f}",
                    f"{b['sql_statements']:,}",
                ]
            )
    if build_rows:
        parts.append(
            "### Compile: `schemac build --spec schema_N.yaml --out DIR` (validates, compiles, lints)\n\n"
            + md_table(["tables", "spec MB", "seconds (min-max)", "peak MB", "statements written"], build_rows)
        )
    big = results["shapes"]["schema file"].get(largest)
    if big:
        cmp = big["findings_vs_planted"]
        rows = [
            [
                r["rule"],
                str(r["planted"]),
                str(r["reported"]),
                "" if r["reported"] == r["planted"] else ("missed" if r["reported"] < r["planted"] else "extra"),
            ]
            for r in cmp["rows"]
        ]
        parts.append(
            f"### schemac findings on {largest:,} tables against the planted defects\n\n"
            + md_table(["rule", "planted", "reported", ""], rows)
        )
        if cmp["extra_examples"]:
            lines = [
                f"- `{rule}`: " + "; ".join(f"`{x}`" for x in examples)
                for rule, examples in cmp["extra_examples"].items()
            ]
            parts.append("Examples of findings beyond the planted ones:\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
