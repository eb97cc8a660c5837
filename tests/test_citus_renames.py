"""Citus tables renamed with ``renamed_from``: a distributed or reference table, and a distribution column,
keep their placement (shards, colocation group, rows) through the rename; the plan renames, it never
undistributes and distributes again.

Tests marked ``citus`` need a Citus build ($SCHEMAC_CITUS_DIR) and skip with the reason where there is none.
"""

from __future__ import annotations

import psycopg
import pytest

from schemac import live
from schemac.apply import Settings, apply
from schemac.diff import compare
from schemac.diff.compare import Renames
from schemac.pipeline import compile_text
from schemac.plan import make_plan

SHOP = """\
version: 1
target: {postgres: 18, citus: true}
tables:
  accounts:
    distributed: {column: id, shard_count: 2}
    columns:
      id: {type: bigint, primary_key: true}
  currencies:
    reference: true
    columns:
      code: {type: text, primary_key: true}
  orders:
    distributed: {column: account_id, colocate_with: accounts}
    columns:
      account_id: {type: bigint, not_null: true, references: accounts.id}
      id:         {type: bigint, not_null: true, check: id > 0}
      currency:   {type: text, not_null: true, references: currencies.code}
    primary_key: [account_id, id]
  order_lines:
    distributed: {column: account_id, colocate_with: orders}
    columns:
      account_id: {type: bigint, not_null: true}
      order_id:   {type: bigint, not_null: true}
      line:       {type: integer, not_null: true}
    primary_key: [account_id, order_id, line]
    foreign_keys:
      - columns: [account_id, order_id]
        references: {table: orders, columns: [account_id, id]}
"""

# Every kind of rename at once: the group's head, a reference table, a table colocated with the head
# and with a renamed distribution column, and the table colocated with that one.
RENAMED = (
    SHOP.replace("  accounts:\n", "  customers:\n    renamed_from: accounts\n")
    .replace("  currencies:\n", "  currency_codes:\n    renamed_from: currencies\n")
    .replace("  orders:\n", "  purchases:\n    renamed_from: orders\n")
    .replace(
        "    distributed: {column: account_id, colocate_with: accounts}\n",
        "    distributed: {column: customer_id, colocate_with: customers}\n",
    )
    .replace(
        "      account_id: {type: bigint, not_null: true, references: accounts.id}\n",
        "      customer_id: {type: bigint, not_null: true, references: customers.id, renamed_from: account_id}\n",
    )
    .replace("references: currencies.code", "references: currency_codes.code")
    .replace("    primary_key: [account_id, id]\n", "    primary_key: [customer_id, id]\n")
    .replace("colocate_with: orders}", "colocate_with: purchases}")
    .replace(
        "references: {table: orders, columns: [account_id, id]}",
        "references: {table: purchases, columns: [customer_id, id]}",
    )
)

PLACEMENT_CALLS = (
    "undistribute_table",
    "create_distributed_table",
    "create_reference_table",
    "alter_distributed_table",
)


def placement_calls(plan) -> list[str]:
    return [s.sql for s in plan.steps if any(call in s.sql for call in PLACEMENT_CALLS)]


def test_renamed_citus_tables_and_distribution_column_keep_their_placement():
    """Offline: the plan renames; no Citus call moves a table."""
    current, desired = compile_text(SHOP).catalog, compile_text(RENAMED).catalog
    changes = compare(current, desired, Renames.from_catalog(desired))
    plan = make_plan(current, desired, changes)
    assert placement_calls(plan) == [], plan.sql()
    renames = {line for line in plan.sql().splitlines() if " RENAME " in line and "_not_null" not in line}
    assert renames == {
        "ALTER TABLE public.accounts RENAME TO customers;",
        "ALTER TABLE public.currencies RENAME TO currency_codes;",
        "ALTER TABLE public.orders RENAME TO purchases;",
        "ALTER TABLE public.purchases RENAME COLUMN account_id TO customer_id;",
        # Citus renames no constraint of its tables: a key's is renamed through its index.
        "ALTER INDEX public.currencies_pkey RENAME TO currency_codes_pkey;",
        "ALTER INDEX public.accounts_pkey RENAME TO customers_pkey;",
        "ALTER INDEX public.orders_pkey RENAME TO purchases_pkey;",
    }
    # ... and a foreign key named after the old names is made again under its new name.
    sql_text = plan.sql()
    rename = sql_text.index("RENAME TO purchases;")
    for old, new in (
        ("orders_account_id_fkey", "purchases_customer_id_fkey"),
        ("orders_currency_fkey", "purchases_currency_fkey"),
    ):
        assert sql_text.index(f"ALTER TABLE public.orders DROP CONSTRAINT {old};") < rename
        assert sql_text.index(f"ADD CONSTRAINT {new}") > rename
    # A check too (one named after its column is dropped after the renames, as a check's drop is).
    assert rename < sql_text.index("ALTER TABLE public.purchases DROP CONSTRAINT orders_id_check;")
    assert sql_text.index("orders_id_check;") < sql_text.index("ADD CONSTRAINT purchases_id_check CHECK (id > 0);")
    assert not any(s.hazards & {"long-lock", "table-rewrite"} for s in plan.steps), plan.sql()


def test_a_table_colocated_with_a_renamed_one_follows_the_new_name():
    """Offline: only the group's head is renamed; the table colocated with it is not moved."""
    renamed = (
        SHOP.replace("  accounts:\n", "  customers:\n    renamed_from: accounts\n")
        .replace("accounts", "customers")
        .replace("renamed_from: customers", "renamed_from: accounts")
    )
    current, desired = compile_text(SHOP).catalog, compile_text(renamed).catalog
    plan = make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))
    assert placement_calls(plan) == [], plan.sql()


# Renamed while its colocation group takes another shard count: the table moves, under its new name.
RENAMED_AND_MOVED = RENAMED.replace("shard_count: 2", "shard_count: 4").replace(
    "  order_lines:\n", "  purchase_lines:\n    renamed_from: order_lines\n"
)


def test_a_renamed_table_that_moves_makes_its_keys_again_under_their_new_names():
    """Offline: Citus refuses to move a table that a foreign key joins to a table placed otherwise, so the
    keys of a table that moves are dropped before the move and made again after it, as the goal names them
    (not renamed and left in the way)."""
    current, desired = compile_text(SHOP).catalog, compile_text(RENAMED_AND_MOVED).catalog
    plan = make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))
    sql_text = plan.sql()
    assert "RENAME CONSTRAINT" not in sql_text
    first_move = sql_text.index("alter_distributed_table")
    for table, old in (
        ("orders", "orders_account_id_fkey"),
        ("orders", "orders_currency_fkey"),
        ("order_lines", "order_lines_account_id_order_id_fkey"),
    ):
        assert sql_text.index(f"ALTER TABLE public.{table} DROP CONSTRAINT {old};") < first_move
    for new in ("purchases_customer_id_fkey", "purchases_currency_fkey", "purchase_lines_account_id_order_id_fkey"):
        assert sql_text.index(f"ADD CONSTRAINT {new}") > sql_text.rindex("alter_distributed_table")


@pytest.mark.citus
def test_renames_keep_placement_and_rows_on_the_cluster(citus_database, citus_scratch, tmp_path):
    """On the cluster: the tables renamed in place, their shards, colocation groups and rows kept, and the
    next plan empty."""
    spec = tmp_path / "schema.yaml"

    def migrate(text: str):
        spec.write_text(text)
        plan = live.plan(*live.both(citus_database, str(spec), citus_scratch))
        apply(
            citus_database,
            plan,
            "t",
            Settings(allowed_hazards=frozenset({"long-lock", "table-rewrite", "breaks-clients"})),
        )
        again = live.plan(*live.both(citus_database, str(spec), citus_scratch))
        assert again.empty, again.sql()
        return plan

    def placement() -> dict[str, tuple]:
        with psycopg.connect(citus_database) as conn:
            return {
                table: (method, column, group, shards)
                for table, method, column, group, shards in conn.execute(
                    "SELECT p.logicalrelid::text, p.partmethod, column_to_column_name(p.logicalrelid, p.partkey),"
                    "       p.colocationid, g.shardcount"
                    "  FROM pg_dist_partition p JOIN pg_dist_colocation g USING (colocationid)"
                )
            }

    migrate(SHOP)
    with psycopg.connect(citus_database, autocommit=True) as conn:
        conn.execute("INSERT INTO currencies VALUES ('EUR')")
        conn.execute("INSERT INTO accounts SELECT generate_series(1, 20)")
        conn.execute("INSERT INTO orders SELECT a, 1, 'EUR' FROM accounts a(a)")
        conn.execute("INSERT INTO order_lines SELECT account_id, id, 1 FROM orders")
    before = placement()
    assert before["orders"][:2] == ("h", "account_id") and before["orders"][2] == before["accounts"][2]

    plan = migrate(RENAMED)
    assert placement_calls(plan) == [], plan.sql()
    after = placement()
    assert after == {
        "customers": before["accounts"],
        "currency_codes": before["currencies"],
        "purchases": ("h", "customer_id", *before["orders"][2:]),
        "order_lines": before["order_lines"],
    }
    with psycopg.connect(citus_database) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM purchases),"
            "       (SELECT count(*) FROM order_lines JOIN purchases ON (customer_id, id) = (account_id, order_id))"
        ).fetchone()
    assert counts == (20, 20, 20)

    migrate(RENAMED_AND_MOVED)
    moved = placement()
    assert set(moved) == {"customers", "currency_codes", "purchases", "purchase_lines"}
    assert {moved[t][3] for t in ("customers", "purchases", "purchase_lines")} == {4}
    assert len({moved[t][2] for t in ("customers", "purchases", "purchase_lines")}) == 1
    with psycopg.connect(citus_database) as conn:
        keys = conn.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
        )
        assert sorted(name for (name,) in keys) == [
            "purchase_lines_account_id_order_id_fkey",
            "purchases_currency_fkey",
            "purchases_customer_id_fkey",
        ]
        assert conn.execute("SELECT count(*) FROM purchase_lines").fetchone()[0] == 20
