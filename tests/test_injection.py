"""Every spec field that takes SQL or a name, against injection payloads.

For each (field, payload): schemac either refuses the spec (a SpecError, the
exit 2 of `schemac validate`), or the payload ends up inert: the built SQL
parses with pglast to exactly the statements the same spec builds with a
harmless value there (the same number of each kind), so no
payload added, removed or changed a statement. Function bodies are code by
design; for them only the dollar quoting is probed.
"""

from __future__ import annotations

import json
import re

import pytest
from pglast import parser

from schemac.errors import SpecError
from schemac.pipeline import compile_text

# One spec with a slot (<<name>>) in each field that takes SQL or a name; each slot's harmless value.
BASE = """\
version: 1
roles: [<<role>>]
extensions: [{name: <<extension>>, schema: <<extension_schema>>}]
schemas: [app]
enums:
  <<enum_name>>: [<<enum_value>>, closed]
domains:
  <<domain_name>>: {type: <<domain_type>>, default: <<domain_default>>, check: <<domain_check>>}
sequences:
  <<sequence_name>>: {owned_by: <<owned_by>>}
conventions:
  user_id: <<user_id>>
  soft_delete: {column: <<soft_delete_column>>}
  append_only: {errcode: <<errcode>>}
  audit: {created_at: true, updated_at: false, created_by: true}
tables:
  <<table_name>>:
    comment: <<table_comment>>
    soft_delete: true
    audit: true
    columns:
      id: {type: int, primary_key: true}
      <<column_name>>: {type: <<column_type>>, default: <<column_default>>, check: <<column_check>>, comment: <<column_comment>>}
      doubled: {type: int, generated: <<generated>>}
      label: {type: text, collation: <<collation>>}
      during: tstzrange
    unique: [{columns: [<<unique_column>>], name: <<unique_name>>}]
    checks:
      <<check_name>>: <<check_expression>>
    exclude:
      - {columns: [{column: during, with: <<operator>>}], method: gist, where: <<exclude_where>>}
    indexes:
      - {columns: [{expression: <<index_expression>>}], where: <<index_where>>, name: <<index_name>>}
      - {columns: [{column: label, opclass: <<opclass>>}]}
    rls: true
    policies:
      <<policy_name>>: {roles: [<<policy_role>>], using: <<policy_using>>, with_check: <<policy_check>>, comment: <<policy_comment>>}
    triggers:
      <<trigger_name>>: {function: touch, events: [update], when: <<trigger_when>>, args: [<<trigger_arg>>]}
    grants: [{to: <<grant_role>>, privileges: [select]}]
  child:
    columns:
      id: {type: int, primary_key: true}
      parent_id: {type: int, references: {table: <<references_table>>, column: <<references_column>>, name: <<fk_name>>}}
views:
  <<view_name>>: {query: <<view_query>>}
  after_it: {query: select 2 as two}
materialized_views:
  totals: {query: <<mview_query>>}
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: begin return new; end;
  <<function_name>>:
    returns: <<returns>>
    args: [{name: <<arg_name>>, type: <<arg_type>>, default: <<arg_default>>}]
    search_path: <<search_path>>
    body: <<sql_body>>
    comment: <<function_comment>>
  plpgsql_body:
    returns: int
    language: plpgsql
    body: <<plpgsql_body>>
"""

HARMLESS = {
    "role": "reporter",
    "extension": "btree_gist",
    "extension_schema": "public",
    "enum_name": "state",
    "enum_value": "open",
    "domain_name": "positive",
    "domain_type": "int",
    "domain_default": "1",
    "domain_check": "value > 0",
    "sequence_name": "ticket_no",
    "owned_by": "items.id",
    "user_id": "current_setting('app.user_id')::uuid",
    "soft_delete_column": "deleted_at",
    "errcode": "42501",
    "table_name": "items",
    "table_comment": "Items.",
    "column_name": "qty",
    "column_type": "int",
    "column_default": "0",
    "column_check": "qty >= 0",
    "column_comment": "How many.",
    "generated": "id * 2",
    "collation": "C",
    "unique_column": "label",
    "unique_name": "items_label_key",
    "check_name": "qty_small",
    "check_expression": "qty < 1000",
    "operator": "&&",
    "exclude_where": "id > 0",
    "index_expression": "lower(label)",
    "index_where": "qty > 0",
    "index_name": "items_lower_label_idx",
    "opclass": "text_pattern_ops",
    "policy_name": "readable",
    "policy_role": "reporter",
    "policy_using": "qty > 0",
    "policy_check": "qty > 0",
    "policy_comment": "Reporters read.",
    "trigger_name": "touched",
    "trigger_when": "old.qty is distinct from new.qty",
    "trigger_arg": "note",
    "grant_role": "reporter",
    "references_table": "items",
    "references_column": "id",
    "fk_name": "child_parent_fkey",
    "view_name": "item_labels",
    "view_query": "select label from items",
    "mview_query": "select count(*) as n from items",
    "function_name": "item_count",
    "returns": "table(n bigint, label text)",
    "arg_name": "minimum",
    "arg_type": "int",
    "arg_default": "0",
    "search_path": "public",
    "sql_body": "select count(*), max(label) from items where qty >= minimum",
    "function_comment": "Counts.",
    "plpgsql_body": "begin return 1; end;",
}

PAYLOADS = [
    "x'); drop table public.victim; --",
    "x); drop table public.victim; --",
    "1; drop table public.victim",
    'x"; drop table public.victim; --',
    "true) with check (true); create policy open on public.items using (true); --",
    "*/ drop table public.victim; /*",
    "x\n; drop table public.victim;\n--",
    "$function$; drop table public.victim; create function public.f() returns int as $function$",
    "$$; drop table public.victim; $$",
    "int; drop table public.victim",
    "table(a int) language sql as $$ select 1 $$; drop table public.victim; create function g() returns table(b int)",
    "select 1 -- ",
    "0;",
    "x\x00; drop table public.victim",
]


def build(values: dict[str, str]) -> str:
    text = re.sub(r"<<(\w+)>>", lambda m: json.dumps(values[m.group(1)]), BASE)
    return compile_text(text).sql


def statements(sql: str) -> list[str]:
    """The kinds of the statements, sorted: a value may move its statement (a body that reads no table
    comes before the tables), never add or remove one. Read from the parser's JSON, whose node names
    are pglast's class names: a third of the time of building the Python tree."""
    return sorted(next(iter(s["stmt"])) for s in json.loads(parser.parse_sql_json(sql))["stmts"])


EXPECTED = statements(build(HARMLESS))


def test_the_base_spec_builds_every_slot() -> None:
    assert set(re.findall(r"<<(\w+)>>", BASE)) == set(HARMLESS)
    assert EXPECTED.count("CreatePolicyStmt") == 1 and "DropStmt" not in EXPECTED


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
@pytest.mark.parametrize("slot", sorted(HARMLESS))
def test_a_payload_is_refused_or_inert(slot: str, payload: str) -> None:
    try:
        sql = build({**HARMLESS, slot: payload})
    except SpecError:
        return  # refused, each problem with its place
    assert statements(sql) == EXPECTED, f"{slot} = {payload!r} changed the statements:\n{sql}"
    assert "\x00" not in sql


def test_a_view_query_ending_in_a_comment_does_not_swallow_what_follows() -> None:
    sql = build({**HARMLESS, "view_query": "select label from items -- the labels"})
    assert statements(sql) == EXPECTED
    assert "-- the labels" not in sql
