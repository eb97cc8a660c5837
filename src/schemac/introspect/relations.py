"""Tables, partitions, views, foreign keys and indexes from catalog rows.

What hangs off a relation (keys, indexes, policies, triggers) is attached by oid, through the
reading's ``names``, and left out when its relation was.
"""

from __future__ import annotations

import re

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import orjson
from pglast import parser

from ..catalog.partitions import ColumnState, own_column
from ..catalog.objects import (
    Check,
    Column,
    Exclusion,
    ExclusionElement,
    ForeignKey,
    IdentityOptions,
    Index,
    IndexKey,
    Partition,
    PartitionColumn,
    PartitionKey,
    PartitionKeyPart,
    PrimaryKey,
    QualifiedName,
    Table,
    Unique,
    View,
)
from ..render.quoting import ident
from ..sqltree import as_read_back
from ..spec.names import not_null_name
from .reading import Grants, Reading, Row, builds
from .text import check_expression, closing_paren, config_setting, split_top_level, storage_parameters, truthy

STRATEGIES = {"r": "range", "l": "list", "h": "hash"}
IDENTITY = {"a": "always", "d": "by default"}
# Foreign key actions as the spec spells them; NO ACTION is the default, None.
ACTIONS = {"a": None, "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
MATCH_TYPES = {"s": "simple", "f": "full"}  # pg_constraint.confmatchtype; PostgreSQL refuses MATCH PARTIAL
# pg_index.indoption bits
INDOPTION_DESC = 1
INDOPTION_NULLS_FIRST = 2


def _qname(row: Row) -> QualifiedName:
    return QualifiedName(row["schema"], row["name"])


def _not_null_name(name: str | None, table: QualifiedName, column: str) -> str | None:
    """A NOT NULL constraint's name where it is not the one PostgreSQL gives it. Citus' undistribute_table
    and alter_distributed_table rebuild a table under a temporary name (``plans_1094730885``) and rename it
    back, leaving ``plans_1094730885_code_not_null`` (or ``..._not_null1``): Citus' doing, read as the default name, so that the
    plan after such a step is empty."""
    if name is None or name == not_null_name(table, column):
        return None
    if re.fullmatch(rf"{re.escape(table.name)}_\d+_{re.escape(column)}_not_null\d*", name):
        return None
    return name


def _column(row: Row, grants: Grants, table: QualifiedName) -> Column:
    generated = row["generated_kind"] != ""
    collation = row["collation"]
    if collation is not None and row["collation_schema"] != "pg_catalog":
        collation = f"{row['collation_schema']}.{collation}"
    return Column(
        name=row["name"],
        type=row["type"],
        not_null=row["not_null"],
        not_null_name=_not_null_name(row["not_null_name"], table, row["name"]),
        default=None if generated else as_read_back(row["expression"]),
        identity=IDENTITY.get(row["identity"]),
        generated=as_read_back(row["expression"]) if generated else None,
        virtual=row["generated_kind"] == "v",
        collation=collation,
        comment=row["comment"],
        identity_options=IdentityOptions()
        if row["sequence_oid"] is None
        else IdentityOptions.of(
            row["type"],
            row["seqstart"],
            row["seqincrement"],
            row["seqmin"],
            row["seqmax"],
            row["seqcache"],
            row["seqcycle"],
        ),
        sequence=None if row["sequence_oid"] is None else QualifiedName(row["sequence_schema"], row["sequence_name"]),
        sequence_grants=grants.get(("relation", row["sequence_oid"]), ()),
        local=row["local"],
        inherited_not_null=row["inherited_not_null"],
    )


def _partition_key(row: Row, columns: Sequence[str | None]) -> PartitionKey | None:
    """The key from its strategy, the column of each part (None for an expression), and
    the parts as ``pg_get_partkeydef`` prints them: ``RANGE (a COLLATE "C", lower(b) text_pattern_ops)``.
    It prints a part's collation and operator class only when they are not the default, after
    the part: each is known by its name, read from the catalog, at the end of the part."""
    if row["partition_strategy"] is None:
        return None
    text = row["partition_key"]
    start = text.index("(")
    printed = split_top_level(text[start + 1 : closing_paren(text, start)])
    parts = []
    for column, item, collation, opclass in zip(
        columns, printed, row["partition_collations"], row["partition_opclasses"]
    ):
        if item.endswith(f" {opclass}"):
            item = item[: -len(opclass) - 1]
        else:
            opclass = None
        if collation is not None and item.endswith(f" COLLATE {collation}"):
            item = item[: -len(collation) - len(" COLLATE ")]
        else:
            collation = None
        if column is not None:
            parts.append(PartitionKeyPart(column=column, collation=collation, opclass=opclass))
        else:
            parts.append(PartitionKeyPart(expression=_unwrap(item), collation=collation, opclass=opclass))
    return PartitionKey(STRATEGIES[row["partition_strategy"]], tuple(parts))


def _by_table(rows: Sequence[Row]) -> dict[int, list[Row]]:
    out: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        out[row["table_oid"]].append(row)
    return out


def _constraints(rows: Sequence[Row]) -> dict[str, Any]:
    """The primary key, unique, check and exclusion constraints of a table or partition, as its fields."""
    primary_key, uniques, checks, exclusions = None, [], [], []
    for con in rows:
        if con["type"] == "p":
            primary_key = PrimaryKey(
                con["name"], tuple(con["columns"]), **_timing(con), **_key_parameters(con), comment=con["comment"]
            )
        elif con["type"] == "u":
            uniques.append(
                Unique(
                    con["name"],
                    tuple(con["columns"]),
                    bool(con["nulls_not_distinct"]),
                    **_timing(con),
                    **_key_parameters(con),
                    comment=con["comment"],
                )
            )
        elif con["type"] == "c":
            checks.append(
                Check(
                    con["name"],
                    check_expression(con["definition"])[0],
                    con["validated"],
                    con["enforced"] is not False,
                    con["no_inherit"],
                    con["inherited"],
                    con["comment"],
                )
            )
        elif con["type"] == "x":
            exclusions.append(_exclusion(con))
    return {
        "primary_key": primary_key,
        "uniques": tuple(sorted(uniques, key=lambda u: u.name)),
        "checks": tuple(sorted(checks, key=lambda c: c.name)),
        "exclusions": tuple(sorted(exclusions, key=lambda x: x.name)),
    }


@builds("tables")
def tables(read: Reading) -> tuple[Table, ...]:
    columns: dict[int, list[Row]] = defaultdict(list)
    for row in read["columns"]:
        columns[row["table_oid"]].append(row)
    constraints = _by_table(read["constraints"])
    grants = read.grants
    out = []
    for row in read["tables"]:
        oid, qname = row["oid"], _qname(row)
        own = _constraints(constraints.get(oid, ()))
        cols = columns.get(oid, [])
        names_by_number = {c["attnum"]: c["name"] for c in cols}
        out.append(
            Table(
                qname=qname,
                # A column inherited from a parent outside the schemas read is read as the table's own.
                columns=tuple(
                    _column(c, grants, qname) if row["inherits"] else replace(_column(c, grants, qname), local=True)
                    for c in cols
                ),
                **own,
                partition_key=_partition_key(
                    row, [None if n == 0 else names_by_number.get(n) for n in row["partition_columns"] or ()]
                ),
                rls_enabled=row["rls_enabled"],
                rls_forced=row["rls_forced"],
                grants=grants.get(("relation", oid), ()),
                comment=row["comment"],
                replica_identity=_REPLICA_IDENTITY[row["replica_identity"]],
                replica_index=row["replica_index"] if row["replica_identity"] == "i" else None,
                unlogged=row["unlogged"],
                storage_parameters=storage_parameters(row["storage_parameters"], row["toast_parameters"]),
                inherits=tuple(QualifiedName(*parent) for parent in row["inherits"]),
                of_type=QualifiedName(*row["of_type"]) if row["of_type"] else None,
            )
        )
    return tuple(sorted(out, key=lambda t: (t.qname.schema, t.qname.name)))


_REPLICA_IDENTITY = {"d": "default", "f": "full", "n": "nothing", "i": "index"}


def _bound(text: str) -> str | None:
    """The text after FOR VALUES (None for DEFAULT); a hash bound's words in capitals, as compile
    writes them (PostgreSQL prints ``WITH (modulus 2, remainder 0)``)."""
    if text == "DEFAULT":
        return None
    text = text.removeprefix("FOR VALUES ")
    if text.startswith("WITH ("):
        words = [item.split(" ", 1) for item in split_top_level(text[len("WITH (") : closing_paren(text, 5)])]
        return f"WITH ({', '.join(f'{word.upper()} {number}' for word, number in words)})"
    return text


def _partition_columns(partition: QualifiedName, rows: list[dict]) -> tuple[PartitionColumn, ...]:
    """The columns the partition holds otherwise than its parent (partitions.sql reads each with its
    parent's), as ``Partition.columns`` has them."""
    out = []
    for c in rows:
        parent = ColumnState(
            c["name"], as_read_back(c["parent_default"]), c["parent_not_null"], c["parent_not_null_name"]
        )
        actual = ColumnState(c["name"], as_read_back(c["default"]), c["not_null"], c["not_null_name"])
        own = own_column(parent, partition, actual)
        if own is not None:
            out.append(own)
    return tuple(out)


@builds("partitions")
def partitions(read: Reading) -> tuple[Partition, ...]:
    constraints = _by_table(read["constraints"])
    out = []
    for row in read["partitions"]:
        qname = _qname(row)
        out.append(
            Partition(
                qname=qname,
                parent=QualifiedName(row["parent_schema"], row["parent_name"]),
                bound=_bound(row["bound"]),
                rls_enabled=row["rls_enabled"],
                rls_forced=row["rls_forced"],
                partition_key=_partition_key(row, row["partition_column_names"] or ()),
                grants=read.grants.get(("relation", row["oid"]), ()),
                own_columns=_partition_columns(qname, row["columns"]),
                storage_parameters=storage_parameters(row["storage_parameters"], row["toast_parameters"]),
                **_constraints(constraints.get(row["oid"], ())),
            )
        )
    return tuple(sorted(out, key=lambda p: (p.qname.schema, p.qname.name)))


@builds("views")
def views(read: Reading) -> tuple[View, ...]:
    out = []
    for row in read["views"]:
        qname = _qname(row)
        options = row["options"]
        out.append(
            View(
                qname=qname,
                query=as_read_back(row["query"].strip().removesuffix(";").rstrip(), query=True),
                materialized=row["materialized"],
                with_data=row["populated"],
                security_invoker=truthy(config_setting(options, "security_invoker")),
                security_barrier=truthy(config_setting(options, "security_barrier")),
                grants=read.grants.get(("relation", row["oid"]), ()),
                comment=row["comment"],
                check_option=config_setting(options, "check_option"),
                # A view's options are the three above; a materialized view's, storage parameters.
                storage_parameters=storage_parameters(options, row["toast_options"]) if row["materialized"] else (),
                column_comments=tuple((column, text) for column, text in row["column_comments"]),
            )
        )
    return tuple(sorted(out, key=lambda v: (v.qname.schema, v.qname.name)))


@builds("foreign_keys")
def foreign_keys(read: Reading) -> tuple[ForeignKey, ...]:
    out = []
    for row in read["constraints"]:
        table = read.names.get(row["table_oid"])
        if row["type"] != "f" or table is None:
            continue
        out.append(
            ForeignKey(
                name=row["name"],
                table=table,
                columns=tuple(row["columns"]),
                ref_table=QualifiedName(row["ref_schema"], row["ref_table"]),
                ref_columns=tuple(row["ref_columns"]),
                on_delete=ACTIONS[row["on_delete"]],
                on_update=ACTIONS[row["on_update"]],
                valid=row["validated"],
                match=MATCH_TYPES[row["match"]],
                on_delete_columns=tuple(row["on_delete_columns"]),
                enforced=row["enforced"] is not False,
                **_timing(row),
                comment=row["comment"],
            )
        )
    return tuple(sorted(out, key=lambda f: (f.table.schema, f.table.name, f.name)))


def _opclass(schema: str, name: str) -> str:
    # Qualified unless it is PostgreSQL's own, as pg_get_indexdef prints it
    # under search_path = pg_catalog.
    return ident(name) if schema == "pg_catalog" else ident(QualifiedName(schema, name))


def _unwrap(expression: str | None) -> str | None:
    """An index expression without the parentheses pg_get_indexdef puts around all but function calls."""
    if expression and expression.startswith("(") and closing_paren(expression, 0) == len(expression) - 1:
        return expression[1:-1]
    return expression


def _index_key(row: Row, column: str = "column_name") -> IndexKey:
    descending = bool(row["option"] & INDOPTION_DESC)
    nulls_first = bool(row["option"] & INDOPTION_NULLS_FIRST)
    nulls = None
    if descending and not nulls_first:
        nulls = "last"
    elif nulls_first and not descending:
        nulls = "first"
    opclass = None
    if not row["opclass_is_default"]:
        opclass = _opclass(row["opclass_schema"], row["opclass_name"])
    return IndexKey(
        column=row[column],
        expression=_unwrap(row["expression"]),
        order="desc" if descending else None,
        nulls=nulls,
        opclass=opclass,
        collation=row.get("collation") or _expression_collation(row),
    )


def _expression_collation(row: Row) -> str | None:
    """The COLLATE an expression key of the index's definition is written with, if any (as a column's
    collation is named: schema-qualified outside pg_catalog)."""
    if not row.get("definition"):
        return None
    tree = orjson.loads(parser.parse_sql_json(row["definition"]))
    element = tree["stmts"][0]["stmt"]["IndexStmt"]["indexParams"][row["position"] - 1]["IndexElem"]
    names = [part["String"]["sval"] for part in element.get("collation", ())]
    return ".".join(names[1:] if names[:1] == ["pg_catalog"] else names) or None


def _timing(row: Row) -> dict[str, bool]:
    return {"deferrable": row["deferrable"], "initially_deferred": row["deferred"]}


def _key_parameters(row: Row) -> dict[str, Any]:
    return {"storage_parameters": storage_parameters(row["storage_parameters"])}


def _exclusion(row: Row) -> Exclusion:
    """An exclusion constraint from its row: its index's keys, each with the operator it is compared with."""
    elements = [ExclusionElement(_index_key(element, "column"), element["operator"]) for element in row["elements"]]
    return Exclusion(
        row["name"],
        tuple(elements),
        row["method"],
        tuple(row["include"]),
        _unwrap(row["where"]),
        **_timing(row),
        **_key_parameters(row),
        comment=row["comment"],
    )


@builds("indexes")
def indexes(read: Reading) -> tuple[Index, ...]:
    """Indexes from one row per index column, in column order."""
    columns: dict[int, list[Row]] = defaultdict(list)
    for row in read["indexes"]:
        columns[row["oid"]].append(row)
    out = []
    for index_columns in columns.values():
        first = index_columns[0]
        table = read.names.get(first["table_oid"])
        if table is None:
            continue
        count = first["key_count"]
        out.append(
            Index(
                name=first["name"],
                table=table,
                keys=tuple(_index_key(row) for row in index_columns[:count]),
                unique=first["unique"],
                method=first["method"],
                where=as_read_back(first["where"]),
                comment=first["comment"],
                include=tuple(row["column_name"] for row in index_columns[count:]),
                nulls_not_distinct=first["nulls_not_distinct"],
                valid=first["valid"],
                storage_parameters=storage_parameters(first["storage_parameters"]),
            )
        )
    return tuple(sorted(out, key=lambda i: (i.table.schema, i.table.name, i.name)))
