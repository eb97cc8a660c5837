"""Indexes of a table or materialized view."""

from __future__ import annotations

from ... import versions
from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from .. import models as m
from ..names import key_name, suggest
from .coverage import unique_key_problem
from .fragments import collation_name, expression, ignores, index_method, opclass_name, storage_parameters
from .scope import Scope


def table_indexes(scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec, names) -> list[cat.Index]:
    """The table's ``indexes``, none twice."""
    out = []
    seen_indexes: dict[tuple, int] = {}
    for i, index in enumerate(table.indexes):
        shape = (tuple(index.columns), index.where, index.method, tuple(index.include), index.unique)
        if shape in seen_indexes:
            j = seen_indexes[shape]
            line = scope.positions.of(path + ("indexes", j))[0]
            cols = ", ".join(k.column or k.expression or "" for k in index.columns)
            scope.error(
                path + ("indexes", i),
                f"this index duplicates indexes[{j}] (line {line}): both are on ({cols}); remove one, or give them different columns",
            )
            continue
        seen_indexes[shape] = i
        built = index_of(scope, qname, index, path + ("indexes", i), names)
        if built:
            if table.partition and index.unique:
                unique_index_on_partitioned(scope, table, built, path + ("indexes", i))
            out.append(built)
    return out


def index_of(scope: Scope, table: QualifiedName, index: m.IndexSpec, path: Path, names) -> cat.Index | None:
    keys = []
    ok = index_method(scope, index.method, path + ("method",))
    for i, key in enumerate(index.columns):
        if key.column is not None and names is not None and key.column not in names:
            scope.error(path + ("columns", i), f"unknown column '{key.column}'{suggest(key.column, names)}")
            ok = False
        if (
            key.expression is not None
            and expression(scope, key.expression, path + ("columns", i, "expression"), "an index expression") is None
        ):
            ok = False
        opclass = (
            opclass_name(scope, key.opclass, path + ("columns", i, "opclass"), index.method)
            if key.opclass is not None
            else None
        )
        if key.opclass is not None and opclass is None:
            ok = False
        if (
            key.collation is not None
            and collation_name(scope, key.collation, path + ("columns", i, "collation")) is None
        ):
            ok = False
        keys.append(cat.IndexKey(key.column, key.expression, key.order, key.nulls, opclass, key.collation))
    for i, column in enumerate(index.include):
        if names is not None and column not in names:
            scope.error(path + ("include", i), f"unknown column '{column}'{suggest(column, names)}")
            ok = False
    if index.where is not None and expression(scope, index.where, path + ("where",), "an index predicate") is None:
        ok = False
    if index.nulls_not_distinct:
        scope.needs_version(versions.NULLS_NOT_DISTINCT, "NULLS NOT DISTINCT", path + ("nulls_not_distinct",))
    if index.name:
        ok = scope.ident(index.name, path + ("name",), key=False) and ok
    name = index.name or key_name(table, index.columns, "idx")
    if not scope.qualified(table.schema, name, path + ("name",) if index.name else path, declare=True):
        ok = False
    if not ok:
        return None
    return cat.Index(
        name,
        table,
        tuple(keys),
        index.unique,
        index.method,
        index.where,
        tuple(index.include),
        index.nulls_not_distinct,
        ignores(scope, index.ignore, path),
        comment=index.comment,
        storage_parameters=storage_parameters(index.storage_parameters),
    )


def unique_index_on_partitioned(scope: Scope, table: m.TableSpec, index: cat.Index, path: Path) -> None:
    columns = [k.column for k in index.keys if k.column is not None]
    problem = unique_key_problem(table.partition, table, "unique index", columns)
    if problem:
        scope.error(path, problem)
