"""Citus: where each table of a spec lives on a coordinator-and-workers cluster.

With ``target: {citus: true}`` every table of the spec is distributed (sharded
by a column), a reference table (copied to every node) or local (kept on the
coordinator). ``placement`` decides which, from the table's own
``distributed`` / ``reference`` keys or else from the tenancy convention;
``traps`` then checks what Citus would refuse, or accept and get wrong, before
any SQL exists; ``render`` writes the ``create_distributed_table`` and
``create_reference_table`` calls in the order Citus needs.

``distribution`` is the expansion that runs the first two; it comes after the
conventions, so it judges the keys, foreign keys and policies they add too.
"""

from __future__ import annotations

from dataclasses import replace

from ..catalog import objects as cat
from ..catalog.objects import Catalog, QualifiedName
from ..expand.common import Issues, call, helper_schema, spec_tables
from ..render.quoting import ident
from ..spec.models import Spec
from ..spec.names import split_qualified
from .placement import placements
from .traps import check


def distribution(spec: Spec, catalog: Catalog) -> Catalog:
    """The catalog with its tables' distributions; raises ExpansionError for each trap found."""
    issues = Issues()
    chosen = placements(spec, catalog, issues)
    if chosen:
        catalog = _direct_tenant_calls(spec, catalog, chosen)
    if not issues.items:
        check(spec, catalog, chosen, issues)
    issues.raise_if_any(catalog)
    return replace(catalog, distributions=tuple(chosen.values()))


def _direct_tenant_calls(spec: Spec, catalog: Catalog, placed: dict[QualifiedName, cat.Distribution]) -> Catalog:
    """The tenancy convention's policies on Citus tables call the current-tenant function directly.

    Elsewhere they write ``(select f())`` so that PostgreSQL evaluates it once
    per statement; Citus refuses to create a policy with a subquery, and runs
    policies on the workers, where the function is evaluated anyway.
    """
    conv = spec.conventions.tenancy
    if conv is None:
        return catalog
    parts = split_qualified(conv.current.function or f"{helper_schema(spec)}.current_tenant_id", helper_schema(spec))
    if parts is None:
        return catalog
    function = QualifiedName(*parts)
    wrapped, direct = call(function), f"{ident(function)}()"
    written = {
        (t.qname, name) for t in spec_tables(spec) if isinstance(t.spec.policies, dict) for name in t.spec.policies
    }

    def unwrapped(text: str | None) -> str | None:
        return text.replace(wrapped, direct) if text else text

    policies = tuple(
        replace(p, using=unwrapped(p.using), with_check=unwrapped(p.with_check))
        if p.table in placed and (p.table, p.name) not in written
        else p
        for p in catalog.policies
    )
    return replace(catalog, policies=policies)


__all__ = ["distribution"]
