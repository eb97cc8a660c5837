"""A generated column's expression changing: in place from PostgreSQL 17 (SET EXPRESSION), dropped and
added again before it, with the indexes DROP COLUMN takes and no data lost (the values are computed
again). The diff case 65_generated_columns_changing covers PostgreSQL 18's in-place changes."""

from __future__ import annotations

from pathlib import Path

import psycopg

from schemac import live
from schemac.apply import Settings, apply
from schemac.diff import Renames, compare
from schemac.pipeline import compile_file
from schemac.plan import HAZARDS, make_plan

SPEC = """\
version: 1
target: {{postgres: {version}}}
tables:
  items:
    columns:
      id: {{type: bigint, identity: always, primary_key: true}}
      price: {{type: numeric, not_null: true}}
      qty: {{type: integer, not_null: true}}
      total: {{type: numeric, generated: "{expression}", unique: true, check: "total >= 0"}}
    indexes:
      - {{columns: [total]}}
      - {{columns: [qty], name: items_big_idx, where: "total > 100"}}
  receipts:
    columns:
      total: {{type: numeric, references: items.total}}
views:
  totals: {{query: "SELECT id, total FROM public.items"}}
"""


def _specs(tmp_path: Path, version: int) -> tuple[Path, Path]:
    start, goal = tmp_path / "from.yaml", tmp_path / "to.yaml"
    start.write_text(SPEC.format(version=version, expression="price * qty"))
    goal.write_text(SPEC.format(version=version, expression="price * qty * 2"))
    return start, goal


def _titles(plan) -> list[str]:
    return [f"{s.title} {sorted(s.hazards)}" for s in plan.steps]


def test_before_postgres_17_the_column_is_added_again_with_its_indexes(tmp_path: Path) -> None:
    start, goal = (compile_file(p).catalog for p in _specs(tmp_path, 15))
    plan = make_plan(start, goal, compare(start, goal, Renames.from_catalog(goal)))
    titles = _titles(plan)
    # Nothing is lost: the values are computed again; the indexes DROP COLUMN takes are made again.
    assert "drop column public.items.total []" in titles
    assert "add column public.items.total ['table-rewrite']" in titles
    for index in ("items_total_idx", "items_big_idx"):
        assert f"drop index {index} on public.items (replaced) []" in titles
        assert any(t.startswith(f"create index {index} on public.items again") for t in titles), titles
    # So are its constraints, and the foreign key to it, which DROP COLUMN would refuse to take.
    for constraint in ("items_total_key", "items_total_check"):
        assert f"drop constraint {constraint} on public.items []" in titles
        assert any(t.startswith(f"add constraint {constraint} on public.items") for t in titles), titles
    assert any(t.startswith("create foreign key receipts_total_fkey on public.receipts again") for t in titles)
    assert not any("SET EXPRESSION" in s.sql for s in plan.steps)


def test_from_postgres_17_the_expression_changes_in_place(tmp_path: Path) -> None:
    start, goal = (compile_file(p).catalog for p in _specs(tmp_path, 17))
    plan = make_plan(start, goal, compare(start, goal, Renames.from_catalog(goal)))
    sql = [s.sql for s in plan.steps if "items" in s.sql and "VIEW" not in s.sql and "receipts" not in s.sql]
    assert sql == ["ALTER TABLE public.items ALTER COLUMN total SET EXPRESSION AS (price * qty * 2);"]
    assert _titles(plan)[0] == "alter column public.items.total: expression ['long-lock', 'table-rewrite']"


def test_the_expression_changes_and_converges_on_the_server(tmp_path: Path, database: str, pg_cluster) -> None:
    major = pg_cluster.server_version_num // 10000
    start, goal = _specs(tmp_path, min(major, 17))
    settings = Settings(allowed_hazards=frozenset(HAZARDS))
    apply(database, live.plan(live.current(database), live.desired(str(start), pg_cluster.url())), "", settings)
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("INSERT INTO items (price, qty) VALUES (10, 3), (60, 1)")
        conn.execute("INSERT INTO receipts (total) VALUES (60)")
    wanted = live.desired(str(goal), pg_cluster.url())
    plan = live.plan(live.current(database), wanted)
    assert any("SET EXPRESSION" in s.sql for s in plan.steps) == (major >= 17)
    apply(database, plan, "", settings)
    assert live.plan(live.current(database), wanted).empty
    with psycopg.connect(database, autocommit=True) as conn:
        assert conn.execute("SELECT array_agg(total ORDER BY id)::text FROM totals").fetchone()[0] == "{60,120}"
        indexes = conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY 1").fetchall()
        assert [name for (name,) in indexes] == ["items_big_idx", "items_pkey", "items_total_idx", "items_total_key"]
