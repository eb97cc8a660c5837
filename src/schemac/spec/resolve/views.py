"""Views and materialized views (with a materialized view's indexes)."""

from __future__ import annotations

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from ...sqltree import check_query, common_table_names, references, without_trailing
from ... import versions
from ..names import suggest
from .fragments import ignores, sql, storage_parameters
from .grants import TABLE_PRIVILEGES, grants_of
from .indexes import index_of
from .scope import Scope


def views(scope: Scope) -> tuple[tuple[cat.View, ...], tuple[cat.Index, ...]]:
    """The views and materialized views, and the materialized views' indexes."""
    # Names first, so that a view may read a view declared after it.
    declared = {}
    for kind, items in (("views", scope.spec.views), ("materialized_views", scope.spec.materialized_views)):
        for key in items:
            declared[(kind, key)] = scope.qualify(key, (kind, key), declare=True)
    out, indexes = [], []
    for kind, items in (("views", scope.spec.views), ("materialized_views", scope.spec.materialized_views)):
        for key, view in items.items():
            path = (kind, key)
            qname = declared[path]
            query = sql(scope, check_query, view.query, path + ("query",), "query")
            if query is not None and not relations_exist(scope, query, path + ("query",)):
                query = None
            materialized = kind == "materialized_views"
            if getattr(view, "security_invoker", False):
                scope.needs_version(
                    versions.SECURITY_INVOKER_VIEWS, "security_invoker views", path + ("security_invoker",)
                )
            grants = grants_of(scope, view.grants, view.revokes, TABLE_PRIVILEGES, path)
            if qname is None or query is None:
                continue
            if materialized:
                for i, index in enumerate(view.indexes):
                    built = index_of(scope, qname, index, path + ("indexes", i), None)
                    if built:
                        indexes.append(built)
            out.append(
                cat.View(
                    qname,
                    without_trailing(view.query),
                    materialized,
                    with_data=getattr(view, "with_data", True),
                    security_invoker=getattr(view, "security_invoker", False),
                    security_barrier=getattr(view, "security_barrier", False),
                    grants=grants,
                    comment=view.comment,
                    ignore=ignores(scope, view.ignore, path),
                    check_option=getattr(view, "check_option", None),
                    storage_parameters=storage_parameters(getattr(view, "storage_parameters", {})),
                    column_comments=tuple(sorted(view.column_comments.items())),
                )
            )
    return tuple(out), tuple(indexes)


def relations_exist(scope: Scope, tree, path: Path) -> bool:
    """Every table or view a query reads is in the spec, the platform or the system catalogs."""
    ctes = common_table_names(tree)
    known = set(scope.namespace) | set(scope.platform.tables)
    ok = True
    for schema, name in sorted(references(tree).relations, key=lambda r: (r[0] or "", r[1])):
        if schema is None and (name in ctes or name.startswith("pg_")):
            continue
        if schema in ("pg_catalog", "information_schema") or (
            schema in scope.platform.schemas and schema not in scope.spec.schemas and schema != "public"
        ):
            continue
        if QualifiedName(schema or "public", name) in known:
            continue
        written = f"{schema}.{name}" if schema else name
        choices = [q.name if q.schema == "public" else str(q) for q in known]
        scope.error(path, f"unknown table '{written}'{suggest(written, choices)}")
        ok = False
    return ok
