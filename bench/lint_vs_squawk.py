#!/usr/bin/env python3
"""schemac lint vs squawk, side by side, on synthetic schemas of 100, 500 and 2,000 tables.

One run:

1. writes the inputs with ``bench/generate.py`` (SQL, spec YAML, planted defects)
   into ``bench/out/`` (or ``--out``);
2. for each size, runs ``schemac lint FILE --format json --fail-on never`` and
   ``squawk --reporter json FILE``, each in its own fresh process, a warm-up run
   and then ``--reps`` runs, alternating the two tools; wall time is measured
   around the process, peak memory is the child's own ``ru_maxrss`` from
   ``os.wait4`` (one process per measurement, so it is never the maximum over
   earlier children);
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

Targets (issue 3): schemac's lint of the 2,000-table file within 2x of squawk's
JSON run, peak memory under 300 MB.
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
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py)

TARGET_RATIO = 2.0
TARGET_PEAK_MB = 300


@dataclass
class Run:
    wall: float  # seconds
    peak_mb: float  # the child's max RSS
    exit: int


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
print(wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measure(command: list[str], stdout: Path, cwd: Path) -> Run:
    """Run one command in a fresh process; its wall time and its own peak RSS.

    ``os.wait4`` in the wrapper returns the resource usage of exactly that
    child (and of any children it waited for), unlike
    ``getrusage(RUSAGE_CHILDREN)``, whose ``ru_maxrss`` is the maximum over
    every child ever waited for."""
    result = subprocess.run([sys.executable, "-S", "-c", _WRAPPER, str(stdout), str(stdout.with_suffix(".stderr")),
                             *command], capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise SystemExit(f"measuring {' '.join(command)} failed:\n{result.stderr}")
    wall, maxrss_kib, exit_code = result.stdout.split()
    return Run(float(wall), int(maxrss_kib) / 1024, int(exit_code))  # ru_maxrss is in KiB on Linux


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
        commit = subprocess.run(["git", "-C", str(HERE), "describe", "--always", "--dirty"], capture_output=True,
                                text=True, timeout=30).stdout.strip() or "unknown"
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000], metavar="N")
    parser.add_argument("--reps", type=int, default=5, help="measured runs per tool and size (after a warm-up)")
    parser.add_argument("--build-reps", type=int, default=3, help="measured runs of schemac build per size")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-build", action="store_true", help="skip timing schemac build")
    parser.add_argument("--squawk-tty", action="store_true",
                        help="also time squawk's default (tty) reporter once on the largest size")
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
    print(f"# schemac lint vs squawk, {info['date']}: {info['cpus']} CPUs ({info['cpu']}), "
          f"Python {info['python']}, pglast {info['pglast']}, {info['schemac']}, {info['squawk']}\n",
          flush=True)

    results: dict = {"machine": info, "reps": args.reps, "sizes": {}, "load_before": os.getloadavg()}
    for n in args.sizes:
        paths = generate.write(n, out)
        statements, size = generate.sql_stats(paths["sql"])
        sql = paths["sql"]
        commands = {
            "schemac": [schemac, "lint", str(sql), "--format", "json", "--fail-on", "never"],
            "squawk": [squawk, "--reporter", "json", str(sql)],
        }
        allowed = {"schemac": {0}, "squawk": {0, 1}}  # squawk exits 1 when it reports anything
        series = {tool: Series(tool, cmd) for tool, cmd in commands.items()}
        stdout = {tool: out / f"{tool}_{n}.json" for tool in commands}
        for tool, cmd in commands.items():  # warm-up: page cache, imports compiled
            run = measure(cmd, stdout[tool], out)
            if run.exit not in allowed[tool]:
                series[tool].runs.append(run)
                check_exit(series[tool], allowed[tool], stdout[tool])
        order = list(commands)
        for rep in range(args.reps):
            for tool in order if rep % 2 == 0 else reversed(order):
                series[tool].runs.append(measure(commands[tool], stdout[tool], out))
        for tool in commands:
            check_exit(series[tool], allowed[tool], stdout[tool])
        entry = {
            "statements": statements, "bytes": size,
            "lint": {tool: asdict(s) | {"median": s.median, "min": s.low, "max": s.high, "peak_mb": s.peak,
                                        "findings": count_json(stdout[tool])}
                     for tool, s in series.items()},
            "ratio": series["schemac"].median / series["squawk"].median,
            "findings_vs_planted": compare_findings(stdout["schemac"], paths["expected"]),
        }
        print(f"{n} tables ({statements} statements, {size / 1e6:.2f} MB): "
              f"schemac {series['schemac'].median:.2f} s, {series['schemac'].peak:.0f} MB; "
              f"squawk {series['squawk'].median:.2f} s, {series['squawk'].peak:.0f} MB; "
              f"ratio {entry['ratio']:.2f}", flush=True)

        if not args.no_build:
            build = Series("schemac build", [schemac, "build", "--spec", str(paths["yaml"]), "--out", ""])
            with tempfile.TemporaryDirectory(prefix="schemac-bench-") as tmp:
                build.command[-1] = tmp
                for _ in range(args.build_reps):
                    build.runs.append(measure(build.command, out / f"build_{n}.txt", out))
                check_exit(build, {0}, out / f"build_{n}.txt")
                built, built_size = generate.sql_stats(Path(tmp) / "schema.sql")
            entry["build"] = asdict(build) | {"median": build.median, "min": build.low, "max": build.high,
                                              "peak_mb": build.peak, "spec_bytes": paths["yaml"].stat().st_size,
                                              "sql_statements": built, "sql_bytes": built_size}
            print(f"  schemac build: {build.median:.2f} s, {build.peak:.0f} MB -> {built} statements", flush=True)
        results["sizes"][n] = entry

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


def render(results: dict, largest: int) -> str:
    info = results["machine"]
    parts = [f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
             f"pglast {info['pglast']}, {info['schemac']} (commit {info['commit']}), {info['squawk']}; median of {results['reps']} runs "
             f"after a warm-up, each in a fresh process. Load average (1 min) before / after the run: "
             f"{results['load_before'][0]:.2f} / {results['load_after'][0]:.2f}."]
    rows = []
    for n, e in results["sizes"].items():
        s, q = e["lint"]["schemac"], e["lint"]["squawk"]
        rows.append([f"{n:,}", f"{e['statements']:,}", f"{e['bytes'] / 1e6:.2f}",
                     f"{s['median']:.2f} ({s['min']:.2f}-{s['max']:.2f})",
                     f"{q['median']:.2f} ({q['min']:.2f}-{q['max']:.2f})",
                     f"**{e['ratio']:.2f}x**", f"{s['peak_mb']:.0f}", f"{q['peak_mb']:.0f}",
                     f"{s['findings']} / {q['findings']}"])
    parts.append("### Lint: `schemac lint FILE --format json --fail-on never` vs `squawk --reporter json FILE`\n\n"
                 + md_table(["tables", "statements", "MB", "schemac s (min-max)", "squawk s (min-max)",
                             "schemac/squawk", "schemac peak MB", "squawk peak MB", "findings schemac / squawk"],
                            rows))
    big = results["sizes"].get(largest)
    if big and largest >= 2000:
        ratio_ok = big["ratio"] <= TARGET_RATIO
        peak = big["lint"]["schemac"]["peak_mb"]
        parts.append(f"Targets on {largest:,} tables: time within {TARGET_RATIO:.0f}x of squawk's JSON run: "
                     f"{big['ratio']:.2f}x, {'met' if ratio_ok else 'NOT met'}; peak memory under "
                     f"{TARGET_PEAK_MB} MB: {peak:.0f} MB, {'met' if peak < TARGET_PEAK_MB else 'NOT met'}.")
    if "squawk_tty" in results:
        t = results["squawk_tty"]
        parts.append(f"squawk with its default (tty) reporter on {t['tables']:,} tables: {t['wall']:.2f} s, "
                     f"{t['peak_mb']:.0f} MB (not comparable: it renders every finding with source context).")
    build_rows = []
    for n, e in results["sizes"].items():
        if "build" in e:
            b = e["build"]
            build_rows.append([f"{n:,}", f"{b['spec_bytes'] / 1e6:.2f}", f"{b['median']:.2f} ({b['min']:.2f}-"
                               f"{b['max']:.2f})", f"{b['peak_mb']:.0f}", f"{b['sql_statements']:,}"])
    if build_rows:
        parts.append("### Compile: `schemac build --spec schema_N.yaml --out DIR` (validates, compiles, lints)\n\n"
                     + md_table(["tables", "spec MB", "seconds (min-max)", "peak MB", "statements written"],
                                build_rows))
    if big:
        cmp = big["findings_vs_planted"]
        rows = [[r["rule"], str(r["planted"]), str(r["reported"]),
                 "" if r["reported"] == r["planted"] else ("missed" if r["reported"] < r["planted"] else "extra")]
                for r in cmp["rows"]]
        parts.append(f"### schemac findings on {largest:,} tables against the planted defects\n\n"
                     + md_table(["rule", "planted", "reported", ""], rows))
        if cmp["extra_examples"]:
            lines = [f"- `{rule}`: " + "; ".join(f"`{x}`" for x in examples)
                     for rule, examples in cmp["extra_examples"].items()]
            parts.append("Examples of findings beyond the planted ones:\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
