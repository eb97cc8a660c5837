"""The partition tree: a table's partitions, their partitions, and so on.

Build the tree once with ``children`` and walk it with ``descendants``: a
catalog of 2,000 tables is never scanned once per table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .objects import Partition, QualifiedName


def children(partitions: Iterable[Partition]) -> dict[QualifiedName, list[Partition]]:
    """Each partitioned relation -> its direct partitions, in catalog order."""
    out: dict[QualifiedName, list[Partition]] = {}
    for partition in partitions:
        out.setdefault(partition.parent, []).append(partition)
    return out


def descendants(below: Mapping[QualifiedName, Sequence[Partition]], qname: QualifiedName) -> list[Partition]:
    """Every partition below ``qname``, each after its parent (depth first, in catalog order);
    ``below`` is the tree ``children`` built."""
    out: list[Partition] = []
    pending = list(reversed(below.get(qname, [])))
    while pending:
        partition = pending.pop()
        out.append(partition)
        pending += reversed(below.get(partition.qname, []))
    return out


def root(parent_of: Mapping[QualifiedName, QualifiedName], qname: QualifiedName) -> QualifiedName:
    """The table at the top of ``qname``'s tree (``qname`` itself when it is no partition);
    ``parent_of`` maps each partition to its parent (``{p.qname: p.parent for p in partitions}``)."""
    seen = set()
    while qname in parent_of and qname not in seen:
        seen.add(qname)
        qname = parent_of[qname]
    return qname
