"""Publications: the tables whose changes logical replication sends."""

from __future__ import annotations

from ...catalog import objects as cat
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
        tables = {scope.find_table(ref, path + ("tables", i)) for i, ref in enumerate(publication.tables)}
        publish = tuple(op for op in ("insert", "update", "delete", "truncate") if op in publication.publish)
        out.append(
            cat.Publication(
                name,
                tuple(sorted((t for t in tables if t), key=str)),
                publication.all_tables,
                publish,
                publication.publish_via_partition_root,
                publication.comment,
            )
        )
    return tuple(out)
