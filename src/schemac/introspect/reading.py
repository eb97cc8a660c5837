"""What the builders of catalog objects read, and the builder of each slot of a catalog.

A builder takes the :class:`Reading` of a database and returns the objects of one slot of
:class:`~schemac.catalog.objects.Catalog`, sorted; :func:`builds` registers it for its slot, and
``reader.build_catalog`` fills every slot of the kind registry (``catalog.kinds``) from
:data:`BUILDERS`, so a new kind's builder is registered where it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ..catalog.objects import Grant, QualifiedName

Row = Mapping[str, Any]
# (kind, oid) -> grants; kind is "schema", "relation", "type" or "function".
Grants = Mapping[tuple[str, int], tuple[Grant, ...]]


@dataclass(frozen=True)
class Reading:
    """The rows of every query (``queries/<name>.sql``, by name), the grants on each object, the name of
    each relation read (tables, partitions, views) by oid, for what hangs off a relation, and the roles
    whose default privileges are the platform's."""

    rows: Mapping[str, list[Row]]
    grants: Grants
    names: Mapping[int, QualifiedName]
    platform_creators: Collection[str] = ()

    def __getitem__(self, query: str) -> list[Row]:
        return self.rows[query]


Builder = Callable[[Reading], tuple]
BUILDERS: dict[str, Builder] = {}


def builds(slot: str) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of the catalog's ``slot``."""

    def register(builder: Builder) -> Builder:
        assert slot not in BUILDERS, f"two builders of {slot}"
        BUILDERS[slot] = builder
        return builder

    return register
