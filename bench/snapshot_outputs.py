#!/usr/bin/env python3
"""Write what schemac produces for the repository's own inputs into a folder, so that
two checkouts can be compared with ``diff -r``: a refactoring that changes no
behaviour leaves the two folders identical.

For the current checkout, into ``OUT``:

* ``build/NAME/``: ``schemac build`` of ``schema.yaml`` and of every spec under
  ``tests/specs/valid`` (the SQL written, and what the command printed), with
  ``schemac docs`` of each; ``json-schema/``: ``schemac json-schema``;
* ``invalid/NAME.txt``: ``schemac validate`` of every spec under
  ``tests/specs/invalid`` (the messages);
* ``catalog-plans/``: plans computed on compiled catalogs without a server,
  from an empty catalog to each valid spec and back (every kind created and
  dropped), and between the ``from`` and ``to`` specs of every ``tests/diffs``
  case both ways;
* ``diffs/CASE/``: every ``tests/diffs`` case recomputed as
  ``tests/test_diffs.py`` does (``from`` applied and seeded, then planned to
  ``to``): the golden summary (``expected.txt``'s format), the plan as text, SQL
  and JSON, and the plan after applying it;
* ``import/NAME.yaml``: ``schemac import --from`` of the SQL files under
  ``tests/specs/valid`` and ``tests/imports``;
* ``bench-N/``: the synthetic schema of ``bench/generate.py`` (N tables) and its
  mutation: the plans database A -> database B and B -> A, and the plan from a
  database holding only the Supabase stand-in to B's spec.

Usage:
    python bench/snapshot_outputs.py OUT [--tables 2000] [--no-bench]
    diff -r /work/snap-before OUT

Nothing here is timed; the dates a spec's partitions depend on are pinned
(``SOURCE_DATE_EPOCH``), so two runs on the same day or on different days agree.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

# Partitions "from start to now + premake" depend on the date: pinned, for both checkouts.
os.environ["SOURCE_DATE_EPOCH"] = "1796083200"  # 2026-12-01
os.environ.setdefault("NO_COLOR", "1")

import psycopg  # noqa: E402
import yaml  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from schemac import live  # noqa: E402
from schemac.apply import Settings, apply  # noqa: E402
from schemac.catalog.objects import Catalog  # noqa: E402
from schemac.cli import main as cli  # noqa: E402
from schemac.commands.plan import format_plan  # noqa: E402
from schemac.devdb import Cluster  # noqa: E402
from schemac.diff import Renames, compare  # noqa: E402
from schemac.pipeline import compile_file  # noqa: E402
from schemac.plan import HAZARDS, make_plan  # noqa: E402
from schemac.supabase import install_standin  # noqa: E402

ALL_HAZARDS = Settings(allowed_hazards=frozenset(HAZARDS))


def summary(plan) -> str:
    """A plan in the format of tests/diffs/*/expected.txt (as tests/test_diffs.py writes it)."""
    lines = []
    for step in plan.steps:
        hazards = f" [{', '.join(sorted(step.hazards))}]" if step.hazards else ""
        where = "" if step.transactional else f" ({step.phase.name.lower()})"
        lines.append(f"{step.title}{hazards}{where}")
    return "\n".join(lines) + "\n"


def write_plan(folder: Path, stem: str, plan) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.summary.txt").write_text(summary(plan))
    (folder / f"{stem}.txt").write_text(format_plan(plan, "text"))
    (folder / f"{stem}.sql").write_text(format_plan(plan, "sql"))
    (folder / f"{stem}.json").write_text(format_plan(plan, "json"))


def guarded(out: Path, what: Callable[[], None]) -> None:
    """Run ``what``; an exception is written to ``out`` (its message: the same error is the same output)."""
    try:
        what()
    except Exception as exc:  # noqa: BLE001 - an error is an output to compare too
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(f"{type(exc).__name__}: {exc}\n")
        print(f"  {out.name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)


def run_cli(args: list[str]) -> str:
    result = CliRunner().invoke(cli, ["--no-color", *args], catch_exceptions=False)
    return f"exit {result.exit_code}\n{result.output}"


# ------------------------------------------------------------------ without a server


def valid_specs() -> list[Path]:
    return [ROOT / "schema.yaml", *sorted((ROOT / "tests" / "specs" / "valid").glob("*.yaml"))]


def snapshot_builds(out: Path) -> None:
    for spec in valid_specs():
        folder = out / "build" / spec.stem
        folder.mkdir(parents=True)
        log = run_cli(["build", "--spec", str(spec), "--out", str(folder / "generated")])
        log += run_cli(["docs", "--spec", str(spec), "--out", str(folder / "schema.md")])
        (folder / "commands.txt").write_text(log.replace(str(folder), "OUT").replace(str(ROOT), "ROOT"))
    folder = out / "json-schema"
    folder.mkdir()
    run_cli(["json-schema", "--out", str(folder / "schemac.schema.json")])
    for spec in sorted((ROOT / "tests" / "specs" / "invalid").glob("*.yaml")):
        (out / "invalid").mkdir(exist_ok=True)
        text = run_cli(["validate", "--spec", str(spec)])
        (out / "invalid" / f"{spec.stem}.txt").write_text(text.replace(str(ROOT), "ROOT"))


def catalog_plan(current: Catalog, desired: Catalog, renames: Renames | None = None):
    return make_plan(current, desired, compare(current, desired, renames))


def snapshot_catalog_plans(out: Path) -> None:
    folder = out / "catalog-plans"
    for spec in valid_specs():
        compiled = compile_file(spec).catalog
        empty = Catalog(target_version=compiled.target_version, flavor=compiled.flavor)
        guarded(
            folder / f"{spec.stem}.create.error",
            lambda: write_plan(folder, f"{spec.stem}.create", catalog_plan(empty, compiled)),
        )
        guarded(
            folder / f"{spec.stem}.drop.error",
            lambda: write_plan(folder, f"{spec.stem}.drop", catalog_plan(compiled, empty)),
        )
    for case in sorted(p for p in (ROOT / "tests" / "diffs").iterdir() if p.is_dir()):
        a, b = compile_file(case / "from.yaml").catalog, compile_file(case / "to.yaml").catalog
        guarded(
            folder / f"{case.name}.forward.error",
            lambda: write_plan(folder, f"{case.name}.forward", catalog_plan(a, b, Renames.from_catalog(b))),
        )
        guarded(
            folder / f"{case.name}.backward.error",
            lambda: write_plan(folder, f"{case.name}.backward", catalog_plan(b, a, Renames.from_catalog(a))),
        )


# ---------------------------------------------------------------------- with a server


def case_target(case: Path) -> int:
    return max(
        (yaml.safe_load((case / name).read_text()).get("target") or {}).get("postgres", 15)
        for name in ("from.yaml", "to.yaml")
    )


def snapshot_diffs(out: Path, cluster: Cluster) -> None:
    """Every tests/diffs case, as tests/test_diffs.py computes it."""
    major = cluster.server_version_num // 10000
    dev_db = cluster.url()
    for case in sorted(p for p in (ROOT / "tests" / "diffs").iterdir() if p.is_dir()):
        folder = out / "diffs" / case.name
        folder.mkdir(parents=True)
        if case_target(case) > major:
            (folder / "skipped.txt").write_text(f"targets PostgreSQL {case_target(case)}\n")
            continue
        name = f"snap_{uuid.uuid4().hex[:8]}"
        database = cluster.create_database(name)
        try:

            def one() -> None:
                start = live.plan(live.current(database), live.desired(str(case / "from.yaml"), dev_db))
                write_plan(folder, "start", start)
                apply(database, start, "", ALL_HAZARDS)
                if (case / "seed.sql").exists():
                    with psycopg.connect(database, autocommit=True) as conn:
                        conn.execute((case / "seed.sql").read_text())
                goal = live.desired(str(case / "to.yaml"), dev_db)
                migration = live.plan(live.current(database), goal)
                write_plan(folder, "migration", migration)
                apply(database, migration, "", ALL_HAZARDS)
                write_plan(folder, "after", live.plan(live.current(database), goal))

            guarded(folder / "error.txt", one)
        finally:
            cluster.drop_database(name)


def snapshot_imports(out: Path, cluster: Cluster) -> None:
    folder = out / "import"
    folder.mkdir()
    sources = [
        *sorted((ROOT / "tests" / "specs" / "valid").glob("*.sql")),
        *sorted((ROOT / "tests" / "imports").glob("*.sql")),
    ]
    for source in sources:
        target = folder / f"{source.parent.name}_{source.stem}.yaml"
        # Relative: the spec's header names the file, and must not name the checkout.
        log = run_cli(
            ["import", "--from", str(source.relative_to(ROOT)), "--out", str(target), "--dev-db", cluster.url()]
        )
        (folder / f"{source.parent.name}_{source.stem}.log").write_text(
            log.replace(str(folder), "OUT").replace(str(ROOT), "ROOT")
        )


def load_sql(cluster: Cluster, name: str, sql_path: Path | None) -> str:
    """A new database holding the Supabase stand-in and, when given, the SQL file."""
    url = cluster.create_database(name)
    with psycopg.connect(url, autocommit=True) as conn:
        install_standin(conn)
        if sql_path is not None:
            with conn.transaction():
                conn.execute(sql_path.read_text(encoding="utf-8"))
    return url


def snapshot_bench(out: Path, cluster: Cluster, tables: int) -> None:
    import generate  # bench/generate.py

    folder = out / f"bench-{tables}"
    inputs = folder / "inputs"
    a = generate.write(tables, inputs)
    b = generate.write(tables, inputs, mutate_seed=1)
    names = [f"snap_a_{uuid.uuid4().hex[:6]}", f"snap_b_{uuid.uuid4().hex[:6]}", f"snap_e_{uuid.uuid4().hex[:6]}"]
    try:
        url_a, url_b = load_sql(cluster, names[0], a["sql"]), load_sql(cluster, names[1], b["sql"])
        empty = load_sql(cluster, names[2], None)
        side_a, side_b = live.current(url_a), live.current(url_b)
        write_plan(folder, "a_to_b", live.plan(side_a, side_b))
        write_plan(folder, "b_to_a", live.plan(side_b, side_a))
        goal = live.desired(str(b["yaml"]), cluster.url())
        write_plan(folder, "empty_to_spec_b", live.plan(live.current(empty), goal))
    finally:
        for name in names:
            cluster.drop_database(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="an empty or new folder")
    parser.add_argument("--tables", type=int, default=2000, help="size of the bench schema (default 2000)")
    parser.add_argument("--no-bench", action="store_true", help="leave out the bench schema")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    if out.exists() and any(out.iterdir()):
        parser.error(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # paths given to commands are relative to the checkout
    print("builds, docs and validation messages", file=sys.stderr)
    snapshot_builds(out)
    print("plans between compiled catalogs", file=sys.stderr)
    snapshot_catalog_plans(out)
    with Cluster() as cluster:
        print(f"tests/diffs cases (PostgreSQL {cluster.server_version_num // 10000})", file=sys.stderr)
        snapshot_diffs(out, cluster)
        print("imports", file=sys.stderr)
        snapshot_imports(out, cluster)
        if not args.no_bench:
            print(f"bench, {args.tables} tables", file=sys.stderr)
            snapshot_bench(out, cluster, args.tables)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        sys.exit(1)
