"""What a database holds that the spec cannot write because of a type it has no name for.

A table with a column of a range type made by CREATE TYPE (or of a domain over one, or of such a
table's row type), a view, function, key, trigger or policy that uses one: ``queries/unheld.sql``
finds each. Read into the catalog, such an object would be compared like any other, and a plan to a
spec (which cannot hold it: an import leaves it out) would drop it. So it is left out of the catalog
here, with everything declared on it, and named as not managed: every plan leaves it alone and says
so, ``check --db`` lists it, and ``schemac import`` names it. The type itself is named by
``queries/unmanaged.sql``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.objects import QualifiedName

Row = dict[str, Any]

_WHY = "it depends on {uses}, a type the spec cannot write"
_REFERENCES = "it references {table}, which schemac does not manage"
_RELATIONS = ("tables", "partitions", "views", "sequences")


def _key(row: Row) -> tuple:
    """The identity a row names, in the terms of its kind's slot."""
    if row["kind"] == "index":
        return (row["on_schema"], row["name"])
    if row["on_name"] is not None:
        return (QualifiedName(row["on_schema"], row["on_name"]), row["name"])
    qname = QualifiedName(row["schema"], row["name"])
    if row["kind"] in ("function", "aggregate"):
        return (qname, row["signature"] or ("*" if row["kind"] == "aggregate" else ""))
    return qname


# The slots each kind of row names objects in, and how an object of the slot is matched.
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


def leave_out(catalog: cat.Catalog, rows: list[Row]) -> cat.Catalog:
    """``catalog`` without what ``rows`` (of ``queries/unheld.sql``) name and what is declared on that,
    each named in ``unmanaged`` (what is declared on a relation left out goes with it, unnamed)."""
    if not rows:
        return catalog
    uses = {(slot, _key(row)): row["uses"] for row in rows for slot in _SLOTS[row["kind"]]}
    named: dict[tuple, cat.Unmanaged] = {}
    gone: dict[str, set] = {}
    # Relation left out -> the types it depends on; an object on one goes with it, unnamed.
    relations = {key: types for (slot, key), types in uses.items() if slot in _RELATIONS}
    changed = True
    while changed:  # a partition of a partition left out goes too
        changed = False
        for kind in kinds.KINDS:
            for obj in getattr(catalog, kind.slot):
                key = kind.identity(obj)
                if key in gone.setdefault(kind.slot, set()):
                    continue
                direct = uses.get((kind.slot, key))
                on = kind.on(obj) if kind.on is not None else ()
                if isinstance(obj, cat.Sequence) and obj.owned_by:
                    on = (obj.owned_by[0],)
                through = next((q for q in on if q in relations), None)
                if direct is None and through is None:
                    continue
                gone[kind.slot].add(key)
                changed = True
                if kind.slot in _RELATIONS:
                    relations.setdefault(obj.qname, direct or relations[through])
                if through is not None and through == on[0]:
                    continue  # it goes with the relation it is on, named already
                why = _WHY.format(uses=direct) if through is None else _REFERENCES.format(table=through)
                named[(kind.noun, kind.name(obj))] = cat.Unmanaged(kinds.of(obj).noun, kind.name(obj), why)
    kept = {
        slot: tuple(o for o in getattr(catalog, slot) if kinds.BY_SLOT[slot].identity(o) not in keys)
        for slot, keys in gone.items()
        if keys
    }
    return replace(
        catalog,
        **kept,
        unmanaged=(*catalog.unmanaged, *(named[k] for k in sorted(named))),
    )
