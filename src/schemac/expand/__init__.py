"""Expansions: functions from a resolved catalog to a catalog with more in it.

They run after the spec is resolved and before anything is rendered, so
that what they add (partitions' row level security here; the conventions'
tenant columns, policies, triggers and indexes) is made of ordinary catalog
objects that rendering, lint, docs and diff handle like any other. Each
expansion is a pure function; ``EXPANSIONS`` lists them in the order they
run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..catalog.objects import Catalog
from ..spec.models import Spec

Expansion = Callable[[Spec, Catalog], Catalog]


def partition_security(spec: Spec, catalog: Catalog) -> Catalog:
    """Partitions of a table with row level security get it too.

    A partition can be queried by its own name, and then only its own
    policies apply, not its parent's. With RLS on and no policy of its own,
    direct access sees no rows, while access through the parent is filtered
    by the parent's policies as usual.
    """
    parents = {t.qname: t for t in catalog.tables}
    partitions = tuple(
        replace(p, rls_enabled=parents[p.parent].rls_enabled, rls_forced=parents[p.parent].rls_forced)
        if p.parent in parents else p
        for p in catalog.partitions
    )
    return replace(catalog, partitions=partitions)


EXPANSIONS: tuple[Expansion, ...] = (partition_security,)


def expand(spec: Spec, catalog: Catalog, expansions: tuple[Expansion, ...] = EXPANSIONS) -> Catalog:
    for expansion in expansions:
        catalog = expansion(spec, catalog)
    return catalog
