#!/usr/bin/env python3
"""Synthetic multi-tenant PostgreSQL / Supabase schemas of N tables, for benchmarks.

One in-memory model per N, rendered two ways:

* ``schema_N.sql``: hand-written-style SQL, one block per table (CREATE TABLE
  with its keys and foreign keys, comments, indexes, RLS, policies, triggers,
  grants), then views, functions and a materialized view. This is what
  ``bench/lint_vs_squawk.py`` lints.
* ``schema_N.yaml``: the same schema as a schemac spec (``schemac validate`` /
  ``schemac build`` accept it).

The model is deterministic for a given N (``random.Random`` seeded from N), so
two runs write byte-identical files. The schema is shaped like a real
Supabase app: ``tenants`` / ``profiles`` / ``tenant_memberships`` as in the
reference schema, then modules (crm, billing, fleet, ...) of tenant-scoped
tables with foreign keys to earlier tables, tenant-first indexes, RLS enabled
and forced, policies written ``tenant_id = (select private.current_tenant_id())``
and ``owner_id = (select auth.uid())``, soft-delete columns filtered in read
policies, append-only event tables guarded by a trigger, a few tables
partitioned by year, views, functions and a materialized view.

A small, fixed share of tables (about 1 in 40) carries one deliberate mistake
of a kind a schema linter should report (``--no-defects`` leaves them out).
``schema_N.expected.json`` lists them, with the lint rule each should trip,
so that a lint run can be checked for what it missed and for what it
reported beyond them (candidates for false positives).

Usage:
    python bench/generate.py --tables 100 500 2000 --out bench/out
    python bench/generate.py --tables 100 --out /tmp/g --check-pg   # apply the SQL to a real PostgreSQL
    python bench/generate.py --tables 2000 --mutate 1               # side B of a diff: ~8% of objects changed
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SEED = "schemac-bench-v1"
DEFECT_EVERY = 40  # about one table in DEFECT_EVERY carries a planted mistake

TENANT = "tenant_id = (select private.current_tenant_id())"
OWNER = "owner_id = (select auth.uid())"

# Modules of an app, and the things each could hold: (plural, singular).
MODULES = [
    "crm",
    "billing",
    "fleet",
    "inventory",
    "hr",
    "support",
    "projects",
    "sales",
    "marketing",
    "payroll",
    "shipping",
    "procurement",
    "analytics",
    "compliance",
    "assets",
    "catalog",
    "scheduling",
    "learning",
    "legal",
    "facilities",
    "finance",
    "maintenance",
    "quality",
    "warehouse",
    "contracts",
    "recruiting",
    "events",
    "content",
    "partners",
    "research",
    "security",
    "telemetry",
    "loyalty",
    "booking",
    "clinic",
    "property",
    "energy",
    "insurance",
    "logistics",
    "community",
]
NOUNS = [
    ("accounts", "account"),
    ("contacts", "contact"),
    ("invoices", "invoice"),
    ("invoice_lines", "invoice_line"),
    ("payments", "payment"),
    ("orders", "order"),
    ("order_items", "order_item"),
    ("products", "product"),
    ("vendors", "vendor"),
    ("tickets", "ticket"),
    ("comments", "comment"),
    ("attachments", "attachment"),
    ("notes", "note"),
    ("tasks", "task"),
    ("milestones", "milestone"),
    ("locations", "location"),
    ("assets", "asset"),
    ("inspections", "inspection"),
    ("schedules", "schedule"),
    ("shifts", "shift"),
    ("employees", "employee"),
    ("teams", "team"),
    ("approvals", "approval"),
    ("budgets", "budget"),
    ("expenses", "expense"),
    ("reports", "report"),
    ("subscriptions", "subscription"),
    ("plans", "plan"),
    ("campaigns", "campaign"),
    ("leads", "lead"),
    ("opportunities", "opportunity"),
    ("quotes", "quote"),
    ("shipments", "shipment"),
    ("parcels", "parcel"),
    ("routes", "route"),
    ("vehicles", "vehicle"),
    ("devices", "device"),
    ("readings", "reading"),
    ("alerts", "alert"),
    ("incidents", "incident"),
    ("audits", "audit"),
    ("documents", "document"),
    ("templates", "template"),
    ("tags", "tag"),
    ("categories", "category"),
    ("reviews", "review"),
    ("surveys", "survey"),
    ("responses", "response"),
    ("courses", "course"),
    ("enrollments", "enrollment"),
    ("sessions", "session"),
    ("certificates", "certificate"),
    ("renewals", "renewal"),
    ("claims", "claim"),
    ("requests", "request"),
    ("forecasts", "forecast"),
    ("targets", "target"),
    ("suppliers", "supplier"),
    ("batches", "batch"),
    ("bins", "bin"),
]

# Data columns: (name, type, not_null, default, check).
DATA_COLUMNS = [
    ("name", "text", True, None, None),
    ("code", "text", True, None, None),
    ("description", "text", False, None, None),
    ("status", "public.record_status", True, "'active'", None),
    ("priority", "public.priority_level", True, "'normal'", None),
    ("amount", "numeric(12,2)", True, "0", "amount >= 0"),
    ("quantity", "integer", True, "0", "quantity >= 0"),
    ("is_active", "boolean", True, "true", None),
    ("metadata", "jsonb", True, "'{}'::jsonb", None),
    ("email", "text", False, None, None),
    ("phone", "text", False, None, None),
    ("notes", "text", False, None, None),
    ("external_ref", "text", False, None, None),
    ("score", "double precision", False, None, None),
    ("currency", "char(3)", True, "'EUR'", None),
    ("position", "integer", True, "0", None),
    ("title", "text", False, None, None),
    ("tags", "text[]", True, "'{}'", None),
]
# Calendar dates (not instants) that real schemas keep as `date`.
DATE_COLUMNS = ["due_on", "starts_on", "birth_date", "valid_until"]

COMMENTS = [
    "{Noun} of a tenant, managed in the {module} module.",
    "One {noun} per row; rows belong to exactly one tenant.",
    "{Noun} records for {module}; soft-deleted rows are kept for 30 days.",
    "Tenant-scoped {noun} data, written by the app and by the {module} sync job.",
    "{Noun} entries, read by the {module} dashboards.",
]


def pg_name(*parts: str, suffix: str) -> str:
    """A PostgreSQL identifier of at most 63 bytes: the parts joined with '_', then
    the suffix; over-long names are cut and end with 8 hex digits of their hash
    (the way schemac shortens default names), so they stay unique."""
    name = "_".join(parts)
    full = f"{name}_{suffix}"
    if len(full) <= 63:
        return full
    digest = hashlib.sha1(full.encode()).hexdigest()[:8]
    return f"{name[: 63 - len(suffix) - 10]}_{digest}_{suffix}"


ENUMS = {
    "membership_role": ["owner", "admin", "member", "viewer"],
    "record_status": ["draft", "active", "archived"],
    "priority_level": ["low", "normal", "high", "urgent"],
}

# --------------------------------------------------------------------------- model


@dataclass
class Column:
    name: str
    type: str
    not_null: bool = False
    default: str | None = None
    comment: str | None = None


@dataclass
class ForeignKey:
    name: str
    columns: list[str]
    table: str  # qualified
    ref_columns: list[str]
    on_delete: str | None = None


@dataclass
class Index:
    name: str
    columns: list[str]  # "col" or "col DESC"
    where: str | None = None
    unique: bool = False


@dataclass
class Policy:
    name: str
    command: str
    roles: list[str]
    using: str | None = None
    check: str | None = None


@dataclass
class Trigger:
    name: str
    function: str
    events: list[str]
    level: str = "row"


@dataclass
class Table:
    name: str
    module: str
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    uniques: list[tuple[str, list[str]]] = field(default_factory=list)
    checks: list[tuple[str, str]] = field(default_factory=list)
    fks: list[ForeignKey] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    rls_enable: bool = True
    rls_force: bool = True
    policies: list[Policy] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    comment: str | None = None
    partition_years: tuple[int, int] | None = None  # range by year of occurred_at
    ignore: dict[str, str] = field(default_factory=dict)  # rule -> reason, whole table
    index_ignore: dict[str, dict[str, str]] = field(default_factory=dict)  # index name -> ignores
    soft_delete: bool = False
    spec_skip_indexes: set[str] = field(default_factory=set)  # indexes the spec cannot hold

    @property
    def qname(self) -> str:
        return f"public.{self.name}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass
class View:
    name: str  # qualified
    query: str
    comment: str


@dataclass
class Function:
    name: str  # qualified
    args: list[tuple[str, str]]
    returns: str
    language: str
    body: str
    volatility: str | None = None
    security_definer: bool = False
    search_path: str | None = None
    revoke_from: list[str] = field(default_factory=list)
    grant_to: list[str] = field(default_factory=list)
    comment: str | None = None
    reads_tables: bool = False
    spec_skip: bool = False  # a planted mistake the spec language refuses


@dataclass
class MatView:
    name: str
    query: str
    indexes: list[Index]
    comment: str


@dataclass
class Defect:
    kind: str
    rules: list[str]  # rule names expected to report it
    object: str  # what it is on
    in_spec: bool = True


@dataclass
class Schema:
    n: int
    tables: list[Table] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    matviews: list[MatView] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)
    enums: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in ENUMS.items()})


# ------------------------------------------------------------------ the generator

DEFECT_KINDS = [
    # kind, rules it should trip
    ("fk_unindexed", ["fk-unindexed"]),
    ("soft_delete_filter", ["soft-delete-filter-missing"]),
    ("initplan", ["rls-initplan"]),
    ("policy_no_role", ["policy-no-role"]),
    ("timestamp_no_tz", ["timestamp-without-tz"]),  # one finding per column: not also date-timestamptz-mix
    ("rls_disabled", ["rls-disabled"]),
    ("tenant_filter", ["tenant-filter-missing"]),
    ("duplicate_index", ["duplicate-index"]),
    ("not_forced", ["rls-not-forced"]),
    ("multiple_permissive", ["multiple-permissive-policies"]),
]
DEFECT_RULES = dict(DEFECT_KINDS)


def core_tables() -> list[Table]:
    """tenants, profiles and tenant_memberships, as in the reference schema.yaml."""
    tenants = Table(
        "tenants",
        "core",
        columns=[
            Column("id", "uuid", True, "gen_random_uuid()"),
            Column("name", "text", True),
            Column("slug", "text", True),
            Column("created_at", "timestamptz", True, "now()"),
            Column("updated_at", "timestamptz", True, "now()"),
            Column("deleted_at", "timestamptz"),
        ],
        primary_key=["id"],
        uniques=[("tenants_slug_key", ["slug"])],
        checks=[("tenants_slug_format", "slug ~ '^[a-z0-9-]{3,63}$'")],
        policies=[
            Policy(
                "tenants_select_own",
                "select",
                ["authenticated"],
                using="id = (select private.current_tenant_id()) and deleted_at is null",
            )
        ],
        triggers=[Trigger("tenants_set_updated_at", "private.set_updated_at", ["update"])],
        grants=["select"],
        comment="One customer organisation; every other row belongs to one.",
        ignore={"audit-column-unindexed": "tenants are few and always read by primary key."},
        soft_delete=True,
    )
    profiles = Table(
        "profiles",
        "core",
        columns=[
            Column("id", "uuid", True),
            Column("display_name", "text"),
            Column("email", "text"),
            Column("created_at", "timestamptz", True, "now()"),
            Column("updated_at", "timestamptz", True, "now()"),
        ],
        primary_key=["id"],
        fks=[ForeignKey("profiles_id_fkey", ["id"], "auth.users", ["id"], "cascade")],
        policies=[
            Policy("profiles_select_self", "select", ["authenticated"], using="id = (select auth.uid())"),
            Policy(
                "profiles_update_self",
                "update",
                ["authenticated"],
                using="id = (select auth.uid())",
                check="id = (select auth.uid())",
            ),
        ],
        triggers=[Trigger("profiles_set_updated_at", "private.set_updated_at", ["update"])],
        grants=["select", "update"],
        comment="One row per Supabase auth user.",
    )
    memberships = Table(
        "tenant_memberships",
        "core",
        columns=[
            Column("tenant_id", "uuid", True),
            Column("user_id", "uuid", True),
            Column("role", "public.membership_role", True, "'member'"),
            Column("created_at", "timestamptz", True, "now()"),
            Column("created_by", "uuid", False, "auth.uid()"),
        ],
        primary_key=["tenant_id", "user_id"],
        fks=[
            ForeignKey("tenant_memberships_tenant_id_fkey", ["tenant_id"], "public.tenants", ["id"], "cascade"),
            ForeignKey("tenant_memberships_user_id_fkey", ["user_id"], "public.profiles", ["id"], "cascade"),
            ForeignKey("tenant_memberships_created_by_fkey", ["created_by"], "public.profiles", ["id"], "set null"),
        ],
        indexes=[
            Index("tenant_memberships_user_id_tenant_id_idx", ["user_id", "tenant_id"]),
            Index("tenant_memberships_created_by_idx", ["created_by"]),
        ],
        rls_force=False,
        policies=[Policy("tenant_memberships_select_own_tenant", "select", ["authenticated"], using=TENANT)],
        grants=["select"],
        comment="Who belongs to which tenant, with which role.",
        ignore={
            "rls-not-forced": "private.current_tenant_id() reads memberships as the table owner; "
            "forced RLS would hide every membership from it."
        },
        index_ignore={
            "tenant_memberships_user_id_tenant_id_idx": {
                "index-not-tenant-first": "finds the caller's memberships, before any tenant is known."
            },
            "tenant_memberships_created_by_idx": user_key_ignore("created_by"),
        },
    )
    return [tenants, profiles, memberships]


def user_key_ignore(column: str) -> dict[str, str]:
    """Why the index of a key to profiles is led by that key, not by the tenant column."""
    return {
        "index-not-tenant-first": f"serves the foreign key to profiles; deleting a user looks up its rows "
        f"by {column} alone."
    }


def tenant_key(parent: Table) -> list[str]:
    """(tenant_id, id) of a tenant's table, made a unique key there so that keys from other tenant
    tables can include the tenant: a row then references only its own tenant's rows."""
    name = pg_name(parent.name, "tenant_id", "id", suffix="key")
    if all(n != name for n, _ in parent.uniques):
        parent.uniques.append((name, ["tenant_id", "id"]))
    return ["tenant_id", "id"]


def table_names(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """(module, table name, noun, singular) for `count` tables, modules in blocks."""
    per_module = max(4, min(len(NOUNS), -(-count // len(MODULES))))
    out = []
    modules = list(MODULES)
    while len(out) < count:
        for module in modules:
            nouns = rng.sample(NOUNS, per_module)
            for plural, singular in nouns:
                out.append((module, f"{module}_{plural}", plural, singular))
                if len(out) == count:
                    return out
        # More tables than module x noun pairs: a second generation of modules.
        modules = [f"{m}2" for m in modules]
    return out


def generate(n: int, defects: bool = True) -> Schema:
    if n < 10:
        raise ValueError("at least 10 tables")
    rng = random.Random(f"{SEED}-{n}")
    schema = Schema(n)
    schema.tables.extend(core_tables())
    names = table_names(rng, n - len(schema.tables))
    by_module: dict[str, list[Table]] = {}
    singular_of: dict[str, str] = {}
    defect_cycle = 0
    taken = {t.name for t in schema.tables}
    others: list[Table] = []  # entity tables (uuid key, not partitioned): possible parents
    parents_ok: set[int] = set()
    partitioned_every = 80

    for i, (module, name, noun, singular) in enumerate(names):
        defect = None
        if defects and i % DEFECT_EVERY == DEFECT_EVERY // 2:
            defect = DEFECT_KINDS[defect_cycle % len(DEFECT_KINDS)][0]
            defect_cycle += 1
        if i % partitioned_every == partitioned_every - 1 and defect is None and f"{module}_activity" not in taken:
            table = events_table(module, f"{module}_activity", partitioned=True)
        elif rng.random() < 0.05 and defect is None and f"{module}_{singular}_events" not in taken:
            table = events_table(module, f"{module}_{singular}_events", partitioned=False)
        else:
            earlier = [t for t in by_module.get(module, []) if id(t) in parents_ok]
            table = entity_table(rng, module, name, noun, singular, earlier, others, singular_of, defect)
            others.append(table)
            parents_ok.add(id(table))
        if defect:
            schema.defects.append(
                Defect(defect, DEFECT_RULES[defect], table.qname, in_spec=defect != "duplicate_index")
            )
        schema.tables.append(table)
        taken.add(table.name)
        by_module.setdefault(module, []).append(table)
        singular_of[table.name] = singular

    add_functions(schema, rng, defects)
    add_views(schema, rng)
    return schema


def audit_columns(
    rng: random.Random, table: Table, soft_delete: bool, updated: bool, created_by: bool, updated_by: bool
) -> None:
    table.columns.append(Column("created_at", "timestamptz", True, "now()"))
    if updated:
        table.columns.append(Column("updated_at", "timestamptz", True, "now()"))
    if created_by:
        table.columns.append(Column("created_by", "uuid", False, "auth.uid()"))
        table.fks.append(
            ForeignKey(
                pg_name(table.name, "created_by", suffix="fkey"), ["created_by"], "public.profiles", ["id"], "set null"
            )
        )
    if updated_by:
        table.columns.append(Column("updated_by", "uuid"))
        table.fks.append(
            ForeignKey(
                pg_name(table.name, "updated_by", suffix="fkey"), ["updated_by"], "public.profiles", ["id"], "set null"
            )
        )
    if soft_delete:
        table.columns.append(Column("deleted_at", "timestamptz"))
        table.soft_delete = True


def entity_table(
    rng: random.Random,
    module: str,
    name: str,
    noun: str,
    singular: str,
    earlier: list[Table],
    others: list[Table],
    singular_of: dict[str, str],
    defect: str | None,
) -> Table:
    owned = defect in ("initplan", "tenant_filter") or (defect is None and rng.random() < 0.12)
    soft_delete = defect == "soft_delete_filter" or rng.random() < 0.35
    table = Table(name, module)
    table.columns.append(Column("id", "uuid", True, "gen_random_uuid()"))
    table.columns.append(Column("tenant_id", "uuid", True))
    table.primary_key = ["id"]
    table.fks.append(
        ForeignKey(pg_name(name, "tenant_id", suffix="fkey"), ["tenant_id"], "public.tenants", ["id"], "cascade")
    )
    index_cols: list[list[str]] = []

    # Parents: mostly earlier tables of the same module.
    wanted = rng.choices([0, 1, 2, 3], weights=[20, 45, 28, 7])[0]
    if defect == "fk_unindexed":
        wanted = max(wanted, 1)
    parents: list[Table] = []
    for _ in range(wanted):
        pool = earlier if earlier and rng.random() < 0.8 else others
        if not pool:
            break
        parent = rng.choice(pool)
        if parent not in parents:
            parents.append(parent)
    used = {c.name for c in table.columns}
    for p, parent in enumerate(parents):
        col = f"{singular_of[parent.name]}_id"
        if col in used:
            col = f"{parent.name}_id"
        if col in used or len(col) > 40:
            continue
        used.add(col)
        not_null = rng.random() < 0.6
        table.columns.append(Column(col, "uuid", not_null))
        # No SET NULL: it would clear tenant_id too, which the key includes.
        on_delete = "cascade" if not_null and rng.random() < 0.7 else "restrict"
        table.fks.append(
            ForeignKey(
                pg_name(name, "tenant_id", col, suffix="fkey"),
                ["tenant_id", col],
                parent.qname,
                tenant_key(parent),
                on_delete,
            )
        )
        if not (defect == "fk_unindexed" and p == 0):
            index_cols.append(["tenant_id", col])
    if owned:
        table.columns.append(Column("owner_id", "uuid", True, "auth.uid()"))
        table.fks.append(
            ForeignKey(pg_name(name, "owner_id", suffix="fkey"), ["owner_id"], "public.profiles", ["id"], "cascade")
        )
        index_cols.append(["owner_id", "tenant_id"])
        table.index_ignore[pg_name(name, "owner_id", "tenant_id", suffix="idx")] = user_key_ignore("owner_id")

    # Data columns.
    for cname, ctype, not_null, default, check in rng.sample(DATA_COLUMNS, rng.randint(2, 5)):
        table.columns.append(Column(cname, ctype, not_null, default))
        if check:
            table.checks.append((pg_name(name, cname, suffix="check"), check))
        if cname == "code":
            table.uniques.append((pg_name(name, "tenant_id", "code", suffix="key"), ["tenant_id", "code"]))
    if rng.random() < 0.12:
        table.columns.append(Column(rng.choice(DATE_COLUMNS), "date"))
    if defect == "timestamp_no_tz":
        table.columns.append(Column("synced_at", "timestamp"))

    updated = rng.random() < 0.35
    created_by = rng.random() < 0.4
    updated_by = created_by and rng.random() < 0.3
    audit_columns(rng, table, soft_delete, updated, created_by, updated_by)
    for column, present in (("created_by", created_by), ("updated_by", updated_by)):
        if present:
            index_cols.append([column])
            table.index_ignore[pg_name(name, column, suffix="idx")] = user_key_ignore(column)

    for cols in index_cols:
        table.indexes.append(Index(pg_name(name, *cols, suffix="idx"), cols))
    if soft_delete:
        table.indexes.append(
            Index(
                pg_name(name, "tenant_id", "created_at", suffix="idx"),
                ["tenant_id", "created_at DESC"],
                where="deleted_at is null",
            )
        )
    elif (
        rng.random() < 0.4
        or defect == "duplicate_index"
        or not any(i.columns[0] == "tenant_id" for i in table.indexes)
        and not any(u[1][0] == "tenant_id" for u in table.uniques)
    ):
        table.indexes.append(
            Index(pg_name(name, "tenant_id", "created_at", suffix="idx"), ["tenant_id", "created_at DESC"])
        )
    if not any(i.columns[0] == "tenant_id" and i.where is None for i in table.indexes) and not any(
        u[1][0] == "tenant_id" for u in table.uniques
    ):
        # The key to tenants: deleting a tenant looks its rows up, which a partial index cannot serve.
        table.indexes.append(Index(pg_name(name, "tenant_id", suffix="idx"), ["tenant_id"]))
    if defect == "duplicate_index":
        first = table.indexes[0]
        table.indexes.append(
            Index(
                pg_name(name, *[c.split()[0] for c in first.columns], suffix="idx1"), list(first.columns), first.where
            )
        )
        table.spec_skip_indexes.add(table.indexes[-1].name)

    # Row level security and policies.
    if defect == "rls_disabled":
        table.rls_enable = table.rls_force = False
    elif defect == "not_forced":
        table.rls_force = False
    live = " and deleted_at is null" if soft_delete else ""
    read = TENANT + live
    if owned:
        read_owner = f"{TENANT} and {OWNER}{live}"
        if defect == "initplan":
            read_owner = f"{TENANT} and owner_id = auth.uid(){live}"
        if defect == "tenant_filter":
            read_owner = f"{OWNER}{live}"
        write_owner = f"{TENANT} and {OWNER}"
        table.policies += [
            Policy(f"{name}_select", "select", ["authenticated"], using=read_owner),
            Policy(f"{name}_insert", "insert", ["authenticated"], check=write_owner),
            Policy(
                f"{name}_update", "update", ["authenticated"], using=f"{TENANT} and {OWNER}{live}", check=write_owner
            ),
            Policy(f"{name}_delete", "delete", ["authenticated"], using=write_owner),
        ]
        table.grants = ["select", "insert", "update", "delete"]
    elif (
        defect != "rls_disabled"
        and rng.random() < 0.65
        and defect not in ("soft_delete_filter", "policy_no_role", "multiple_permissive")
    ):
        table.policies.append(Policy(f"{name}_tenant_isolation", "all", ["authenticated"], using=read, check=TENANT))
        table.grants = ["select", "insert", "update", "delete"]
    elif defect != "rls_disabled":
        select_using = TENANT if defect == "soft_delete_filter" else read
        roles = [] if defect == "policy_no_role" else ["authenticated"]
        table.policies += [
            Policy(f"{name}_select", "select", roles, using=select_using),
            Policy(f"{name}_insert", "insert", ["authenticated"], check=TENANT),
            Policy(f"{name}_update", "update", ["authenticated"], using=read, check=TENANT),
        ]
        table.grants = ["select", "insert", "update"]
        if rng.random() < 0.3:
            table.policies.append(Policy(f"{name}_delete", "delete", ["authenticated"], using=TENANT))
            table.grants.append("delete")
        if defect == "multiple_permissive":
            table.policies.append(
                Policy(
                    f"{name}_select_archived",
                    "select",
                    ["authenticated"],
                    using=f"{TENANT} and status = 'archived'{live}",
                )
            )
            if table.column("status") is None:
                table.columns.insert(2, Column("status", "public.record_status", True, "'active'"))
    else:
        table.grants = ["select"]

    if updated:
        table.triggers.append(Trigger(f"{name}_set_updated_at", "private.set_updated_at", ["update"]))
    if rng.random() < 0.8:
        # Supabase's default privileges already grant new tables in public to
        # authenticated: most hand-written schemas write grants only on some tables.
        table.grants = []
    if rng.random() < 0.55:
        template = rng.choice(COMMENTS)
        table.comment = template.format(
            noun=noun.replace("_", " "), Noun=noun.replace("_", " ").capitalize(), module=module
        )
    if rng.random() < 0.1:
        column = rng.choice(table.columns[2:])
        column.comment = f"{column.name.replace('_', ' ').capitalize()} of the {singular.replace('_', ' ')}."
    return table


def events_table(module: str, name: str, partitioned: bool) -> Table:
    """An append-only event log: insert and read only, a trigger rejects changes."""
    table = Table(name, module)
    if partitioned:
        table.columns.append(Column("id", "uuid", True, "gen_random_uuid()"))
    else:
        table.columns.append(Column("id", "bigint", True))  # identity, see render
    table.columns += [
        Column("tenant_id", "uuid", True),
        Column("actor_id", "uuid"),
        Column("kind", "text", True),
        Column("subject_id", "uuid"),
        Column("payload", "jsonb", True, "'{}'::jsonb"),
        Column("occurred_at", "timestamptz", True, "now()"),
    ]
    table.primary_key = ["id", "occurred_at"] if partitioned else ["id"]
    if partitioned:
        table.partition_years = (2024, 2027)
    table.fks += [
        ForeignKey(pg_name(name, "tenant_id", suffix="fkey"), ["tenant_id"], "public.tenants", ["id"], "cascade"),
        ForeignKey(pg_name(name, "actor_id", suffix="fkey"), ["actor_id"], "public.profiles", ["id"], "set null"),
    ]
    table.indexes += [
        Index(pg_name(name, "tenant_id", "occurred_at", suffix="idx"), ["tenant_id", "occurred_at DESC"]),
        Index(pg_name(name, "actor_id", suffix="idx"), ["actor_id"]),
        Index(pg_name(name, "tenant_id", "subject_id", suffix="idx"), ["tenant_id", "subject_id"]),
    ]
    table.policies += [
        Policy(f"{name}_select", "select", ["authenticated"], using=TENANT),
        Policy(f"{name}_insert", "insert", ["authenticated"], check=TENANT),
    ]
    table.triggers += [
        Trigger(f"{name}_append_only", "private.reject_mutation", ["update", "delete"]),
        Trigger(f"{name}_no_truncate", "private.reject_mutation", ["truncate"], level="statement"),
    ]
    table.index_ignore[pg_name(name, "actor_id", suffix="idx")] = user_key_ignore("actor_id")
    table.grants = ["select", "insert"]
    table.comment = f"append-only log of {module} activity" + (", partitioned by year." if partitioned else ".")
    return table


def add_functions(schema: Schema, rng: random.Random, defects: bool) -> None:
    schema.functions += [
        Function(
            "private.set_updated_at",
            [],
            "trigger",
            "plpgsql",
            "begin\n  new.updated_at := now();\n  return new;\nend;\n",
            search_path="''",
        ),
        Function(
            "private.reject_mutation",
            [],
            "trigger",
            "plpgsql",
            "begin\n  raise exception '% on %.% is not allowed: the table is append-only',\n"
            "    tg_op, tg_table_schema, tg_table_name\n    using errcode = 'insufficient_privilege';\nend;\n",
            search_path="''",
            comment="Guards append-only tables against UPDATE, DELETE and TRUNCATE, for every role.",
        ),
        Function(
            "private.current_tenant_id",
            [],
            "uuid",
            "sql",
            "select m.tenant_id\n  from public.tenant_memberships m\n where m.user_id = auth.uid()\n"
            "   and m.tenant_id = nullif(auth.jwt() -> 'app_metadata' ->> 'tenant_id', '')::uuid\n",
            volatility="stable",
            security_definer=True,
            search_path="''",
            revoke_from=["public", "anon"],
            grant_to=["authenticated"],
            reads_tables=True,
            comment="The caller's tenant, taken from the JWT and checked against their memberships.",
        ),
    ]
    # One reporting function per 100 tables, reading a table of its module.
    candidates = [t for t in schema.tables[3:] if t.column("amount") and t.partition_years is None]
    for t in candidates[: max(1, schema.n // 100)]:
        live = " and t.deleted_at is null" if t.soft_delete else ""
        schema.functions.append(
            Function(
                f"public.{t.name}_total",
                [("p_since", "timestamptz")],
                "numeric",
                "sql",
                f"select coalesce(sum(t.amount), 0)\n  from public.{t.name} t\n where t.created_at >= p_since{live}\n",
                volatility="stable",
                grant_to=["authenticated"],
                reads_tables=True,
                comment=f"Total amount of {t.name} since a date, for the caller's tenant (RLS applies).",
            )
        )
    if defects:
        fn = Function(
            "private.purge_deleted_rows",
            [("p_before", "timestamptz")],
            "bigint",
            "plpgsql",
            "declare\n  n bigint;\nbegin\n  delete from public.tenants where deleted_at < p_before;\n"
            "  get diagnostics n = row_count;\n  return n;\nend;\n",
            security_definer=True,
            revoke_from=["public", "anon"],
            spec_skip=True,
            comment="Removes tenants soft-deleted before a date; run by the nightly job.",
        )
        schema.functions.append(fn)
        schema.defects.append(Defect("secdef_search_path", ["security-definer-search-path"], fn.name, in_spec=False))


def add_views(schema: Schema, rng: random.Random) -> None:
    soft = [t for t in schema.tables[3:] if t.soft_delete and t.partition_years is None]
    for t in soft[: max(1, schema.n // 40)]:
        cols = ", ".join(f"t.{c.name}" for c in t.columns if c.name != "deleted_at")
        schema.views.append(
            View(
                f"public.{t.name}_live",
                f"select {cols}\n  from public.{t.name} t\n where t.deleted_at is null",
                f"{t.name} without soft-deleted rows.",
            )
        )
    events = [t for t in schema.tables if t.partition_years]
    source = events[0] if events else next(t for t in schema.tables if "append-only" in (t.comment or ""))
    for k in range(max(1, schema.n // 500)):
        name = f"private.activity_summary_{k + 1}"
        schema.matviews.append(
            MatView(
                name,
                f"select e.tenant_id,\n       e.kind,\n       count(*) as event_count,\n"
                f"       max(e.occurred_at) as last_event_at\n  from public.{source.name} e\n"
                f" group by e.tenant_id, e.kind",
                [
                    Index(
                        pg_name(name.split(".")[1], "tenant_id", "kind", suffix="idx"),
                        ["tenant_id", "kind"],
                        unique=True,
                    )
                ],
                "Per-tenant activity counts; private because materialized views bypass RLS.",
            )
        )


# ------------------------------------------------------------------ the second side

MUTATE_SHARE = 0.10  # the share of objects changed by mutate()

# Columns whose names the generated policies, checks, triggers, views and
# functions use: mutate() changes only their comments.
_STRUCTURAL = {
    "id",
    "tenant_id",
    "owner_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "created_by",
    "updated_by",
    "status",
    "amount",
    "quantity",
    "code",
    "occurred_at",
    "kind",
    "actor_id",
    "subject_id",
    "payload",
}
_WIDER_TYPE = {
    "text": "varchar(200)",
    "integer": "bigint",
    "double precision": "numeric",
    "char(3)": "varchar(3)",
    "date": "timestamptz",
}
_NEW_DEFAULT = {"text": "''", "integer": "0", "boolean": "false", "double precision": "0"}


def _short(name: str, suffix: str) -> str:
    """``name`` with ``suffix`` appended, cut to 63 bytes."""
    return name[: 63 - len(suffix)] + suffix


def _referenced_columns(t: Table) -> set[str]:
    used = set(t.primary_key)
    for _, cols in t.uniques:
        used.update(cols)
    for fk in t.fks:
        used.update(fk.columns)
    for index in t.indexes:
        used.update(c.split()[0] for c in index.columns)
    text = " ".join(
        [e for _, e in t.checks]
        + [p.using or "" for p in t.policies]
        + [p.check or "" for p in t.policies]
        + [i.where or "" for i in t.indexes]
    )
    used.update(c.name for c in t.columns if c.name in text.replace("(", " ").replace(")", " ").split())
    return used | (_STRUCTURAL & {c.name for c in t.columns})


def mutate(schema: Schema, seed: int, share: float = MUTATE_SHARE, peer_safe: bool = False) -> dict[str, int]:
    """Change about ``share`` of the objects of ``schema`` in place: the other
    side of a diff benchmark. Deterministic for a given (N, seed).

    Each column, index, policy and trigger, and each table's own settings,
    is changed with probability ``share``: columns dropped, renamed, retyped
    (widened), made NOT NULL or nullable, given or stripped of a default, or
    commented; indexes dropped, renamed or redefined (sort order, partial
    predicate); policies dropped, renamed, given another expression or other
    roles; triggers dropped; tables commented, granted, checked, RLS-forced
    or not, given a new column or a new index. About 1% of the tables are
    dropped (ones nothing else refers to) and as many added, with one new
    partitioned table per 500; views over changed columns are rewritten, a
    tenth of the SQL functions get another body, and an enum gains a value.
    Columns that policies, checks, keys, indexes and triggers use keep their
    names and types (only their comments change), so side B stays valid SQL.

    ``peer_safe`` leaves out the changes migra cannot handle: no enum value
    is added (migra recreates the type, and its script fails on a column
    that it drops later), and no partitioned table is added (schemainspect
    raises NotImplementedError on a new partition's ENABLE ROW LEVEL
    SECURITY; without it, migra's script fails on the new table's primary
    key: ``index "..._pkey" is not valid``). Everything else is the same.

    Returns the number of changes of each kind (``"objects"``: how many
    objects side A has, to put the changes in proportion).
    """
    rng = random.Random(f"{SEED}-{schema.n}-mutate-{seed}")
    counts: dict[str, int] = {}

    def count(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    objects = len(schema.tables) + len(schema.views) + len(schema.functions) + len(schema.matviews)
    for t in schema.tables:
        objects += (
            len(t.columns)
            + len(t.indexes)
            + len(t.policies)
            + len(t.triggers)
            + len(t.fks)
            + len(t.checks)
            + len(t.uniques)
            + 1
        )  # + the primary key
    counts["objects"] = objects

    # Tables nothing refers to may be dropped.
    referenced = {fk.table for t in schema.tables for fk in t.fks}
    read_by = " ".join(
        [v.query for v in schema.views] + [m.query for m in schema.matviews] + [f.body for f in schema.functions]
    )
    droppable = [
        t
        for t in schema.tables[3:]
        if t.qname not in referenced and f"public.{t.name} " not in read_by and not t.partition_years
    ]
    dropped = set(t.name for t in rng.sample(droppable, min(len(droppable), max(1, len(schema.tables) // 100))))
    schema.tables = [t for t in schema.tables if t.name not in dropped]
    counts["table dropped"] = len(dropped)

    viewed = {v.query.split("from public.", 1)[1].split()[0]: v for v in schema.views}
    for t in schema.tables[3:]:
        used = _referenced_columns(t)
        renamed: dict[str, str] = {}
        # Columns.
        for c in list(t.columns):
            if rng.random() >= share:
                continue
            if c.name in used:
                c.comment = f"{c.name.replace('_', ' ').capitalize()}, as changed on side B."
                count("column comment")
                continue
            kind = rng.choice(["drop", "rename", "type", "null", "default", "comment"])
            if kind == "type" and c.type not in _WIDER_TYPE:
                kind = "null"
            if kind == "default" and c.default is None and c.type not in _NEW_DEFAULT:
                kind = "comment"
            if kind == "drop":
                t.columns.remove(c)
                renamed[c.name] = ""
            elif kind == "rename":
                new = _short(c.name, "_b")
                renamed[c.name] = new
                c.name = new
            elif kind == "type":
                c.type = _WIDER_TYPE[c.type]
            elif kind == "null":
                c.not_null = not c.not_null
            elif kind == "default":
                c.default = None if c.default is not None else _NEW_DEFAULT[c.type]
            else:
                c.comment = f"{c.name.replace('_', ' ').capitalize()}, as changed on side B."
            count(f"column {kind}")
        # Indexes.
        for index in list(t.indexes):
            if rng.random() >= share or index.name in t.index_ignore or index.name in t.spec_skip_indexes:
                continue
            kind = rng.choice(["drop", "rename", "redefine"])
            if kind == "drop":
                t.indexes.remove(index)
            elif kind == "rename":
                index.name = _short(index.name, "_b")
            elif t.soft_delete and index.where is None and not t.partition_years:
                index.where = "deleted_at is null"
            else:
                last = index.columns[-1]
                index.columns[-1] = last[: -len(" DESC")] if last.endswith(" DESC") else f"{last} DESC"
            count(f"index {kind}")
        # Policies.
        for p in list(t.policies):
            if rng.random() >= share:
                continue
            kind = rng.choice(["drop", "rename", "expression", "roles"])
            if kind == "drop":
                t.policies.remove(p)
            elif kind == "rename":
                p.name = _short(p.name, "_b")
            elif kind == "expression":
                if p.using:
                    p.using += " and tenant_id is not null"
                else:
                    p.check = f"{p.check} and tenant_id is not null"
            else:
                p.roles = ["authenticated", "service_role"]
            count(f"policy {kind}")
        # Triggers.
        for tr in list(t.triggers):
            if rng.random() < share and tr.function == "private.set_updated_at":
                t.triggers.remove(tr)
                count("trigger drop")
        # The table's own settings, and what is added to it.
        if rng.random() < share:
            kind = rng.choice(["comment", "grant", "check", "rls", "column", "index"])
            free = [c for c in t.columns if c.name not in used and c.type in ("text", "integer", "date")]
            if kind == "index" and not free or kind == "rls" and not t.rls_enable:
                kind = "column"
            if kind == "check" and t.column("created_at") is None:
                kind = "comment"
            if kind == "comment":
                t.comment = None if t.comment else f"{t.name.replace('_', ' ').capitalize()}, commented on side B."
            elif kind == "grant":
                t.grants = [] if t.grants else ["select"]
            elif kind == "check":
                name = pg_name(t.name, "created_at", suffix="check")
                if all(name != n for n, _ in t.checks):
                    t.checks.append((name, "created_at >= '2020-01-01 00:00:00+00'::timestamptz"))
            elif kind == "rls":
                t.rls_force = not t.rls_force
            elif kind == "column":
                t.columns.append(
                    Column("external_id", "text")
                    if t.column("external_id") is None
                    else Column("archived_at", "timestamptz")
                )
            else:
                col = rng.choice(free).name
                name = pg_name(t.name, "tenant_id", col, suffix="idx")
                if all(i.name != name for i in t.indexes):
                    t.indexes.append(Index(name, ["tenant_id", col]))
            count(f"table {kind}")
        # A view over a changed column follows it.
        view = viewed.get(t.name)
        if view is not None and renamed:
            cols = ", ".join(f"t.{c.name}" for c in t.columns if c.name != "deleted_at")
            view.query = f"select {cols}\n  from public.{t.name} t\n where t.deleted_at is null"
            count("view redefined")

    # Functions: another body for a tenth of those that read a table.
    for f in schema.functions:
        if f.name.endswith("_total") and rng.random() < share:
            f.body += "   and t.amount > 0\n"
            count("function body")

    # New tables: entity tables of a new module, and partitioned event logs.
    entities = [
        t
        for t in schema.tables[3:]
        if t.partition_years is None and t.column("id").type == "uuid" and not t.name.endswith("_events")
    ]
    singular_of = {t.name: t.name.split("_", 1)[1].rstrip("s") for t in entities}
    taken = {t.name for t in schema.tables}
    added: list[Table] = []
    for plural, singular in rng.sample(NOUNS, min(len(NOUNS), max(1, schema.n // 100))):
        name = f"extra_{plural}"
        if name not in taken:
            table = entity_table(rng, "extra", name, plural, singular, added, entities, singular_of, None)
            singular_of[name] = singular
            added.append(table)
    for k in range(0 if peer_safe else max(1, schema.n // 500)):
        added.append(events_table("extra", f"extra_activity_{k + 1}", partitioned=True))
    schema.tables.extend(added)
    counts["table added"] = len(added)

    # An enum gains a value (ALTER TYPE ... ADD VALUE).
    if not peer_safe:
        schema.enums["priority_level"] = [*schema.enums["priority_level"], "critical"]
        counts["enum value added"] = 1
    return counts


# ------------------------------------------------------------------- SQL renderer


def q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def roles_sql(roles: list[str]) -> str:
    return ", ".join("PUBLIC" if r == "public" else r for r in roles)


def suppression_lines(ignores: dict[str, str]) -> list[str]:
    return [f"-- schemac: ignore[{rule}] {reason}" for rule, reason in ignores.items()]


def render_sql(schema: Schema) -> str:
    out: list[str] = [
        f"-- Synthetic multi-tenant schema: {schema.n} tables (bench/generate.py, seed {SEED!r}).",
        "-- Supabase-style: auth.uid(), auth.jwt() and the roles anon / authenticated exist.",
        "",
        "CREATE SCHEMA private;",
        "",
        "COMMENT ON SCHEMA private IS 'Internal helpers; not exposed through the API.';",
        "",
    ]
    for name, values in schema.enums.items():
        out += [f"CREATE TYPE public.{name} AS ENUM ({', '.join(q(v) for v in values)});", ""]
    functions = {f.name: f for f in schema.functions}
    for f in schema.functions:
        if not f.reads_tables:
            out += render_function(f)
    # The core tables first, then the function their policies (and all others) call.
    core = [render_table_parts(t) for t in schema.tables[:3]]
    for structure, _ in core:
        out += structure
    out += render_function(functions["private.current_tenant_id"])
    for _, security in core:
        out += security
    for table in schema.tables[3:]:
        out += render_table(table)
    out.append("-- Views, functions and materialized views " + "-" * 36)
    out.append("")
    for f in schema.functions:
        if f.reads_tables and f.name != "private.current_tenant_id":
            out += render_function(f)
    for v in schema.views:
        out += [
            f"CREATE VIEW {v.name} WITH (security_invoker = true) AS",
            v.query + ";",
            "",
            f"COMMENT ON VIEW {v.name} IS {q(v.comment)};",
            "",
            f"GRANT SELECT ON TABLE {v.name} TO authenticated;",
            "",
        ]
    for m in schema.matviews:
        out += [f"CREATE MATERIALIZED VIEW {m.name} AS", m.query + ";", ""]
        for index in m.indexes:
            out += render_index(index, m.name)
        out += [f"COMMENT ON MATERIALIZED VIEW {m.name} IS {q(m.comment)};", ""]
    out += ["GRANT USAGE ON SCHEMA private TO authenticated;", ""]
    return "\n".join(out)


def render_function(f: Function) -> list[str]:
    args = ", ".join(f"{n} {t}" for n, t in f.args)
    lines = [f"CREATE FUNCTION {f.name}({args})", f"RETURNS {f.returns}", f"LANGUAGE {f.language}"]
    if f.volatility:
        lines.append(f.volatility.upper())
    if f.security_definer:
        lines.append("SECURITY DEFINER")
    if f.search_path is not None:
        lines.append(f"SET search_path = {f.search_path}")
    lines += ["AS $function$", f.body.rstrip("\n"), "$function$;", ""]
    sig = f"{f.name}({', '.join(t for _, t in f.args)})"
    if f.comment:
        lines += [f"COMMENT ON FUNCTION {sig} IS {q(f.comment)};", ""]
    if f.revoke_from:
        lines += [f"REVOKE EXECUTE ON FUNCTION {sig} FROM {roles_sql(f.revoke_from)};", ""]
    if f.grant_to:
        lines += [f"GRANT EXECUTE ON FUNCTION {sig} TO {roles_sql(f.grant_to)};", ""]
    return lines


def render_index(index: Index, on: str) -> list[str]:
    unique = "UNIQUE " if index.unique else ""
    lines = [f"CREATE {unique}INDEX {index.name}", f"    ON {on} ({', '.join(index.columns)})"]
    if index.where:
        lines.append(f"    WHERE {index.where}")
    lines[-1] += ";"
    return lines + [""]


def render_table(t: Table) -> list[str]:
    structure, security = render_table_parts(t)
    return structure + security


def render_table_parts(t: Table) -> tuple[list[str], list[str]]:
    """(the table, its comments, partitions and indexes; its RLS, policies,
    triggers and grants)."""
    out = [f"-- {t.module}: {t.name}", ""]
    out += suppression_lines(t.ignore)
    width_name = max(len(c.name) for c in t.columns)
    width_type = max(len(c.type) for c in t.columns)
    # Single-column keys and foreign keys inline, as people write them by hand
    # (PostgreSQL names them <table>_pkey and <table>_<column>_fkey).
    inline_pk = t.primary_key[0] if len(t.primary_key) == 1 else None
    inline_fks = {fk.columns[0]: fk for fk in t.fks if len(fk.columns) == 1}
    body = []
    for c in t.columns:
        parts = [c.name.ljust(width_name), c.type.ljust(width_type)]
        if c.name == "id" and c.type == "bigint":
            parts.append("GENERATED ALWAYS AS IDENTITY")
        elif c.not_null and c.name != inline_pk:
            parts.append("NOT NULL")
        if c.default is not None:
            parts.append(f"DEFAULT {c.default}")
        if c.name == inline_pk:
            parts.append("PRIMARY KEY")
        fk = inline_fks.get(c.name)
        if fk is not None:
            parts.append(f"REFERENCES {fk.table} ({fk.ref_columns[0]})")
            if fk.on_delete:
                parts.append(f"ON DELETE {fk.on_delete.upper()}")
        body.append(" ".join(parts).rstrip())
    if inline_pk is None:
        body.append(f"CONSTRAINT {t.name}_pkey PRIMARY KEY ({', '.join(t.primary_key)})")
    for name, cols in t.uniques:
        body.append(f"CONSTRAINT {name} UNIQUE ({', '.join(cols)})")
    for name, expr in t.checks:
        body.append(f"CONSTRAINT {name} CHECK ({expr})")
    for fk in t.fks:
        if len(fk.columns) > 1:
            action = f" ON DELETE {fk.on_delete.upper()}" if fk.on_delete else ""
            body.append(
                f"CONSTRAINT {fk.name} FOREIGN KEY ({', '.join(fk.columns)}) "
                f"REFERENCES {fk.table} ({', '.join(fk.ref_columns)}){action}"
            )
    tail = " PARTITION BY RANGE (occurred_at);" if t.partition_years else ";"
    out += [f"CREATE TABLE {t.qname} (", ",\n".join("    " + b for b in body), ")" + tail, ""]
    if t.comment:
        out += [f"COMMENT ON TABLE {t.qname} IS {q(t.comment)};", ""]
    for c in t.columns:
        if c.comment:
            out += [f"COMMENT ON COLUMN {t.qname}.{c.name} IS {q(c.comment)};", ""]
    partitions = []
    if t.partition_years:
        start, until = t.partition_years
        for year in range(start, until + 1):
            part = f"public.{t.name}_{year}"
            partitions.append(part)
            out += [
                f"CREATE TABLE {part} PARTITION OF {t.qname}",
                f"    FOR VALUES FROM ('{year}-01-01 00:00:00+00') TO ('{year + 1}-01-01 00:00:00+00');",
                "",
            ]
        partitions.append(f"public.{t.name}_default")
        out += [f"CREATE TABLE public.{t.name}_default PARTITION OF {t.qname} DEFAULT;", ""]
    for index in t.indexes:
        out += suppression_lines(t.index_ignore.get(index.name, {}))
        out += render_index(index, t.qname)
    structure, out = out, []
    for target in [t.qname, *partitions]:
        if t.rls_enable and target != t.qname:
            out += suppression_lines(
                {
                    "rls-no-policy": f"reached through {t.qname}, under its policies; "
                    "a query naming the partition is denied."
                }
            )
        if t.rls_enable:
            out.append(f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY;")
        if t.rls_force:
            out.append(f"ALTER TABLE {target} FORCE ROW LEVEL SECURITY;")
        if t.rls_enable:
            out.append("")
    for p in t.policies:
        lines = [f"CREATE POLICY {p.name} ON {t.qname}", f"    FOR {p.command.upper()}"]
        if p.roles:
            lines.append(f"    TO {roles_sql(p.roles)}")
        if p.using:
            lines.append(f"    USING ({p.using})")
        if p.check:
            lines.append(f"    WITH CHECK ({p.check})")
        lines[-1] += ";"
        out += lines + [""]
    for tr in t.triggers:
        level = "ROW" if tr.level == "row" else "STATEMENT"
        out += [
            f"CREATE TRIGGER {tr.name}",
            f"    BEFORE {' OR '.join(e.upper() for e in tr.events)}",
            f"    ON {t.qname}",
            f"    FOR EACH {level}",
            f"    EXECUTE FUNCTION {tr.function}();",
            "",
        ]
    if t.grants:
        out += [f"GRANT {', '.join(g.upper() for g in t.grants)} ON TABLE {t.qname} TO authenticated;", ""]
    return structure, out


# ------------------------------------------------------------------ spec renderer


def spec_index(index: Index, table: str) -> dict:
    cols = [c.replace(" DESC", " desc") for c in index.columns]
    entry: dict = {"columns": cols}
    default = pg_name(table, *[c.split()[0] for c in index.columns], suffix="idx")
    if index.name != default or len(default) > 63:
        entry["name"] = index.name
    if index.unique:
        entry["unique"] = True
    if index.where:
        entry["where"] = index.where
    return entry


def spec_table(t: Table) -> dict:
    spec: dict = {}
    if t.comment:
        spec["comment"] = t.comment
    columns: dict = {}
    single_fks = {fk.columns[0]: fk for fk in t.fks if len(fk.columns) == 1}
    for c in t.columns:
        col: dict = {"type": c.type.removeprefix("public.")}
        if c.name == "id" and c.type == "bigint":
            col["identity"] = "always"
        if t.primary_key == [c.name]:
            col["primary_key"] = True
        elif c.not_null:
            col["not_null"] = True
        if c.default is not None and not (c.name == "id" and c.type == "bigint"):
            col["default"] = c.default
        fk = single_fks.get(c.name)
        if fk is not None:
            target = fk.table.removeprefix("public.")
            if fk.name == f"{t.name}_{c.name}_fkey":
                col["references"] = f"{target}.{fk.ref_columns[0]}"
                if fk.on_delete:
                    col["on_delete"] = fk.on_delete
            else:
                ref = {"table": target, "column": fk.ref_columns[0], "name": fk.name}
                if fk.on_delete:
                    ref["on_delete"] = fk.on_delete
                col["references"] = ref
        if c.comment:
            col["comment"] = c.comment
        columns[c.name] = col if len(col) > 1 else col["type"]
    spec["columns"] = columns
    composite = [fk for fk in t.fks if len(fk.columns) > 1]
    if composite:
        spec["foreign_keys"] = [
            {
                "columns": list(fk.columns),
                "references": {"table": fk.table.removeprefix("public."), "columns": list(fk.ref_columns)},
                **({"on_delete": fk.on_delete} if fk.on_delete else {}),
                "name": fk.name,
            }
            for fk in composite
        ]
    if len(t.primary_key) > 1:
        spec["primary_key"] = list(t.primary_key)
    if t.uniques:
        spec["unique"] = [
            {"columns": cols, "name": name} if name != pg_name(t.name, *cols, suffix="key") else cols
            for name, cols in t.uniques
        ]
    if t.checks:
        spec["checks"] = {name: expr for name, expr in t.checks}
    if t.partition_years:
        start, until = t.partition_years
        spec["partition"] = {
            "by": "range",
            "column": "occurred_at",
            "interval": "year",
            "start": str(start),
            "until": str(until),
            "default": True,
        }
    indexes = []
    for index in t.indexes:
        if index.name in t.spec_skip_indexes:
            continue
        entry = spec_index(index, t.name)
        if index.name in t.index_ignore:
            entry["ignore"] = dict(t.index_ignore[index.name])
        indexes.append(entry)
    if indexes:
        spec["indexes"] = indexes
    if t.rls_enable:
        spec["rls"] = True if t.rls_force else {"enable": True, "force": False}
    if t.ignore:
        spec["ignore"] = dict(t.ignore)
    if t.policies:
        policies = {}
        for p in t.policies:
            entry: dict = {"command": p.command}
            if p.roles:
                entry["roles"] = list(p.roles)
            if p.using:
                entry["using"] = p.using
            if p.check:
                entry["with_check"] = p.check
            policies[p.name] = entry
        spec["policies"] = policies
    if t.triggers:
        triggers = {}
        for tr in t.triggers:
            entry = {"function": tr.function, "timing": "before", "events": list(tr.events)}
            if tr.level != "row":
                entry["level"] = tr.level
            triggers[tr.name] = entry
        spec["triggers"] = triggers
    if t.grants:
        spec["grants"] = [{"to": "authenticated", "privileges": list(t.grants)}]
    return spec


def spec_function(f: Function) -> dict:
    spec: dict = {"returns": f.returns, "language": f.language}
    if f.args:
        spec["args"] = [{"name": n, "type": t} for n, t in f.args]
    if f.volatility:
        spec["volatility"] = f.volatility
    if f.security_definer:
        spec["security_definer"] = True
    if f.search_path is not None:
        spec["search_path"] = "" if f.search_path == "''" else f.search_path
    spec["body"] = f.body
    if f.revoke_from:
        spec["revokes"] = [{"from": list(f.revoke_from), "privileges": ["execute"]}]
    if f.grant_to:
        spec["grants"] = [{"to": list(f.grant_to), "privileges": ["execute"]}]
    if f.comment:
        spec["comment"] = f.comment
    return spec


def render_spec(schema: Schema) -> str:
    spec: dict = {
        "version": 1,
        "target": {"postgres": 15, "flavor": "supabase"},
        "schemas": {
            "public": {"exposed": True},
            "private": {
                "comment": "Internal helpers; not exposed through the API.",
                "grants": [{"to": "authenticated", "privileges": ["usage"]}],
            },
        },
        "enums": {name: list(values) for name, values in schema.enums.items()},
        "functions": {f.name: spec_function(f) for f in schema.functions if not f.spec_skip},
        "tables": {t.name: spec_table(t) for t in schema.tables},
    }
    if schema.views:
        spec["views"] = {
            v.name.removeprefix("public."): {
                "security_invoker": True,
                "query": v.query + "\n",
                "grants": [{"to": "authenticated", "privileges": ["select"]}],
                "comment": v.comment,
            }
            for v in schema.views
        }
    if schema.matviews:
        spec["materialized_views"] = {
            m.name: {
                "query": m.query + "\n",
                "indexes": [spec_index(i, m.name.split(".")[1]) for i in m.indexes],
                "comment": m.comment,
            }
            for m in schema.matviews
        }
    header = (
        f"# Synthetic multi-tenant schema: {schema.n} tables (bench/generate.py, seed {SEED!r}).\n"
        f"# The same schema as schema_{schema.n}.sql; compile it with `schemac build --spec FILE`.\n"
    )
    return header + yaml.dump(
        spec, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=120, allow_unicode=True
    )


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


# ----------------------------------------------------------------------- outputs


def expected(schema: Schema) -> dict:
    counts: dict[str, int] = {}
    for d in schema.defects:
        for rule in d.rules:
            counts[rule] = counts.get(rule, 0) + 1
    return {
        "tables": schema.n,
        "defects": [
            {"kind": d.kind, "rules": d.rules, "object": d.object, "in_spec": d.in_spec} for d in schema.defects
        ],
        "expected_rule_counts": dict(sorted(counts.items())),
    }


def write(
    n: int, out: Path, defects: bool = True, mutate_seed: int | None = None, peer_safe: bool = False
) -> dict[str, Path]:
    """Write schema_N.sql, .yaml and .expected.json; with ``mutate_seed``, the
    changed side instead: schema_N_bSEED.sql, .yaml and .changes.json (the
    changes made, by kind); ``peer_safe``: see :func:`mutate`
    (schema_N_bSEEDp.*)."""
    schema = generate(n, defects)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"schema_{n}" if mutate_seed is None else f"schema_{n}_b{mutate_seed}{'p' if peer_safe else ''}"
    paths = {"sql": out / f"{stem}.sql", "yaml": out / f"{stem}.yaml"}
    if mutate_seed is None:
        paths["expected"] = out / f"{stem}.expected.json"
        report = expected(schema)
    else:
        paths["changes"] = out / f"{stem}.changes.json"
        report = mutate(schema, mutate_seed, peer_safe=peer_safe)
    paths["sql"].write_text(render_sql(schema), encoding="utf-8")
    paths["yaml"].write_text(render_spec(schema), encoding="utf-8")
    next(p for k, p in paths.items() if k in ("expected", "changes")).write_text(
        json.dumps(report, indent=2) + "\n", encoding="utf-8"
    )
    return paths


def sql_stats(path: Path) -> tuple[int, int]:
    """(statements, bytes) of a SQL file, counted by pglast's splitter."""
    from pglast import split

    text = path.read_text(encoding="utf-8")
    return len(split(text, with_parser=False)), len(text.encode("utf-8"))


def check_pg(sql_path: Path) -> None:
    """Apply the SQL, after schemac's Supabase stand-in, to a throwaway PostgreSQL."""
    import psycopg

    from schemac.devdb import Cluster

    standin = Path(__file__).resolve().parent.parent / "templates" / "supabase_standin.sql"
    with Cluster() as cluster:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(standin.read_text(encoding="utf-8"))
            with conn.transaction():
                conn.execute(sql_path.read_text(encoding="utf-8"))
            count = conn.execute(
                "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = 'public' and c.relkind in ('r', 'p')"
            ).fetchone()[0]
            policies = conn.execute("select count(*) from pg_policies where schemaname = 'public'").fetchone()[0]
    print(f"  applied {sql_path.name} to PostgreSQL: {count} tables (partitions included), {policies} policies")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tables", type=int, nargs="+", default=[100, 500, 2000], metavar="N")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--no-defects", action="store_true", help="leave out the planted mistakes")
    parser.add_argument(
        "--mutate",
        type=int,
        metavar="SEED",
        help="write the other side of a diff benchmark instead: the schema with about 10%% of its "
        "objects changed (schema_N_bSEED.sql/.yaml/.changes.json)",
    )
    parser.add_argument(
        "--check-pg",
        action="store_true",
        help="apply each SQL file to a throwaway PostgreSQL (schemac.devdb) to prove it valid",
    )
    args = parser.parse_args(argv)
    for n in args.tables:
        paths = write(n, args.out, defects=not args.no_defects, mutate_seed=args.mutate)
        statements, size = sql_stats(paths["sql"])
        print(f"{n:>6} tables: {paths['sql']} ({statements} statements, {size / 1e6:.2f} MB), {paths['yaml']}")
        if args.check_pg:
            check_pg(paths["sql"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
