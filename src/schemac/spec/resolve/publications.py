"""Publications: the tables whose changes logical replication sends."""

from __future__ import annotations

from ... import versions
from ...catalog import objects as cat
from .. import models as m
from .fragments import expression
from .scope import Scope


def publications(scope: Scope) -> tuple[cat.Publication, ...]:
    out = []
    for name, publication in scope.spec.publications.items():
        path = ("publications", name)
        if not scope.ident(name, path):
            continue
        if publication.all_tables and name in scope.platform.publications:
            scope.error(
                path + ("all_tables",),
                f"publication {name} belongs to the platform; list the tables it publishes under 'tables'",
                key=True,
            )
        elif publication.all_tables and publication.tables:
            scope.error(path + ("all_tables",), "all_tables publishes every table; leave out 'tables'", key=True)
        tables, filters = set(), {}
        for i, item in enumerate(publication.tables):
            at = path + ("tables", i)
            table = scope.find_table(item if isinstance(item, str) else item.table, at)
            if table is not None and table in tables:
                scope.error(at, f"table '{table}' is listed twice; a publication sends each table once")
            tables.add(table)
            if table is not None and not isinstance(item, str) and (table_filter := _filter(scope, table, item, at)):
                filters[table] = table_filter
        publish = tuple(op for op in ("insert", "update", "delete", "truncate") if op in publication.publish)
        out.append(
            cat.Publication(
                name,
                tuple(sorted((t for t in tables if t), key=str)),
                publication.all_tables,
                publish,
                publication.publish_via_partition_root,
                publication.comment,
                tuple(filters[t] for t in sorted(filters, key=str)),
            )
        )
    return tuple(out)


def _filter(scope: Scope, table: cat.QualifiedName, item: m.PublishedTableSpec, path) -> cat.TableFilter | None:
    """The columns and rows of ``table`` that a publication sends, when it names any."""
    if not (item.columns or item.where is not None):
        return None
    if item.columns:
        scope.needs_version(versions.PUBLICATION_COLUMN_LISTS, "a publication's column list", path + ("columns",))
        scope.distinct(item.columns, path + ("columns",), "column")
        for i, column in enumerate(item.columns):
            scope.column_exists(table, column, path + ("columns", i))
    if item.where is not None:
        scope.needs_version(versions.PUBLICATION_ROW_FILTERS, "a publication's row filter", path + ("where",))
        expression(scope, item.where, path + ("where",), "a publication's row filter")
    # PostgreSQL keeps a column list in the table's column order.
    order = scope.table_columns(table)
    columns = sorted(item.columns, key=lambda c: order.index(c) if c in order else len(order))
    return cat.TableFilter(table, tuple(columns), item.where)
