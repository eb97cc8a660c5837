#!/usr/bin/env python3
"""Lay out the real-world corpus for ``corpus.py`` from fetched git repositories.

Nothing of those projects is kept in this repository: this script reads
their files with ``git show`` from bare clones (``--mirrors``, one folder
``owner+name/repo`` each, as the fetch tool leaves them) and writes the
cases under ``--out``, outside the repository. Supabase's examples come
from a folder of already extracted files (``--supabase-examples``: one
folder per example holding its ``supabase/migrations``), as that repository
is too large to clone here.

The only edits are those that let a file run on a fresh database of a
shared server: migra's fixtures get the role its test harness creates; Chinook's ``DROP DATABASE`` / ``CREATE DATABASE`` / ``\\c``
lines are left out, PostgREST's load script includes its fixtures from a
``parts/`` folder and skips OrioleDB's and PostGIS's set-up (neither is on
the servers here).

Usage:
    python bench/corpus_layout.py --mirrors /work/.mirror --supabase-examples /work/ext/supabase-examples \\
        --out /work/ext/corpus
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
from pathlib import Path


class Repo:
    def __init__(self, mirrors: Path, name: str):
        self.git_dir = mirrors / name.replace("/", "+") / "repo"
        self.name = name

    def files(self, prefix: str) -> list[str]:
        out = subprocess.run(
            ["git", "--git-dir", str(self.git_dir), "ls-tree", "-r", "--name-only", "HEAD", prefix],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return out.splitlines()

    def read(self, path: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", str(self.git_dir), "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
        ).stdout

    def available(self) -> bool:
        return self.git_dir.is_dir()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def supabase_case(folder: Path) -> None:
    write(folder / "case.json", json.dumps({"flavor": "supabase"}) + "\n")


def migra(repo: Repo, out: Path) -> int:
    cases = sorted({path.split("/")[2] for path in repo.files("tests/FIXTURES/")})
    # migra's test harness creates this role before it loads a fixture.
    role = "DO $$ BEGIN CREATE ROLE schemainspect_test_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n"
    for case in cases:
        for side in ("old", "new"):
            write(out / case / side / "0_role.sql", role)
        write(out / case / "old" / "a.sql", repo.read(f"tests/FIXTURES/{case}/a.sql"))
        write(out / case / "new" / "b.sql", repo.read(f"tests/FIXTURES/{case}/b.sql"))
    return len(cases)


def pgschema(repo: Repo, out: Path) -> int:
    # pgschema's test harness connects as this role (its embedded server's user), which some cases grant to.
    role = "DO $$ BEGIN CREATE ROLE testuser; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n"
    paths = set(repo.files("testdata/diff/"))
    cases = sorted({path.rsplit("/", 1)[0] for path in paths if path.endswith("/old.sql")})
    for case in cases:
        name = case.removeprefix("testdata/diff/").replace("/", "__")
        setup = repo.read(f"{case}/setup.sql") if f"{case}/setup.sql" in paths else ""
        for side in ("old", "new"):
            write(out / name / side / "0_role.sql", role)
            if setup:
                write(out / name / side / "0_setup.sql", setup)
            write(out / name / side / f"1_{side}.sql", repo.read(f"{case}/{side}.sql"))
    return len(cases)


# The roles sqldef's psqldef test harness creates before its cases run.
SQLDEF_ROLES = (
    "readonly_user app_user admin_role user-with-dash user.with.dot CamelCaseUser UPPERCASE_USER user1 user2"
    " user3 user4 reader writer admin reader1 reader2 writer1 writer2 role1 role2 power_user user@domain.com"
    " dummy_owner_role"
).split() + ["user with spaces", "My User"]


def sqldef(repo: Repo, out: Path) -> int:
    """psqldef's YAML cases as pairs: ``current`` (empty when absent) to ``desired``.

    Left out: cases that expect an error, need the pgvector server, run as
    another user (whose search_path the harness changes), keep drops off
    (``enable_drop: false``: the desired state is then not the end state), or
    were written for servers older than 15. psqldef never drops a schema, and
    its ``desired`` often leaves out the ``CREATE SCHEMA`` of ``current``: the
    new side gets those schemas first, as the end state sqldef's tests expect.
    """
    import yaml

    quoted = ", ".join("'" + role.replace("'", "''") + "'" for role in SQLDEF_ROLES)
    role = (
        "DO $$ DECLARE r text; BEGIN FOREACH r IN ARRAY ARRAY[" + quoted + "] LOOP\n"
        "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN EXECUTE format('CREATE ROLE %I', r); END IF;\n"
        "END LOOP; END $$;\n"
    )
    count = 0
    for path in repo.files("cmd/psqldef/"):
        name = path.rsplit("/", 1)[1]
        if not (name.startswith("tests_") and name.endswith(".yml")) or name == "tests_aurora_dsql.yml":
            continue
        cases = yaml.safe_load(repo.read(path)) or {}
        for case, spec in cases.items():
            if not isinstance(spec, dict) or "error" in spec or spec.get("user") or spec.get("flavor") == "pgvector":
                continue
            if spec.get("enable_drop") is False or int(str(spec.get("max_version", "99")).split(".")[0]) < 15:
                continue
            folder = out / f"{name.removeprefix('tests_').removesuffix('.yml')}__{case}"
            current, desired = spec.get("current") or "", spec.get("desired") or ""
            for side, text in (("old", current), ("new", desired)):
                write(folder / side / "0_role.sql", role)
                write(folder / side / f"1_{side}.sql", text)
            schemas = re.compile(r"^\s*CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?([^\s;]+)", re.I | re.M)
            kept = [s for s in schemas.findall(current) if s not in schemas.findall(desired)]
            if kept:
                write(folder / "new" / "0_schemas.sql", "".join(f"CREATE SCHEMA IF NOT EXISTS {s};\n" for s in kept))
            count += 1
    return count


def migrations(repo: Repo, folder: str, out: Path) -> int:
    files = [p for p in repo.files(folder) if p.endswith(".sql")]
    for path in files:
        write(out / path.rsplit("/", 1)[1], repo.read(path))
    supabase_case(out)
    return 1


def chinook(repo: Repo, out: Path) -> int:
    text = repo.read("ChinookDatabase/DataSources/Chinook_PostgreSql.sql")
    text = re.sub(
        r"^(DROP DATABASE|CREATE DATABASE|\\c)\b.*$", r"-- (left out by corpus_layout) \g<0>", text, flags=re.M
    )
    write(out / "chinook.sql", text)
    return 1


def postgrest(repo: Repo, out: Path) -> int:
    load = repo.read("test/spec/fixtures/load.sql")
    for name in re.findall(r"^\\ir (\S+\.sql)$", load, flags=re.M):
        if "/" not in name:
            text = repo.read(f"test/spec/fixtures/{name}")
            text = re.sub(
                r"^(create extension if not exists postgis\b.*)$",
                r"-- (left out by corpus_layout) \1",
                text,
                flags=re.M | re.I,
            )
            write(out / "parts" / name, text)
    load = re.sub(r"^\\ir \.\./.*$", r"-- (left out by corpus_layout) \g<0>", load, flags=re.M)
    load = re.sub(r"^\\ir (\w+\.sql)$", r"\\ir parts/\1", load, flags=re.M)
    # PostgREST's test script passes the connecting user as PGUSER.
    write(out / "load.sql", "\\set PGUSER :USER\n" + load)
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--supabase-examples", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)

    def repo(name: str) -> Repo | None:
        r = Repo(args.mirrors, name)
        if not r.available():
            print(f"skipped {name}: no clone under {args.mirrors}")
        return r if r.available() else None

    laid = {}
    if r := repo("djrobstep/migra"):
        laid["migra"] = migra(r, args.out / "migra")
    # pgschema moved from pgschema/pgschema to pgplex/pgschema; the newer clone wins.
    if r := repo("pgplex/pgschema") or repo("pgschema/pgschema"):
        laid["pgschema"] = pgschema(r, args.out / "pgschema")
    if r := repo("sqldef/sqldef"):
        laid["sqldef"] = sqldef(r, args.out / "sqldef")
    if r := repo("devrimgunduz/pagila"):
        write(args.out / "apps" / "pagila" / "pagila-schema.sql", r.read("pagila-schema.sql"))
        laid["pagila"] = 1
    if r := repo("lerocha/chinook-database"):
        laid["chinook"] = chinook(r, args.out / "apps" / "chinook")
    if r := repo("PostgREST/postgrest"):
        laid["postgrest"] = postgrest(r, args.out / "apps" / "postgrest-fixtures")
    if r := repo("usebasejump/basejump"):
        laid["basejump"] = migrations(r, "supabase/migrations/", args.out / "supabase" / "basejump")
    if r := repo("makerkit/nextjs-saas-starter-kit-lite"):
        laid["makerkit"] = migrations(r, "apps/web/supabase/migrations/", args.out / "supabase" / "makerkit-lite")
    if args.supabase_examples:
        examples = sorted(p for p in args.supabase_examples.iterdir() if p.is_dir())
        for example in examples:
            target = args.out / "supabase" / f"example-{example.name}"
            for path in sorted((example / "supabase" / "migrations").glob("*.sql")):
                write(target / path.name, path.read_text())
            supabase_case(target)
        laid["supabase examples"] = len(examples)
    print(", ".join(f"{name}: {n}" for name, n in laid.items()))


if __name__ == "__main__":
    main()
