"""Expansions: functions from a resolved catalog to a catalog with more in it.

They run after the spec is resolved and before anything is rendered, so
that what they add (partitions' row level security here; the conventions'
tenant columns, policies, triggers and indexes) is made of ordinary catalog
objects that rendering, lint, docs and diff handle like any other. Each
expansion is a pure function; ``EXPANSIONS`` lists them in the order they
run.

The conventions (one module each) come first, in an order where each sees
what it needs: audit columns before the tenancy's tenant-first indexes are
chosen, tenant policies before soft delete filters them, append-only guards
before partitions copy them to future partitions. Partition security comes
after them, so partitions get the row level security the conventions set,
and Citus' placement of tables (schemac.citus) last, so that it judges the
keys, foreign keys and policies the conventions added.

An expansion that finds a problem in the spec raises ``ExpansionError``
with its path in the spec; ``pipeline.expanded`` runs the expansions once
per compile and places those problems at their line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..catalog.objects import Catalog
from ..catalog.partitions import root
from ..spec.models import Spec
from .append_only import append_only
from .audit import audit
from .common import ExpansionError
from .monitoring import monitoring
from .names import clashes
from .partitions import partitions
from .soft_delete import soft_delete
from .supabase import signup
from .tenancy import tenancy

Expansion = Callable[[Spec, Catalog], Catalog]


def partition_security(spec: Spec, catalog: Catalog) -> Catalog:
    """Partitions of a table with row level security get it too, and no policy.

    Sub-partitions get their table's as well. A partition can be queried by
    its own name, and then only its own policies apply, not its parent's.
    With RLS on and no policy of its own, direct access sees no rows, while
    access through the parent is filtered by the parent's policies as usual.
    Copying the parent's policies instead would be a second set to keep equal
    to the first, for a way in nobody needs. The choice is recorded as an
    accepted ``rls-no-policy`` finding, so the SQL and the docs give the
    reason (Supabase's advisor reports such partitions too).
    """
    tables = {t.qname: t for t in catalog.tables}
    parent_of = {p.qname: p.parent for p in catalog.partitions}
    partitions = []
    for p in catalog.partitions:
        table = tables.get(top := root(parent_of, p.parent))
        if table is not None:
            p = replace(p, rls_enabled=table.rls_enabled, rls_forced=table.rls_forced)
        if table is not None and table.rls_enabled:
            p = replace(
                p,
                ignore=p.ignore
                + (
                    (
                        "rls-no-policy",
                        f"rows of {top} are reached through it, under its policies; a query that "
                        "names a partition directly is denied.",
                    ),
                ),
            )
        partitions.append(p)
    return replace(catalog, partitions=tuple(partitions))


def distribution(spec: Spec, catalog: Catalog) -> Catalog:
    """Citus: where each table lives. Imported here, not at the top: schemac.citus builds on expand.common."""
    from ..citus import distribution as place

    return place(spec, catalog)


EXPANSIONS: tuple[Expansion, ...] = (
    audit,
    tenancy,
    soft_delete,
    append_only,
    partitions,
    signup,
    monitoring,
    partition_security,
    distribution,
)


def expand(spec: Spec, catalog: Catalog, expansions: tuple[Expansion, ...] = EXPANSIONS) -> Catalog:
    """Run the expansions in order. Problems of every expansion are raised together
    (an expansion that fails leaves the catalog as it found it for the next)."""
    issues = []
    before = catalog
    for expansion in expansions:
        try:
            catalog = expansion(spec, catalog)
        except ExpansionError as exc:
            issues.extend(exc.issues)
    issues = issues or clashes(spec, before, catalog)
    if issues:
        raise ExpansionError(issues, catalog.source)
    return catalog


__all__ = ["EXPANSIONS", "Expansion", "ExpansionError", "expand", "partition_security"]
