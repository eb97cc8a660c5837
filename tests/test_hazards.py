"""Every change type and every kind has its hazards written down here, so a new one cannot
slip into a plan unflagged: the enumerations below fail when diff/changes.py gains a change
type, or catalog/kinds.py a kind, that this file does not list. Plans are made offline, on
catalogs compiled from specs (no server)."""

from __future__ import annotations

import inspect
import textwrap
from datetime import date
from pathlib import Path

import pytest

from schemac.catalog import kinds
from schemac.diff import Renames, compare
from schemac.diff import changes as ch
from schemac.pipeline import compile_text
from schemac.plan import make_plan

EVERY_KIND = Path(__file__).parent / "specs" / "valid" / "every_kind.yaml"
# The kind every_kind.yaml cannot hold: Citus' placements, which need target: {citus: true}.
CITUS_REFERENCE = Path(__file__).parent / "specs" / "citus" / "reference.yaml"
DATA, CLIENTS, ACCESS, LOCK, REWRITE = "data-loss", "breaks-clients", "widens-access", "long-lock", "table-rewrite"


def _catalog(body: str, postgres: int = 15):
    head = f"version: 1\ntarget: {{postgres: {postgres}, flavor: postgres}}\n"
    if body.startswith("target:"):  # a case of its own target (Citus)
        head = "version: 1\n"
    return compile_text(head + textwrap.dedent(body), "schema.yaml", date(2026, 11, 26)).catalog


def _hazards_by_change_type(before: str, after: str, postgres: int = 15) -> dict[str, frozenset[str]]:
    current, desired = _catalog(before, postgres), _catalog(after, postgres)
    plan = make_plan(current, desired, compare(current, desired, Renames.from_catalog(desired)))
    out: dict[str, frozenset[str]] = {}
    for step in plan.steps:
        name = type(step.change).__name__
        out[name] = out.get(name, frozenset()) | step.hazards
    return out


# -- every kind: what dropping one of it risks -------------------------------------------

# By noun, and for kinds whose objects differ in what they risk, by variant.
DROP_HAZARDS: dict[str, frozenset[str]] = {
    k: frozenset(v)
    for k, v in {
        "schema": {CLIENTS},
        "extension": set(),
        "enum": {CLIENTS},
        "domain": {CLIENTS},
        "composite type": {CLIENTS},
        "sequence": {DATA, CLIENTS},
        "table": {DATA, CLIENTS},
        "partition": {DATA, CLIENTS},
        "foreign key": {CLIENTS},
        "index": set(),
        "index (unique)": {CLIENTS},
        "policy": {CLIENTS},
        "policy (restrictive)": {ACCESS},
        "trigger": {CLIENTS},
        "view": {CLIENTS},
        "materialized view": {CLIENTS},
        "function": {CLIENTS},
        "procedure": {CLIENTS},
        "aggregate": {CLIENTS},
        "publication": {CLIENTS},
        "Citus distribution": {LOCK, REWRITE},
        # Never dropped: each role's privileges in it change (ChangeDefaultPrivileges).
        "default privileges": set(),
    }.items()
}


def _variant(obj) -> str:
    noun = kinds.of(obj).noun
    if noun == "index" and obj.unique:
        return "index (unique)"
    if noun == "policy" and not obj.permissive:
        return "policy (restrictive)"
    return noun


def test_every_kind_has_its_drop_hazards_listed() -> None:
    nouns = {kind.noun for kind in kinds.KINDS}
    listed = {name.split(" (")[0] for name in DROP_HAZARDS}
    assert nouns <= listed, f"kinds with no drop hazards listed here: {nouns - listed}"


def test_every_object_of_every_kind_drops_with_its_hazards() -> None:
    seen = set()
    for path in (EVERY_KIND, CITUS_REFERENCE):
        catalog = compile_text(path.read_text(), path.name, date(2026, 11, 26)).catalog
        for kind in kinds.KINDS:
            for obj in getattr(catalog, kind.slot):
                if kinds.of(obj) is kind:
                    seen.add(_variant(obj))
                    assert kind.hazards_of_drop(obj) == DROP_HAZARDS[_variant(obj)], kind.name(obj)
    assert seen >= set(DROP_HAZARDS), "every_kind.yaml lacks an object of each variant"


ORDERS = """
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: "begin return new; end;"
tables:
  orders:
    columns:
      id: {type: bigint, primary_key: true}
      code: {type: text, not_null: true}
    unique: [{columns: [code], name: orders_code_key}]
    rls: {enable: true}
    policies:
      orders_read: {command: select, using: "true"}
      orders_not_empty: {as: restrictive, using: "code <> ''"}
    triggers:
      orders_touch: {function: touch, timing: before, events: [update]}
    indexes:
      - {columns: [code, id], name: orders_code_id_idx}
"""


@pytest.mark.parametrize(
    "removed, hazards",
    [
        ('      orders_read: {command: select, using: "true"}\n', {CLIENTS}),
        ("      orders_not_empty: {as: restrictive, using: \"code <> ''\"}\n", {ACCESS}),
        ("    triggers:\n      orders_touch: {function: touch, timing: before, events: [update]}\n", {CLIENTS}),
        ("    indexes:\n      - {columns: [code, id], name: orders_code_id_idx}\n", set()),
        ("    unique: [{columns: [code], name: orders_code_key}]\n", {CLIENTS}),
    ],
    ids=["permissive policy", "restrictive policy", "trigger", "plain index", "unique constraint"],
)
def test_a_plan_drops_each_object_with_the_hazards_of_its_kind(removed: str, hazards: set[str]) -> None:
    assert removed in ORDERS
    by_type = _hazards_by_change_type(ORDERS, ORDERS.replace(removed, ""))
    assert set().union(*by_type.values()) == hazards, by_type


def test_a_constraint_changed_in_place_is_not_a_hazard() -> None:
    changed = ORDERS.replace("columns: [code], name: orders_code_key", "columns: [code, id], name: orders_code_key")
    by_type = _hazards_by_change_type(ORDERS, changed)
    assert set(by_type) == {"DropConstraint", "AddConstraint"}
    assert by_type["DropConstraint"] == frozenset()


# -- every change type: a case that makes it, and the hazards of its steps ---------------

ITEMS = """
tables:
  items:
    columns:
      id: {type: bigint, primary_key: true}
      name: {type: text, not_null: true}
"""
ITEM_KEYED = (
    ITEMS
    + """      owner: {type: bigint, references: {table: owners}}
  owners:
    columns:
      id: {type: bigint, primary_key: true}
"""
)


CITUS_ACCOUNTS = """target: {postgres: 18, citus: true}
tables:
  accounts:
    distributed: {column: id}
    columns:
      id: {type: bigint, primary_key: true}
"""
TOUCHED = (
    "functions: {touch: {returns: trigger, language: plpgsql, body: 'begin return new; end;'}}\n"
    + ITEMS
    + "    triggers: {items_touch: {function: touch, events: [update]STATE}}\n"
)


ARCHIVED = """  archived_items:
    columns:
      id: {type: bigint, not_null: true}
      name: {type: text, not_null: true}
"""


def _with(column: str, extra: str = "") -> str:
    return ITEMS + f"      {column}\n" + extra


# Change type -> (before, after, hazards of the steps made from changes of that type[, postgres]).
CASES: dict[str, tuple] = {
    "Create": ("", ITEMS, set()),
    "Drop": (ITEMS, "", {DATA, CLIENTS}),
    # Made again in the same transaction: a view is never missing for a client.
    "Replace": (
        ITEMS + "views: {v: {query: select id from items}}\n",
        ITEMS + "views: {v: {query: select name from items}}\n",
        set(),
    ),
    "Repartition": (
        ITEMS + "    partition: {by: hash, column: id, partitions: {items_0: {modulus: 1, remainder: 0}}}\n",
        ITEMS + "    partition: {by: list, column: id, partitions: {items_0: {values: [1]}}}\n",
        {DATA, CLIENTS},
    ),
    "EnforceForeignKey": (
        ITEM_KEYED.replace("{table: owners}", "{table: owners, enforced: false}"),
        ITEM_KEYED,
        set(),
        18,
    ),
    # An inherited NOT NULL renamed: the partition is detached and attached again.
    "AlterPartitionColumns": (
        ITEMS + "    partition: {by: list, column: id, partitions: {items_1: {values: [1]}}}\n",
        ITEMS
        + "    partition: {by: list, column: id, partitions: {items_1: {values: [1], "
        + "columns: {name: {not_null_name: items_1_name_present}}}}}\n",
        {LOCK},
        18,
    ),
    "AddColumn": (ITEMS, _with("note: text"), set()),
    "DropColumn": (_with("note: text"), ITEMS, {DATA, CLIENTS}),
    "AlterColumn": (_with("note: text"), _with("note: varchar(10)"), {REWRITE, LOCK}),
    "AddConstraint": (ITEMS, ITEMS + "    checks: {items_name: \"name <> ''\"}\n", set()),
    "DropConstraint": (ITEMS + "    checks: {items_name: \"name <> ''\"}\n", ITEMS, {CLIENTS}),
    "ValidateConstraint": (
        ITEMS + "    checks: {items_name: {expression: \"name <> ''\", valid: false}}\n",
        ITEMS + "    checks: {items_name: \"name <> ''\"}\n",
        set(),
    ),
    "AlterConstraint": (ITEM_KEYED, ITEM_KEYED.replace("{table: owners}", "{table: owners, deferrable: true}"), set()),
    "SetRowSecurity": (ITEMS + "    rls: {enable: true}\n", ITEMS, {ACCESS}),
    "AlterPolicy": (
        ITEMS + "    rls: {enable: true}\n    policies: {p: {command: select, using: id > 0}}\n",
        ITEMS + "    rls: {enable: true}\n    policies: {p: {command: select, using: id > 1}}\n",
        {ACCESS},
    ),
    "AlterDomain": ("domains: {code: {type: text}}\n", "domains: {code: {type: text, not_null: true}}\n", {LOCK}),
    # An enum that loses a value a column uses: made again, each column converted (rewritten).
    "ReplaceEnum": (
        "enums: {state: [a, b, c]}\ntables:\n  t:\n    columns: {s: state}\n",
        "enums: {state: [a, c]}\ntables:\n  t:\n    columns: {s: state}\n",
        {REWRITE, LOCK},
    ),
    # An attribute dropped: the values columns hold lose it. Retyped while no column holds the type: nothing.
    "AlterCompositeType": (
        "composite_types: {pair: {attributes: {a: integer, b: text}}}\n",
        "composite_types: {pair: {attributes: {a: bigint, c: text}}}\n",
        {DATA, CLIENTS},
    ),
    # An attribute retyped while a column holds the type: made again, each column converted (rewritten).
    "ReplaceCompositeType": (
        "composite_types: {pair: {attributes: {a: integer}}}\ntables:\n  t:\n    columns: {p: pair}\n",
        "composite_types: {pair: {attributes: {a: bigint}}}\ntables:\n  t:\n    columns: {p: pair}\n",
        {REWRITE, LOCK},
    ),
    # A table made a table of a type with its columns (OF): its rows and columns stay as they are.
    "SetTypedTable": (
        "composite_types: {pair: {attributes: {a: integer}}}\ntables:\n  t:\n    columns: {a: integer}\n",
        "composite_types: {pair: {attributes: {a: integer}}}\ntables:\n  t: {of: pair}\n",
        set(),
    ),
    "AddEnumValue": ("enums: {state: [a, b]}\n", "enums: {state: [a, b, c]}\n", set()),
    "RenameTable": (ITEMS, ITEMS.replace("  items:\n", "  goods:\n    renamed_from: items\n"), {CLIENTS}),
    "RenameColumn": (ITEMS, ITEMS.replace("name: {type: text", "title: {renamed_from: name, type: text"), {CLIENTS}),
    "RenameConstraint": (
        ITEMS + "    checks: {items_name: \"name <> ''\"}\n",
        ITEMS + "    checks: {items_name_set: \"name <> ''\"}\n",
        set(),
    ),
    "RenameIndex": (
        ITEMS + "    indexes: [{columns: [name], name: a_idx}]\n",
        ITEMS + "    indexes: [{columns: [name], name: b_idx}]\n",
        set(),
    ),
    "ChangeGrants": (ITEMS, ITEMS + "    grants: [{to: public, privileges: [select]}]\n", {ACCESS}),
    "SetComment": (ITEMS, ITEMS + "    comment: Things.\n", set()),
    "SetColumnComment": (
        ITEMS + "views: {v: {query: select id from items}}\n",
        ITEMS + "views: {v: {query: select id from items, column_comments: {id: Its key.}}}\n",
        set(),
    ),
    "SetConstraintComment": (
        ITEMS + "    checks: {items_name: \"name <> ''\"}\n",
        ITEMS + "    checks: {items_name: {expression: \"name <> ''\", comment: Named.}}\n",
        set(),
    ),
    "SetReplicaIdentity": (ITEMS + "    replica_identity: full\n", ITEMS, {CLIENTS}),
    # alter_distributed_table copies every row to new shards while writes wait.
    "AlterDistribution": (
        CITUS_ACCOUNTS,
        CITUS_ACCOUNTS.replace("{column: id}", "{column: id, shard_count: 8}"),
        {
            LOCK,
            REWRITE,
        },
    ),
    # SET LOGGED / SET UNLOGGED writes the table again under an exclusive lock, either way.
    "SetLogged": (ITEMS, ITEMS + "    unlogged: true\n", {REWRITE, LOCK}),
    # A table that stops inheriting: a query on its parent no longer reads its rows (and one that starts
    # inheriting widens access: test_inheriting_widens_access_and_leaving_breaks_clients).
    "SetInheritance": (ITEMS + ARCHIVED + "    inherits: [items]\n", ITEMS + ARCHIVED, {CLIENTS}),
    # fillfactor, autovacuum and the like: no row is rewritten, and the lock is brief.
    "SetStorageParameters": (ITEMS, ITEMS + "    storage_parameters: {fillfactor: 70}\n", set()),
    # A trigger disabled in place: what it did on every write stops.
    "EnableTrigger": (
        TOUCHED.replace("STATE", ""),
        TOUCHED.replace("STATE", ", enabled: false"),
        {CLIENTS},
    ),
    "ChangeDefaultPrivileges": (
        ITEMS + "default_privileges: [{on: tables}]\n",
        ITEMS + "default_privileges: [{on: tables, grants: [{to: public, privileges: [select]}]}]\n",
        {ACCESS},
    ),
    "AlterPublication": (
        ITEMS + "publications: {feed: {tables: [items]}}\n",
        ITEMS + "publications: {feed: {publish: [insert]}}\n",
        {CLIENTS},
    ),
}


@pytest.mark.parametrize(
    "before, after, hazards",
    [
        ("default", "full", set()),
        ("full", "default", {CLIENTS}),
        ("default", "nothing", {CLIENTS}),
        ("default", "index items_name_key", set()),
        ("full", "index items_name_key", {CLIENTS}),
    ],
)
def test_a_replica_identity_breaks_clients_when_subscribers_get_less_of_the_old_row(before, after, hazards) -> None:
    def spec(identity: str) -> str:
        return (
            ITEMS.replace("name: {type: text, not_null: true}", "name: {type: text, not_null: true, unique: true}")
            + f"    replica_identity: {identity}\n"
        )

    by_type = _hazards_by_change_type(spec(before), spec(after))
    assert set(by_type) == {"SetReplicaIdentity"}
    assert by_type["SetReplicaIdentity"] == frozenset(hazards)


@pytest.mark.parametrize(
    "before, after, hazards",
    [
        ("", "{feed: {tables: [items]}}", {ACCESS}),
        ("", "{feed: {}}", set()),
        ("{feed: {}}", "{feed: {tables: [items]}}", {ACCESS}),
        ("{feed: {publish: [insert]}}", "{feed: {}}", set()),
        ("{feed: {}}", "{feed: {publish: [insert]}}", {CLIENTS}),
        ("{feed: {tables: [items]}}", "{feed: {all_tables: true}}", {ACCESS}),
        ("{feed: {all_tables: true}}", "{feed: {tables: [items]}}", {CLIENTS}),
        ("{feed: {all_tables: true}}", "", {CLIENTS}),
    ],
    ids=[
        "created with a table",
        "created empty",
        "table added",
        "operations added",
        "operations removed",
        "made all-tables",
        "all-tables narrowed",
        "dropped",
    ],
)
def test_a_publication_widens_access_as_it_publishes_and_breaks_clients_as_it_stops(before, after, hazards) -> None:
    def spec(publications: str) -> str:
        return ITEMS + f"publications: {publications}\n" if publications else ITEMS

    by_type = _hazards_by_change_type(spec(before), spec(after))
    assert set().union(*by_type.values()) == hazards, by_type


@pytest.mark.parametrize("inherits, hazards", [(False, {CLIENTS}), (True, {ACCESS})], ids=["leaves", "joins"])
def test_inheriting_widens_access_and_leaving_breaks_clients(inherits, hazards) -> None:
    """A query on a parent reads its children's rows, as the parent's privileges and policies allow."""
    linked, apart = ITEMS + ARCHIVED + "    inherits: [items]\n", ITEMS + ARCHIVED
    by_type = _hazards_by_change_type(*((apart, linked) if inherits else (linked, apart)))
    assert by_type == {"SetInheritance": frozenset(hazards)}


def test_a_typed_tables_columns_change_with_its_types_attributes() -> None:
    """ALTER TYPE ... CASCADE: a column of a table of the type is dropped with its attribute, values and all, or
    retyped with it, each row written again."""
    typed = "composite_types: {pair: {attributes: ATTRIBUTES}}\ntables:\n  t: {of: pair}\n"
    dropped = _hazards_by_change_type(
        typed.replace("ATTRIBUTES", "{a: integer, b: text}"), typed.replace("ATTRIBUTES", "{a: integer}")
    )
    assert dropped == {"AlterCompositeType": frozenset({DATA, CLIENTS})}
    retyped = _hazards_by_change_type(
        typed.replace("ATTRIBUTES", "{a: integer}"), typed.replace("ATTRIBUTES", "{a: bigint}")
    )
    assert retyped == {"AlterCompositeType": frozenset({REWRITE, LOCK})}


def test_every_change_type_has_a_case() -> None:
    types = {
        name
        for name, cls in inspect.getmembers(ch, inspect.isclass)
        if issubclass(cls, ch.Change) and cls is not ch.Change
    }
    assert types <= set(CASES), f"change types with no hazard case here: {types - set(CASES)}"


@pytest.mark.parametrize("change_type", sorted(CASES))
def test_each_change_type_carries_its_hazards(change_type: str) -> None:
    before, after, hazards, *postgres = CASES[change_type]
    by_type = _hazards_by_change_type(before, after, *postgres)
    assert change_type in by_type, f"the case made no {change_type}: {sorted(by_type)}"
    assert by_type[change_type] == frozenset(hazards)


def test_a_partition_default_or_not_null_of_its_own_changes_in_place_without_hazards() -> None:
    table = (
        ITEMS + "      note: text\n    partition: {by: list, column: id, partitions: {items_1: {values: [1]COLUMNS}}}\n"
    )
    after = table.replace("COLUMNS", ", columns: {note: {default: \"'x'\", not_null: true}}")
    by_type = _hazards_by_change_type(table.replace("COLUMNS", ""), after)
    assert by_type == {"AlterPartitionColumns": frozenset()}, by_type


LEAKY = """
functions:
  same_owner:
    args: [a int, b int]
    returns: boolean
    volatility: immutable
    body: select a = b
"""


@pytest.mark.parametrize(
    "before, after, hazards",
    [
        ("", LEAKY + "    leakproof: true\n", {ACCESS}),  # created leakproof
        (LEAKY, LEAKY + "    leakproof: true\n", {ACCESS}),  # made leakproof in place
        (LEAKY + "    leakproof: true\n", LEAKY, set()),  # no longer: RLS filters first again
    ],
)
def test_a_function_declared_leakproof_widens_access(before, after, hazards) -> None:
    by_type = _hazards_by_change_type(before, after)
    assert set().union(*by_type.values()) == hazards, by_type
