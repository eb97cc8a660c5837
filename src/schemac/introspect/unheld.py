"""What depends on a type the spec cannot write (``queries/unheld.sql``), as the catalog records it:
``Catalog.unwritable``, which a plan to a spec leaves alone (:mod:`schemac.diff.unheld`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..catalog.objects import QualifiedName

Row = dict[str, Any]

_USES = "it depends on {uses}, a type the spec cannot write"

# The catalog slots each kind of row names objects in.
_SLOTS: dict[str, tuple[str, ...]] = {
    "table": ("tables", "partitions"),
    "view": ("views",),
    "sequence": ("sequences",),
    "domain": ("domains",),
    "function": ("functions",),
    "aggregate": ("aggregates",),
    "foreign key": ("foreign_keys",),
    "index": ("indexes",),
    "trigger": ("triggers",),
    "policy": ("policies",),
}


def _key(row: Row) -> tuple | QualifiedName:
    """The identity a row names, as its kind's ``identity`` (catalog.kinds) gives it."""
    if row["kind"] == "index":
        return (row["on_schema"], row["name"])
    if row["on_name"] is not None:
        return (QualifiedName(row["on_schema"], row["on_name"]), row["name"])
    qname = QualifiedName(row["schema"], row["name"])
    if row["kind"] in ("function", "aggregate"):
        return (qname, row["signature"] or ("*" if row["kind"] == "aggregate" else ""))
    return qname


def unwritable(rows: Iterable[Row]) -> tuple[tuple[tuple, str], ...]:
    """((slot, identity), why) for each object ``rows`` name, in the order they come."""
    return tuple(((slot, _key(row)), _USES.format(uses=row["uses"])) for row in rows for slot in _SLOTS[row["kind"]])
