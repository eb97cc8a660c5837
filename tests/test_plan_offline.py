"""Compare and plan on catalogs compiled from specs, with no server.

The fast loop for the diff and the plan: each case compiles two specs, compares
their catalogs and plans the change. What needs PostgreSQL's own printed form
(expressions, defaults, view queries read back) is proved by tests/diffs on a
real server; these cases are about which changes, steps and hazards a plan has.
"""

from __future__ import annotations

import textwrap

import pytest

from schemac.diff import Renames, compare
from schemac.pipeline import compile_text
from schemac.plan import Plan, make_plan

HEAD = """\
version: 1
target: {postgres: 15, flavor: postgres}
"""


def _catalog(body: str):
    return compile_text(HEAD + textwrap.dedent(body)).catalog


def _plan(before: str, after: str) -> Plan:
    current, desired = _catalog(before), _catalog(after)
    return make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))


ITEMS = """
tables:
  items:
    columns:
      id: {type: bigint, identity: always, primary_key: true}
      name: {type: text, not_null: true}
"""


def test_equal_specs_plan_nothing() -> None:
    assert _plan(ITEMS, ITEMS).empty


def test_an_empty_database_to_a_spec_creates_without_hazards() -> None:
    plan = _plan("", ITEMS)
    assert not plan.empty
    assert plan.hazards == frozenset()
    assert any(step.sql.startswith("CREATE TABLE public.items") for step in plan.steps)


def test_dropping_a_table_is_data_loss() -> None:
    plan = _plan(ITEMS, "")
    [step] = plan.steps
    assert step.sql == "DROP TABLE public.items;"
    assert "data-loss" in step.hazards


def test_dropping_a_column_is_data_loss_and_adding_one_is_not() -> None:
    more = ITEMS + "      note: {type: text}\n"
    dropped = _plan(more, ITEMS)
    assert [s.sql for s in dropped.steps] == ["ALTER TABLE public.items DROP COLUMN note;"]
    assert "data-loss" in dropped.hazards
    added = _plan(ITEMS, more)
    assert [s.sql for s in added.steps] == ["ALTER TABLE public.items ADD COLUMN note text;"]
    assert added.hazards == frozenset()


def test_an_index_on_an_existing_table_is_built_concurrently_outside_the_transaction() -> None:
    indexed = ITEMS + "    indexes:\n      - columns: [name]\n"
    plan = _plan(ITEMS, indexed)
    [step] = plan.steps
    assert "CREATE INDEX CONCURRENTLY" in step.sql
    assert not step.transactional
    assert step.undo and step.undo.startswith("DROP INDEX")


def test_a_rename_from_the_spec_keeps_the_column_and_breaks_only_clients() -> None:
    renamed = ITEMS.replace(
        "name: {type: text, not_null: true}", "title: {type: text, not_null: true, renamed_from: name}"
    )
    plan = _plan(ITEMS, renamed)
    assert [s.sql for s in plan.steps] == ["ALTER TABLE public.items RENAME COLUMN name TO title;"]
    assert plan.hazards == {"breaks-clients"}


@pytest.mark.parametrize("change", ["type: bigint", "type: varchar(10)"])
def test_a_column_type_change_is_flagged(change: str) -> None:
    changed = ITEMS.replace("type: text, not_null", f"{change}, not_null")
    plan = _plan(ITEMS, changed)
    assert not plan.empty
    assert plan.hazards & {"table-rewrite", "long-lock", "data-loss"}


STORED = """
tables:
  items:
    storage_parameters: {PARAMETERS}
    columns:
      id: {type: bigint, primary_key: true}
    indexes:
      - {columns: [id], name: items_id_idx, storage_parameters: {PARAMETERS}}
materialized_views:
  item_count:
    query: select count(*) as n from items
    storage_parameters: {PARAMETERS}
"""


def test_storage_parameters_in_another_order_plan_nothing_and_a_changed_one_is_set_in_place() -> None:
    # Offline: the server would refuse autovacuum_enabled on an index; the diff leaves names to it.
    written = STORED.replace("PARAMETERS", "fillfactor: 70, autovacuum_enabled: false")
    reordered = STORED.replace("PARAMETERS", "autovacuum_enabled: false, fillfactor: 70")
    assert _plan(written, reordered).empty
    changed = _plan(written, STORED.replace("PARAMETERS", "fillfactor: 80"))
    assert changed.sql().count("SET (fillfactor = 80), RESET (autovacuum_enabled);") == 3, changed.sql()
    assert "DROP" not in changed.sql() and changed.hazards == frozenset()
