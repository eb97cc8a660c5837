#!/usr/bin/env python3
"""A second schema shape for the lint benchmark: a migration folder of N tables.

Written apart from ``generate.py`` so that a ratio measured on both is not
tuned to one generator. Where ``generate.py`` writes one hand-written schema
file (lower-case SQL, uuid keys, one block per table with its foreign keys
inline), this writes what a project's ``migrations/`` folder looks like after
a few years: many small files, applied in name order, each a step of the
project's history:

* tables are created in batches, upper-case SQL, with identity keys, a wider
  mix of column types (varchar, numeric with checks, smallint enums, inet,
  arrays, jsonb, calendar dates) and leading-comma or trailing-comma layouts;
* foreign keys come later, in their own files, added ``NOT VALID`` and then
  validated, with their indexes created ``CONCURRENTLY``;
* row level security comes later again: enabled, forced, and policies in the
  forms real Supabase projects use (a correlated membership ``EXISTS``,
  ``tenant_id IN (SELECT ...)``, owner checks, ``TO service_role`` policies);
* columns are added and indexes dropped and recreated in later files, some of
  which set ``lock_timeout``.

Deterministic for a given N (seeded from N). Usage:
    python bench/migrations.py --tables 100 500 2000 --out bench/out
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

SEED = "schemac-bench-migrations-v1"
BATCH = 12  # tables created per migration file

AREAS = [
    "ledger",
    "dispatch",
    "clinic",
    "studio",
    "garage",
    "harbor",
    "orchard",
    "archive",
    "depot",
    "atelier",
    "kitchen",
    "library",
    "market",
    "observatory",
    "pharmacy",
    "quarry",
    "railway",
    "school",
    "theatre",
    "vineyard",
    "workshop",
    "yard",
    "zoo",
    "bakery",
    "cinema",
    "dairy",
    "embassy",
    "foundry",
    "gallery",
    "hostel",
]
THINGS = [
    "entries",
    "tickets",
    "visits",
    "sessions",
    "jobs",
    "parcels",
    "batches",
    "loans",
    "orders",
    "shifts",
    "slots",
    "reviews",
    "claims",
    "quotes",
    "routes",
    "samples",
    "permits",
    "leases",
    "notes",
    "alerts",
    "rounds",
    "readings",
    "tasks",
    "votes",
    "badges",
    "bookings",
    "credits",
    "audits",
    "plans",
    "kits",
]
# (column name stem, SQL type, sometimes a CHECK or DEFAULT)
COLUMN_KINDS = [
    ("title", "VARCHAR(200)", "NOT NULL"),
    ("description", "TEXT", ""),
    ("amount", "NUMERIC(12, 2)", "CHECK ({c} >= 0)"),
    ("quantity", "INTEGER", "NOT NULL DEFAULT 0"),
    ("priority", "SMALLINT", "CHECK ({c} BETWEEN 1 AND 5)"),
    ("is_active", "BOOLEAN", "NOT NULL DEFAULT TRUE"),
    ("metadata", "JSONB", "NOT NULL DEFAULT '{{}}'::JSONB"),
    ("labels", "TEXT[]", "NOT NULL DEFAULT '{{}}'"),
    ("client_ip", "INET", ""),
    ("due_on", "DATE", ""),
    ("starts_on", "DATE", ""),
    ("score", "DOUBLE PRECISION", ""),
    ("reference", "VARCHAR(64)", "UNIQUE"),
    ("seen_at", "TIMESTAMPTZ", ""),
    ("external_id", "BIGINT", ""),
]
MEMBERSHIP = (
    "EXISTS (\n        SELECT 1 FROM public.team_members tm\n"
    "        WHERE tm.tenant_id = {t}.tenant_id\n"
    "          AND tm.user_id = (SELECT auth.uid())\n    )"
)
TENANT_IN = (
    "tenant_id IN (\n        SELECT tm.tenant_id FROM public.team_members tm\n"
    "        WHERE tm.user_id = (SELECT auth.uid())\n    )"
)


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str, str]]
    references: list[str] = field(default_factory=list)
    owned: bool = False
    soft_delete: bool = False
    leading_commas: bool = False


def tables(n: int, rng: random.Random) -> list[Table]:
    names, out = set(), []
    while len(out) < n:
        name = f"{rng.choice(AREAS)}_{rng.choice(THINGS)}"
        if name in names:
            name = f"{name}_{len(out)}"
        names.add(name)
        columns = [
            (stem if stem != "reference" else f"{stem}_code", kind, extra)
            for stem, kind, extra in rng.sample(COLUMN_KINDS, rng.randint(3, 8))
        ]
        earlier = [t.name for t in out[-60:]]
        table = Table(
            name,
            columns,
            rng.sample(earlier, min(len(earlier), rng.randint(0, 2))),
            owned=rng.random() < 0.3,
            soft_delete=rng.random() < 0.4,
            leading_commas=rng.random() < 0.5,
        )
        out.append(table)
    return out


def create_table(t: Table) -> str:
    lines = [
        "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "tenant_id UUID NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE",
    ]
    if t.owned:
        lines.append("owner_id UUID NOT NULL DEFAULT auth.uid()")
    lines += [f"{name} {kind} {extra.format(c=name)}".rstrip() for name, kind, extra in t.columns]
    lines += [f"{ref}_id BIGINT" for ref in t.references]
    lines.append("created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()")
    if t.soft_delete:
        lines.append("deleted_at TIMESTAMPTZ")
    if t.leading_commas:
        body = "\n".join(("      " if i == 0 else "    , ") + line for i, line in enumerate(lines))
    else:
        body = ",\n".join("    " + line for line in lines)
    return (
        f"CREATE TABLE IF NOT EXISTS public.{t.name} (\n{body}\n);\n"
        f"COMMENT ON TABLE public.{t.name} IS 'The {t.name.replace('_', ' ')} of a team.';\n"
        f"CREATE INDEX {t.name}_tenant_idx ON public.{t.name} (tenant_id, created_at DESC);\n"
    )


def relations(t: Table) -> str:
    out = ["SET lock_timeout = '5s';"]
    for ref in t.references:
        column = f"{ref}_id"
        constraint = f"{t.name}_{column}_fkey"[:58]
        out += [
            f"ALTER TABLE public.{t.name}\n    ADD CONSTRAINT {constraint}\n"
            f"    FOREIGN KEY ({column}) REFERENCES public.{ref} (id) ON DELETE SET NULL NOT VALID;",
            f"ALTER TABLE public.{t.name} VALIDATE CONSTRAINT {constraint};",
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {constraint}_idx\n    ON public.{t.name} ({column});",
        ]
    return "\n".join(out) + "\n"


def security(t: Table, rng: random.Random) -> str:
    name = t.name
    live = "\n        AND deleted_at IS NULL" if t.soft_delete else ""
    member = MEMBERSHIP.format(t=name) if rng.random() < 0.5 else TENANT_IN
    out = [
        f"ALTER TABLE public.{name} ENABLE ROW LEVEL SECURITY;",
        f"ALTER TABLE public.{name} FORCE ROW LEVEL SECURITY;",
        f'CREATE POLICY "{name} are readable by members" ON public.{name}\n'
        f"    FOR SELECT TO authenticated\n    USING (\n        {member}{live}\n    );",
    ]
    if t.owned:
        out.append(
            f'CREATE POLICY "{name} are written by their owner" ON public.{name}\n'
            f"    FOR INSERT TO authenticated\n"
            f"    WITH CHECK (owner_id = (SELECT auth.uid()) AND {TENANT_IN});"
        )
    else:
        out.append(
            f'CREATE POLICY "{name} are written by members" ON public.{name}\n'
            f"    FOR INSERT TO authenticated\n    WITH CHECK ({member});"
        )
    out.append(
        f'CREATE POLICY "{name} are managed by the service" ON public.{name}\n'
        f"    FOR ALL TO service_role USING (TRUE) WITH CHECK (TRUE);"
    )
    out.append(f"GRANT SELECT, INSERT ON public.{name} TO authenticated;")
    return "\n".join(out) + "\n"


def later_change(t: Table, rng: random.Random) -> str:
    column = rng.choice(
        [
            "archived_at TIMESTAMPTZ",
            "notes TEXT",
            "version INTEGER NOT NULL DEFAULT 1",
            "tags TEXT[] NOT NULL DEFAULT '{}'",
        ]
    )
    return (
        f"SET lock_timeout = '3s';\n"
        f"ALTER TABLE public.{t.name} ADD COLUMN IF NOT EXISTS {column};\n"
        f"DROP INDEX CONCURRENTLY IF EXISTS public.{t.name}_tenant_idx;\n"
        f"CREATE INDEX CONCURRENTLY {t.name}_tenant_recent_idx\n"
        f"    ON public.{t.name} (tenant_id, created_at DESC) INCLUDE (id);\n"
    )


BASE = """CREATE SCHEMA IF NOT EXISTS private;
CREATE TABLE public.tenants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TABLE public.team_members (
    tenant_id UUID NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    user_id UUID NOT NULL,
    role TEXT NOT NULL DEFAULT 'member',
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX team_members_user_idx ON public.team_members (user_id, tenant_id);
ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenants FORCE ROW LEVEL SECURITY;
ALTER TABLE public.team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.team_members FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenants are readable by members" ON public.tenants FOR SELECT TO authenticated
    USING (id IN (SELECT tm.tenant_id FROM public.team_members tm WHERE tm.user_id = (SELECT auth.uid())));
CREATE POLICY "memberships are readable by their user" ON public.team_members FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()) AND tenant_id IS NOT NULL);
"""


def migrations(n: int) -> list[tuple[str, str]]:
    """(file name, SQL) in the order they apply."""
    rng = random.Random(f"{SEED}-{n}")
    all_tables = tables(n, rng)
    files = [("base", BASE)]
    for start in range(0, n, BATCH):
        batch = all_tables[start : start + BATCH]
        files.append((f"create_{batch[0].name}", "\n".join(create_table(t) for t in batch)))
        for t in batch:
            if t.references:
                files.append((f"{t.name}_relations", relations(t)))
        files.append((f"secure_{batch[0].name}", "\n".join(security(t, rng) for t in batch)))
        for t in batch:
            if rng.random() < 0.25:
                files.append((f"{t.name}_change", later_change(t, rng)))
    return [(f"{i:05d}_{name}.sql", sql) for i, (name, sql) in enumerate(files, start=1)]


def write(n: int, out: Path) -> list[Path]:
    folder = out / f"migrations_{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.sql"):
        old.unlink()
    paths = []
    for name, sql in migrations(n):
        path = folder / name
        path.write_text(sql, encoding="utf-8")
        paths.append(path)
    return paths


def check_pg(paths: list[Path]) -> None:
    """Apply the files in order, after schemac's Supabase stand-in, to a throwaway
    PostgreSQL, each in autocommit as a migration tool would (CONCURRENTLY needs it)."""
    import psycopg

    from schemac.devdb import Cluster

    standin = Path(__file__).resolve().parent.parent / "templates" / "supabase_standin.sql"
    with Cluster() as cluster, psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(standin.read_text(encoding="utf-8"))
        for path in paths:
            for statement in _statements(path.read_text(encoding="utf-8")):
                conn.execute(statement)
        tables = conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()[0]
        policies = conn.execute("select count(*) from pg_policies where schemaname = 'public'").fetchone()[0]
    print(f"  applied {len(paths)} files to PostgreSQL: {tables} tables, {policies} policies")


def _statements(sql: str) -> list[str]:
    from pglast import parser

    return [sql[piece] for piece in parser.split(sql, with_parser=False, only_slices=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--check-pg", action="store_true", help="apply each folder to a throwaway PostgreSQL")
    args = parser.parse_args()
    for n in args.tables:
        paths = write(n, args.out)
        size = sum(p.stat().st_size for p in paths)
        print(f"{n} tables: {len(paths)} files in {paths[0].parent} ({size / 1e6:.2f} MB)")
        if args.check_pg:
            check_pg(paths)


if __name__ == "__main__":
    main()
