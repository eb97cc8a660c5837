"""Schemas, extensions, enums, domains, composite types and sequences from catalog rows."""

from __future__ import annotations

from ..catalog.objects import (
    Attribute,
    CompositeType,
    Distribution,
    Domain,
    Enum,
    Extension,
    Publication,
    QualifiedName,
    Schema,
    Sequence,
    TableFilter,
)
from ..sqltree import as_read_back
from .reading import Reading, Row, builds
from .text import check_expression


def _qname(row: Row) -> QualifiedName:
    return QualifiedName(row["schema"], row["name"])


@builds("schemas")
def schemas(read: Reading) -> tuple[Schema, ...]:
    # Whether a schema is exposed through the API is the API server's
    # setting, not the database's: introspection always says False.
    out = [
        Schema(row["name"], grants=read.grants.get(("schema", row["oid"]), ()), comment=row["comment"])
        for row in read["schemas"]
    ]
    return tuple(sorted(out, key=lambda s: s.name))


@builds("extensions")
def extensions(read: Reading) -> tuple[Extension, ...]:
    rows = read["extensions"]
    return tuple(sorted((Extension(row["name"], row["schema"], row["version"]) for row in rows), key=lambda e: e.name))


@builds("publications")
def publications(read: Reading) -> tuple[Publication, ...]:
    return tuple(
        Publication(
            row["name"],
            tuple(QualifiedName(*t) for t in row["tables"]),
            row["all_tables"],
            tuple(row["publish"]),
            row["via_partition_root"],
            row["comment"],
            tuple(
                TableFilter(QualifiedName(f["schema"], f["name"]), tuple(f["columns"]), as_read_back(f["where"]))
                for f in row["filters"]
            ),
        )
        for row in read["publications"]
    )


@builds("distributions")
def distributions(read: Reading) -> tuple[Distribution, ...]:
    """Citus' placements. A colocation group is named by the first of its tables (by schema and
    name): each other table of the group is colocated with it, and it with none; so two databases
    whose tables are grouped alike read alike, whichever table each group was built around."""
    out = []
    for row in read["distributions"]:
        table = _qname(row)
        first = min([table, *(QualifiedName(*t) for t in row["colocated"])])
        out.append(
            Distribution(table, row["kind"], row["column"], first if first != table else None, row["shard_count"])
        )
    return tuple(out)


@builds("enums")
def enums(read: Reading) -> tuple[Enum, ...]:
    out = [
        Enum(_qname(row), tuple(row["values"]), row["comment"], read.grants.get(("type", row["oid"]), ()))
        for row in read["enums"]
    ]
    return tuple(sorted(out, key=lambda e: (e.qname.schema, e.qname.name)))


@builds("domains")
def domains(read: Reading) -> tuple[Domain, ...]:
    out = []
    for row in read["domains"]:
        checks = tuple(
            (name, check_expression(definition)[0])
            for name, definition in zip(row["check_names"], row["check_definitions"])
        )
        out.append(
            Domain(
                _qname(row),
                row["type"],
                row["not_null"],
                row["default"],
                checks,
                row["comment"],
                read.grants.get(("type", row["oid"]), ()),
                tuple((name, text) for name, text in row["check_comments"]),
            )
        )
    return tuple(sorted(out, key=lambda d: (d.qname.schema, d.qname.name)))


@builds("composite_types")
def composite_types(read: Reading) -> tuple[CompositeType, ...]:
    out = [
        CompositeType(
            _qname(row),
            tuple(map(Attribute, row["attributes"], row["types"], row["collations"])),
            row["comment"],
            read.grants.get(("type", row["oid"]), ()),
            tuple((name, text) for name, text in row["attribute_comments"]),
        )
        for row in read["composite_types"]
    ]
    return tuple(sorted(out, key=lambda t: (t.qname.schema, t.qname.name)))


@builds("sequences")
def sequences(read: Reading) -> tuple[Sequence, ...]:
    out = []
    for row in read["sequences"]:
        owned_by = None
        if row["owner_table"] is not None:
            owned_by = (QualifiedName(row["owner_schema"], row["owner_table"]), row["owner_column"])
        out.append(
            Sequence(
                qname=_qname(row),
                type=row["type"],
                start=row["start"],
                increment=row["increment"],
                min_value=row["min_value"],
                max_value=row["max_value"],
                cache=row["cache"],
                cycle=row["cycle"],
                owned_by=owned_by,
                grants=read.grants.get(("relation", row["oid"]), ()),
                comment=row["comment"],
            )
        )
    return tuple(sorted(out, key=lambda s: (s.qname.schema, s.qname.name)))
