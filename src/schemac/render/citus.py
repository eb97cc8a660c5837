"""Citus' calls: each table made a reference or distributed table, in the order Citus needs.

Reference tables come first, then each colocation group with the table the
others are colocated with at its head. A partitioned table is distributed
after its partitions exist, and they are distributed with it. Foreign keys,
indexes, policies and triggers come after the calls (later stages), so
Citus propagates them to every shard.
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..catalog import kinds
from ..catalog.graph import Stage, Statement
from ..catalog.partitions import children, descendants
from ..catalog.objects import QualifiedName
from .quoting import ident

# The conventions' triggers (updated_at, the append-only guard) read and
# write only the row they fire for, which is what Citus runs safely on a
# shard; Citus asks for this setting before it accepts any trigger.
UNSAFE_TRIGGERS = """\
-- Citus accepts triggers on its tables only with this on. The conventions' triggers
-- read and write only the row they fire for, which runs safely on a shard.
SET citus.enable_unsafe_triggers = on;"""


# Citus runs DDL on a distributed table over several connections at once, and after that refuses the
# next DDL on a table in the same transaction when a foreign key to a reference table is involved (measured
# on Citus 14: ADD FOREIGN KEY ... REFERENCES a reference table after a key between distributed tables).
# The file may run as one transaction (psql --single-transaction; the scratch build), as a plan does.
ONE_CONNECTION_PER_NODE = """\
-- One connection per node: after DDL that ran over several connections at once, Citus
-- refuses more DDL on its tables in the same transaction.
SET citus.multi_shard_modify_mode TO 'sequential';"""


def distribution_statements(catalog: cat.Catalog, render) -> list[Statement]:
    """Statements for ``catalog.distributions``; ``render(template, **context)`` renders a template."""
    placed = {d.table: d for d in catalog.distributions}
    if not placed:
        return []
    out = [Statement(Stage.DISTRIBUTION, ONE_CONNECTION_PER_NODE, label="citus connections")]
    if any(t.table in placed for t in catalog.triggers):
        out.append(Statement(Stage.DISTRIBUTION, UNSAFE_TRIGGERS, label="citus triggers"))
    below = children(catalog.partitions)
    for distribution in _in_order(catalog.distributions):
        q = distribution.table
        requires = {kinds.RELATIONS.key(q), *(kinds.RELATIONS.key(p.qname) for p in descendants(below, q))}
        colocate_with = distribution.colocate_with
        if isinstance(colocate_with, QualifiedName):
            requires.add(kinds.DISTRIBUTION.key(colocate_with))
            colocate_with = ident(colocate_with)
        out.append(
            Statement(
                Stage.DISTRIBUTION,
                render("distribution", distribution=distribution, colocate_with=colocate_with),
                provides=kinds.DISTRIBUTION.key(q),
                requires=frozenset(requires),
                label=f"{distribution.kind} table {q}",
                source=distribution,
            )
        )
    return out


def _in_order(distributions: tuple[cat.Distribution, ...]) -> list[cat.Distribution]:
    """Reference tables, then each colocation group together, its head first; else spec order."""
    placed = {d.table: d for d in distributions}
    position = {d.table: i for i, d in enumerate(distributions)}

    def chain(d: cat.Distribution) -> list[QualifiedName]:
        """The table, the one it is colocated with, and so on to the group's head."""
        out = [d.table]
        while isinstance(d.colocate_with, QualifiedName) and d.colocate_with in placed and d.colocate_with not in out:
            d = placed[d.colocate_with]
            out.append(d.table)
        return out

    def key(d: cat.Distribution) -> tuple:
        tables = chain(d)
        return d.kind != "reference", position[tables[-1]], len(tables), position[d.table]

    return sorted(distributions, key=key)
