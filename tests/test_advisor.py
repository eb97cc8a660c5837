"""What Supabase's database advisor checks, asked of a live catalog with queries written here.

The reference schema, the ``schemac init`` templates and bench/'s generated
schema are applied to PostgreSQL (after the Supabase stand-in) and must give
none of these findings:

- a foreign key whose columns do not lead a full index of its table, in any
  order (partitions included: each has its own copy of the key);
- a table or partition in an exposed schema without row level security;
- a policy calling ``auth.uid()``, ``auth.jwt()``, ``auth.role()``,
  ``auth.email()`` or ``current_setting()`` other than as ``(select ...)``,
  so once per row instead of once per statement;
- a SECURITY DEFINER function without ``search_path``;
- two indexes of one table on the same keys, classes, collations, order,
  expressions and predicate;
- two permissive policies for one table, role and command.

``schemac lint`` (fk-unindexed) and the catalog must name the same foreign
keys, on those schemas and on one written to have both kinds.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schemac.lint import lint_sql
from schemac.pipeline import compile_file, compile_text, lint_config
from schemac.starters import TEMPLATES, template_text
from schemac.supabase import install_standin
from schemac.testing.checks import PLATFORM_SCHEMAS

ROOT = Path(__file__).parents[1]

UNINDEXED_FOREIGN_KEYS = """
SELECT t.relispartition, c.conrelid::regclass::text,
       (SELECT string_agg(a.attname, ', ' ORDER BY k.i)
          FROM unnest(c.conkey) WITH ORDINALITY k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE c.contype = 'f' AND n.nspname <> ALL (%(platform)s)
   AND NOT EXISTS (
       SELECT FROM pg_index i
        WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
          AND (SELECT array_agg(k ORDER BY k)
                 FROM unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)]) k)
            = (SELECT array_agg(k ORDER BY k) FROM unnest(c.conkey) k))
 ORDER BY 2, 3
"""

RLS_DISABLED = """
SELECT c.oid::regclass::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (%(exposed)s) AND NOT c.relrowsecurity
 ORDER BY 1
"""

POLICY_EXPRESSIONS = """
SELECT p.polrelid::regclass::text, p.polname, e.expr
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (VALUES (pg_get_expr(p.polqual, p.polrelid)),
                             (pg_get_expr(p.polwithcheck, p.polrelid))) e(expr)
 WHERE n.nspname <> ALL (%(platform)s) AND e.expr IS NOT NULL
"""

DEFINER_WITHOUT_SEARCH_PATH = """
SELECT p.oid::regprocedure::text
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.prosecdef AND n.nspname <> ALL (%(platform)s) AND n.nspname NOT LIKE 'pg\\_%%'
   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) s WHERE s LIKE 'search\\_path=%%')
 ORDER BY 1
"""

DUPLICATE_INDEXES = """
SELECT i.indrelid::regclass::text, array_agg(i.indexrelid::regclass::text ORDER BY 1)
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname <> ALL (%(platform)s)
 GROUP BY i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
          coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
HAVING count(*) > 1
"""

MULTIPLE_PERMISSIVE = """
SELECT p.polrelid::regclass::text, r.role, cmd.cmd, array_agg(p.polname ORDER BY p.polname)
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL unnest(CASE WHEN p.polroles = '{0}' THEN ARRAY['public']::name[]
                                 ELSE (SELECT array_agg(rolname) FROM pg_roles WHERE oid = ANY (p.polroles))
                            END) r(role)
  CROSS JOIN LATERAL unnest(CASE p.polcmd WHEN '*' THEN ARRAY['r', 'a', 'w', 'd']
                                 ELSE ARRAY[p.polcmd::text] END) cmd(cmd)
 WHERE p.polpermissive AND n.nspname <> ALL (%(platform)s)
 GROUP BY 1, 2, 3
HAVING count(*) > 1
"""

# A call of one of these in a policy runs once per row unless it is the whole of a scalar subquery.
PER_ROW_CALL = re.compile(r"\b(auth\.(?:uid|jwt|role|email)|current_setting)\s*\(")
WRAPPED = re.compile(r"\(\s*SELECT\s+$", re.IGNORECASE)


def per_row_calls(expression: str) -> list[str]:
    return [m.group(1) for m in PER_ROW_CALL.finditer(expression) if not WRAPPED.search(expression[: m.start()])]


def advisor_findings(conn: psycopg.Connection, exposed: list[str]) -> dict[str, list]:
    params = {"platform": list(PLATFORM_SCHEMAS), "exposed": exposed}
    rows = lambda query: conn.execute(query, params).fetchall()  # noqa: E731
    return {
        "unindexed foreign key": [f"{table}({columns})" for _, table, columns in rows(UNINDEXED_FOREIGN_KEYS)],
        "RLS disabled in an exposed schema": [table for (table,) in rows(RLS_DISABLED)],
        "auth call per row in a policy": [
            f"{policy} on {table}: {', '.join(calls)}"
            for table, policy, expr in rows(POLICY_EXPRESSIONS)
            if (calls := per_row_calls(expr))
        ],
        "SECURITY DEFINER without search_path": [f for (f,) in rows(DEFINER_WITHOUT_SEARCH_PATH)],
        "duplicate index": [f"{table}: {', '.join(names)}" for table, names in rows(DUPLICATE_INDEXES)],
        "multiple permissive policies": [
            f"{table} {role} {cmd}: {', '.join(names)}" for table, role, cmd, names in rows(MULTIPLE_PERMISSIVE)
        ],
    }


def unindexed_on_tables(conn: psycopg.Connection) -> set[str]:
    """The catalog's unindexed foreign keys of tables (partitions have their parent's), as lint labels them."""
    out = set()
    for partition, table, columns in conn.execute(UNINDEXED_FOREIGN_KEYS, {"platform": list(PLATFORM_SCHEMAS)}):
        if not partition:
            out.add(f"{table.removeprefix('public.')}({columns})")
    return out


LINTED_KEY = re.compile(r"^foreign key (\S+\(.*?\)) -> ")


def linted_unindexed(sql: str, config=None) -> set[str]:
    kwargs = {} if config is None else {"config": config}
    return {
        LINTED_KEY.match(f.message).group(1) for f in lint_sql(sql, "schema.sql", **kwargs) if f.name == "fk-unindexed"
    }


def _bench_sql() -> str:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.render_sql(module.generate(100, defects=False))


def _schemas():
    compiled = compile_file(ROOT / "schema.yaml")
    yield pytest.param(compiled.sql, lint_config(compiled), id="reference")
    for name in sorted(TEMPLATES):
        compiled = compile_text(template_text(name), f"{name}.yaml")
        if compiled.catalog.distributions:
            # Needs a Citus cluster; tests/test_init.py applies it on one.
            continue
        yield pytest.param(compiled.sql, lint_config(compiled), id=f"init-{name}")
    yield pytest.param(None, None, id="bench-100")


@pytest.fixture
def standin_conn(database: str) -> Iterator[psycopg.Connection]:
    """A connection to a fresh database with the Supabase stand-in."""
    with psycopg.connect(database, autocommit=True) as conn:
        install_standin(conn)
        yield conn


@pytest.mark.parametrize(("sql", "config"), list(_schemas()))
def test_the_advisor_finds_nothing(standin_conn, sql, config) -> None:
    if sql is None:
        sql = _bench_sql()
    exposed = list(config.exposed_schemas) if config is not None else ["public"]
    standin_conn.execute(sql)
    findings = advisor_findings(standin_conn, exposed)
    assert {kind: found for kind, found in findings.items() if found} == {}
    assert linted_unindexed(sql, config) == unindexed_on_tables(standin_conn) == set()


MIXED = """
create table parents (id uuid primary key, tenant_id uuid not null, unique (tenant_id, id));
create table by_key (id uuid primary key, parent_id uuid references parents);
create index on by_key (parent_id);
create table tenant_first (id uuid primary key, tenant_id uuid not null, parent_id uuid references parents);
create index on tenant_first (tenant_id, parent_id);
create table partial (id uuid primary key, parent_id uuid references parents, gone boolean);
create index on partial (parent_id) where not gone;
create table composite (id uuid primary key, tenant_id uuid not null, parent_id uuid,
  foreign key (tenant_id, parent_id) references parents (tenant_id, id));
create index on composite (parent_id, tenant_id, id);
create table composite_behind (id uuid primary key, tenant_id uuid not null, parent_id uuid, kind text,
  foreign key (tenant_id, parent_id) references parents (tenant_id, id));
create index on composite_behind (kind, tenant_id, parent_id);
create table by_pk (parent_id uuid references parents, n int, primary key (parent_id, n));
create table events (id uuid, at date, parent_id uuid references parents, primary key (id, at))
  partition by range (at);
create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
"""


def test_lint_and_the_catalog_name_the_same_foreign_keys(standin_conn) -> None:
    standin_conn.execute(MIXED)
    expected = {
        "tenant_first(parent_id)",
        "partial(parent_id)",
        "composite_behind(tenant_id, parent_id)",
        "events(parent_id)",
    }
    assert unindexed_on_tables(standin_conn) == expected
    assert linted_unindexed(MIXED) == expected
    # The partition has its own copy of the key, as unindexed as its parent's.
    assert "events_2026(parent_id)" in advisor_findings(standin_conn, ["public"])["unindexed foreign key"]


def test_a_per_row_call_is_told_from_a_wrapped_one() -> None:
    assert per_row_calls("(tenant_id = ( SELECT private.current_tenant_id() AS current_tenant_id))") == []
    assert per_row_calls("(id = ( SELECT auth.uid() AS uid))") == []
    assert per_row_calls("((owner_id = auth.uid()) AND (x = ( SELECT auth.jwt() AS jwt)))") == ["auth.uid"]
    assert per_row_calls("(tenant_id = (current_setting('app.tenant'::text))::uuid)") == ["current_setting"]
