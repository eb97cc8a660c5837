"""The JSON Schema of schema.yaml, generated from the Pydantic models.

Editors (through yaml-language-server's ``# yaml-language-server: $schema=``
line) use it to complete keys and flag mistakes as the file is typed. The
models stay the one definition of the language: this module only adds what
their generated schema cannot know.

- **Shorthands.** The models accept short forms through "before" validators
  (``make: text`` for a column, ``rls: true``, ``to: authenticated`` for a
  list of one). Pydantic describes only the long form; :data:`SHORTHANDS`
  says, per validator, which other input it accepts. A test fails on a
  before-validator missing from it, so a new shorthand cannot be forgotten.
- **Descriptions** of the top-level keys, and docstrings with reST's double
  backticks written as Markdown's single ones.

The schema accepts what the models accept in shape; names, references, types
and SQL are checked by ``schemac validate``, not by the editor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ..spec.models import Spec

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Where the committed copy lives in this repository (the top level is kept to
# the files the project's layout names, so it sits with the other docs).
COMMITTED_PATH = "docs/schemac.schema.json"
# The file name `schemac init` writes next to schema.yaml.
LOCAL_NAME = "schemac.schema.json"

Transform = Callable[[JsonSchemaValue], JsonSchemaValue]

_STRING = {"type": "string"}
_STRING_LIST = {"type": "array", "items": _STRING}


def _or(*alternatives: JsonSchemaValue) -> Transform:
    """The long form, or one of ``alternatives``."""
    return lambda long_form: {"anyOf": [*alternatives, long_form]}


def _one_or_many(long_form: JsonSchemaValue) -> JsonSchemaValue:
    # A list may be written as its single item: `to: authenticated`.
    return {"anyOf": [long_form["items"], long_form]}


def _sql_text(long_form: JsonSchemaValue) -> JsonSchemaValue:
    # YAML reads `default: 0` and `using: true` as a number and a boolean.
    return {"anyOf": [long_form, {"type": "number"}, {"type": "boolean"}]}


def _same(long_form: JsonSchemaValue) -> JsonSchemaValue:
    return long_form


def _schema_list(long_form: JsonSchemaValue) -> JsonSchemaValue:
    # `schemas: [app, internal]`, or a mapping whose values may be empty.
    mapping = dict(long_form)
    mapping["additionalProperties"] = {"anyOf": [long_form["additionalProperties"], {"type": "null"}]}
    return {"anyOf": [_STRING_LIST, mapping]}


# Every "before" validator of schemac.spec.models, by qualified name: how the
# input it accepts differs from the long form.
SHORTHANDS: dict[str, Transform] = {
    "_listify": _one_or_many,
    "_sql_text": _sql_text,
    "_setting_value": _sql_text,  # `enable_seqscan: off`, `work_mem: 64`
    "ExtensionSpec._shorthand": _or({**_STRING, "description": "An extension name: `citext`."}),
    "EnumSpec._shorthand": _or({**_STRING_LIST, "minItems": 1, "description": "The values: `[draft, placed]`."}),
    "ColumnReference._shorthand": _or({**_STRING, "description": "`table.column`, or `schema.table.column`."}),
    "ColumnSpec._shorthand": _or({**_STRING, "description": "The column's type: `make: text`."}),
    "AttributeSpec._shorthand": _or({**_STRING, "description": "The attribute's type: `x: integer`."}),
    "UniqueSpec._shorthand": _or({**_STRING_LIST, "minItems": 1, "description": "The columns: `[tenant_id, vin]`."}),
    "IndexColumn._shorthand": _or({**_STRING, "description": "`column [asc|desc] [nulls first|last]`."}),
    "ExclusionElement._shorthand": _or({**_STRING, "description": "`column with operator`: `room_id with =`."}),
    "RlsSpec._shorthand": _or({"type": "boolean", "description": "`true`: enabled and forced."}),
    "Argument._shorthand": _or({**_STRING, "description": "`name type`, or just the type."}),
    "PartitionSpec._period": _or({"type": "integer", "description": "A year: `2024`."}),
    "PartitionKeySpec._shorthand": _or({**_STRING, "description": "A column name: `tenant_id`."}),
    "Spec._schema_list": _schema_list,
    # Only refuses a form, with a better message than the shape error.
    "ForeignKeySpec._mapping": _same,
    "_match": _same,  # refuses MATCH PARTIAL with PostgreSQL's reason
}

# Descriptions of keys whose model field has none (editors show them on hover).
DESCRIPTIONS: dict[str, str] = {
    "Spec.version": "The version of the spec language; always 1.",
    "Spec.target": "The PostgreSQL version and flavor the SQL is written for.",
    "Spec.roles": "Roles the database already has, which grants and policies may name (schemac creates no roles).",
    "Spec.extensions": "Extensions to create: a name, or {name, schema, version}.",
    "Spec.schemas": "Schemas to create, and whether each is exposed through the API.",
    "Spec.enums": "Enum types, by name or schema.name: a list of values.",
    "Spec.domains": "Domain types, by name or schema.name.",
    "Spec.composite_types": "Composite types (CREATE TYPE ... AS (...)), by name or schema.name: their attributes.",
    "Spec.sequences": "Sequences, by name or schema.name.",
    "Spec.tables": "Tables, by name or schema.name.",
    "Spec.views": "Views, by name or schema.name.",
    "Spec.materialized_views": "Materialized views, by name or schema.name.",
    "Spec.functions": "Functions, by name or schema.name.",
    "Spec.procedures": "Procedures (CREATE PROCEDURE, run by CALL), by name or schema.name: as functions, "
    "without returns, volatility, strict or parallel.",
    "Spec.aggregates": "Aggregates (CREATE AGGREGATE), by name or schema.name: a state function (sfunc) "
    "folded over the rows from initcond, then finalfunc; functions are the spec's or PostgreSQL's own.",
    "Spec.publications": "Publications for logical replication, by name (on Supabase, supabase_realtime is the "
    "platform's: list the tables Realtime streams).",
    "Spec.default_privileges": "ALTER DEFAULT PRIVILEGES: what objects made later give, per creator, schema (or "
    "every schema) and type; managed only where the spec has this key.",
    "Spec.lint": "Lint settings, as in [tool.schemac.lint] of pyproject.toml; they win over it.",
    "Target.postgres": "The major version of PostgreSQL the SQL targets (13 to 18).",
    "Target.flavor": "supabase: the spec may use auth.users, auth.uid(), auth.jwt() and the roles anon, "
    "authenticated and service_role.",
    "TableSpec.columns": "The columns, in order: `name: type` or `name: {type: ..., not_null: true, ...}`.",
    "TableSpec.rls": "Row level security: `true` enables and forces it; or {enable, force}.",
    "TableSpec.policies": "Row level security policies, by name.",
    "TableSpec.ignore": "Lint findings accepted on purpose: rule name or code -> why.",
    "ColumnSpec.type": "A PostgreSQL type (`uuid`, `timestamptz`, `numeric(12, 2)`, `text[]`) or a type of the spec.",
    "ColumnSpec.default": "An SQL expression: `now()`, `gen_random_uuid()`, `'draft'` (a text literal needs SQL quotes).",
    "ColumnSpec.references": "A foreign key: `table.column`, or {table, column, on_delete, ...}.",
    "PolicySpec.using": "SQL: which existing rows the policy lets the role see or change.",
    "PolicySpec.with_check": "SQL: which new or changed rows the policy lets the role write.",
    "PolicySpec.roles": "The roles the policy applies to; none means PUBLIC.",
    "PartitionSpec.column": "The partition key when it is one column.",
    "PartitionSpec.columns": "The partition key's parts, in order: column names, {column: ...} or {expression: ...}; "
    "`columns: [x]` is `column: x`.",
    "IndexColumn.collation": "The key's collation, when not its column's or expression's (C, or schema.name for "
    "one the database has); an index on name with another collation is another index.",
    "PartitionKeySpec.collation": "The key part's collation, when not the column's or expression's (a collation of "
    "pg_catalog: C, en_US).",
    "PartitionKeySpec.opclass": "The key part's operator class, when not the default for its type "
    "(text_pattern_ops, or schema.name).",
    "PartitionBound.from": "Range: the lowest value, included; a list with one value per key part for a key of several.",
    "PartitionBound.to": "Range: the upper bound, excluded; a list with one value per key part for a key of several.",
    "PartitionBound.partition": "Partition this partition in turn (sub-partitions), as a table's `partition`.",
}


def _markdown(text: str) -> str:
    return re.sub(r"``([^`]+)``", r"`\1`", text)


class SpecSchemaGenerator(GenerateJsonSchema):
    """Pydantic's generator, with the shorthands of :data:`SHORTHANDS`."""

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        transform = _transform_of(schema)
        long_form = super().function_before_schema(schema)
        if schema["schema"]["type"] == "model-fields":
            return long_form  # a model's own shorthand: model_schema wraps the finished object
        return transform(long_form)

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        inner = schema["schema"]
        if inner["type"] != "function-before":
            return json_schema
        # Title and description stay on the definition, not on one branch.
        outer = {key: json_schema.pop(key) for key in ("title", "description") if key in json_schema}
        return {**outer, **_transform_of(inner)(json_schema)}


def _transform_of(schema: core_schema.BeforeValidatorFunctionSchema) -> Transform:
    # A validator not (yet) in SHORTHANDS gets the long form only; the tests
    # (tests/test_json_schema.py) fail until it is described.
    function = schema["function"]["function"]
    return SHORTHANDS.get(getattr(function, "__qualname__", ""), _same)


def _describe(schema: JsonSchemaValue) -> None:
    definitions = schema["$defs"]
    for key, text in DESCRIPTIONS.items():
        model, field = key.split(".")
        target = schema if model == "Spec" else definitions[model]
        # A model with a shorthand keeps its properties in its long-form branch.
        objects = [target] if "properties" in target else [b for b in target["anyOf"] if "properties" in b]
        for branch in objects:
            branch["properties"][field].setdefault("description", text)
    for node in (schema, *definitions.values()):
        if "description" in node:
            node["description"] = _markdown(node["description"])


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of schema.yaml, as a dict."""
    generated = Spec.model_json_schema(by_alias=True, schema_generator=SpecSchemaGenerator)
    _describe(generated)
    generated["title"] = "schemac schema.yaml"
    generated["description"] = (
        "A PostgreSQL database described as code: schemas, types, tables, row level security, "
        "views and functions. Reference: docs/spec.md of schemac."
    )
    return {"$schema": JSON_SCHEMA_DIALECT, **generated}


def spec_json_schema_text() -> str:
    """The JSON Schema as the committed file holds it: sorted keys, two-space indent, a final newline."""
    return json.dumps(spec_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
