"""What a database holds that the spec cannot write, left out of the catalog and named as not managed.

Read into the catalog, such an object would be compared like any other, and a plan to a spec (which
cannot hold it: an import leaves it out) would drop it. So it is left out here, with everything
declared on it, and named: every plan leaves it alone and says so, ``check --db`` lists it, and
``schemac import`` names it. What the spec cannot write:

- what depends on a type it has no name for (a range or base type made by CREATE TYPE; a domain
  over one; a table with a column of one, or of such a table's row type; a view, function, key,
  trigger or policy that uses one): ``queries/unheld.sql`` finds each, and ``queries/unmanaged.sql``
  names the type;
- a trigger that calls a function the catalog does not hold (an extension's, such as moddatetime(),
  or one of a schema not read) other than the platform's;
- an index of a method the spec has no name for (spgist, bloom, pgvector's hnsw and ivfflat, ...).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..spec.models import IndexSpec
from ..spec.platform import platform_for

Row = dict[str, Any]

_USES = "it depends on {uses}, a type the spec cannot write"
_CALLS = "it calls {function}(), which schemac does not manage (an extension's function, or one of a schema not read)"
_METHOD = "it is a {method} index; the spec's indexes are {methods}"
_REFERENCES = "it references {table}, which schemac does not manage"
_RELATIONS = ("tables", "partitions", "views", "sequences")
INDEX_METHODS = typing.get_args(IndexSpec.model_fields["method"].annotation)

# The slots each kind of row of queries/unheld.sql names objects in.
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
    """The identity a row names, as its kind's ``identity`` gives it."""
    if row["kind"] == "index":
        return (row["on_schema"], row["name"])
    if row["on_name"] is not None:
        return (QualifiedName(row["on_schema"], row["on_name"]), row["name"])
    qname = QualifiedName(row["schema"], row["name"])
    if row["kind"] in ("function", "aggregate"):
        return (qname, row["signature"] or ("*" if row["kind"] == "aggregate" else ""))
    return qname


def unwritable(catalog: cat.Catalog, rows: Iterable[Row]) -> dict[tuple, str]:
    """(slot, identity) -> why the spec cannot write it: what ``rows`` (of ``queries/unheld.sql``) name, and
    the triggers and indexes of ``catalog`` it has no name for."""
    out = {(slot, _key(row)): _USES.format(uses=row["uses"]) for row in rows for slot in _SLOTS[row["kind"]]}
    functions = {f.qname for f in catalog.functions} | set(platform_for(catalog.flavor).functions)
    for trigger in catalog.triggers:
        if trigger.function not in functions:
            out[("triggers", kinds.TRIGGER.identity(trigger))] = _CALLS.format(function=trigger.function)
    for index in catalog.indexes:
        if index.method not in INDEX_METHODS:
            why = _METHOD.format(method=index.method, methods=", ".join(INDEX_METHODS))
            out[("indexes", kinds.INDEX.identity(index))] = why
    return out


def leave_out(catalog: cat.Catalog, reasons: dict[tuple, str]) -> cat.Catalog:
    """``catalog`` without the objects of ``reasons`` (:func:`unwritable`) and what is declared on them, each
    named in ``unmanaged`` with its reason (what is declared on a relation left out goes with it, unnamed)."""
    if not reasons:
        return catalog
    named: dict[tuple, cat.Unmanaged] = {}
    gone: dict[str, set] = {}
    relations = {key for slot, key in reasons if slot in _RELATIONS}  # an object on one goes with it
    changed = True
    while changed:  # a partition of a partition left out goes too
        changed = False
        for kind in kinds.KINDS:
            for obj in getattr(catalog, kind.slot):
                key = kind.identity(obj)
                if key in gone.setdefault(kind.slot, set()):
                    continue
                why = reasons.get((kind.slot, key))
                on = kind.on(obj) if kind.on is not None else ()
                if isinstance(obj, cat.Sequence) and obj.owned_by:
                    on = (obj.owned_by[0],)
                through = next((q for q in on if q in relations), None)
                if why is None and through is None:
                    continue
                gone[kind.slot].add(key)
                changed = True
                if kind.slot in _RELATIONS:
                    relations.add(obj.qname)
                if through is not None and through == on[0]:
                    continue  # it goes with the relation it is on, named already
                if through is not None:
                    why = _REFERENCES.format(table=through)
                named[(kind.noun, kind.name(obj))] = cat.Unmanaged(kinds.of(obj).noun, kind.name(obj), why)
    kept = {
        slot: tuple(o for o in getattr(catalog, slot) if kinds.BY_SLOT[slot].identity(o) not in keys)
        for slot, keys in gone.items()
        if keys
    }
    return replace(catalog, **kept, unmanaged=(*catalog.unmanaged, *(named[k] for k in sorted(named))))
