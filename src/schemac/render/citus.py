"""Citus' calls: each table made a reference or distributed table, in the order Citus needs.

Reference tables come first, then each colocation group with the table the
others are colocated with at its head. A partitioned table is distributed
after its partitions exist, and they are distributed with it. Foreign keys,
indexes, policies and triggers come after the calls (later stages), so
Citus propagates them to every shard.
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..catalog.graph import Stage, Statement
from ..catalog.partitions import children, descendants
from ..catalog.objects import QualifiedName
from .quoting import ident

# The conventions' triggers (updated_at, the append-only guard) read and
# write only the row they fire for, which is what Citus runs safely on a
# shard; Citus asks for this setting before it accepts any trigger.
UNSAFE_TRIGGERS = "SET citus.enable_unsafe_triggers = on;"


def distribution_statements(catalog: cat.Catalog, render) -> list[Statement]:
    """Statements for ``catalog.distributions``; ``render(template, **context)`` renders a template."""
    placed = {d.table: d for d in catalog.distributions}
    if not placed:
        return []
    out = []
    if any(t.table in placed for t in catalog.triggers):
        out.append(Statement(Stage.DISTRIBUTION, UNSAFE_TRIGGERS, provides="setting:citus.enable_unsafe_triggers",
                             label="citus triggers"))
    below = children(catalog.partitions)
    for distribution in _in_order(catalog.distributions):
        q = distribution.table
        requires = {f"rel:{q}", *(f"rel:{p.qname}" for p in descendants(below, q))}
        colocate_with = distribution.colocate_with
        if isinstance(colocate_with, QualifiedName):
            requires.add(f"dist:{colocate_with}")
            colocate_with = ident(colocate_with)
        out.append(Statement(Stage.DISTRIBUTION, render("distribution", distribution=distribution,
                                                        colocate_with=colocate_with),
                             provides=f"dist:{q}", requires=frozenset(requires),
                             label=f"{distribution.kind} table {q}", source=distribution))
    return out


def _in_order(distributions: tuple[cat.Distribution, ...]) -> list[cat.Distribution]:
    """Reference tables, then each colocation group together, its head first; else spec order."""
    placed = {d.table: d for d in distributions}

    def head(d: cat.Distribution) -> QualifiedName:
        seen = {d.table}
        while isinstance(d.colocate_with, QualifiedName) and d.colocate_with in placed and d.colocate_with not in seen:
            d = placed[d.colocate_with]
            seen.add(d.table)
        return d.table

    position = {d.table: i for i, d in enumerate(distributions)}
    depth = {}
    for d in distributions:
        n, seen, current = 0, {d.table}, d
        while isinstance(current.colocate_with, QualifiedName) and current.colocate_with in placed \
                and current.colocate_with not in seen:
            current = placed[current.colocate_with]
            seen.add(current.table)
            n += 1
        depth[d.table] = n
    return sorted(distributions, key=lambda d: (d.kind != "reference", position[head(d)], depth[d.table],
                                                position[d.table]))
