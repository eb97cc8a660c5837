"""What a plan to a spec leaves alone because a spec cannot write it, named as not managed.

A spec cannot hold it, so an import leaves it out, and a plan to a spec (the imported one or any
other) would drop it as a stray. So it is taken out of the catalog of the database a plan starts
from, with everything declared on it, and named: the plan leaves it alone and says so, ``check --db``
lists it, and ``schemac import`` (which reads its source through :func:`for_spec` too) names it.
A plan to another database or an SQL file compares all of it like anything else. What a spec
cannot write:

- what depends on a type it has no name for (a range or base type made by CREATE TYPE; a domain
  over one; a table with a column of one, or of such a table's row type; a view, function, key,
  trigger or policy that uses one): read as ``Catalog.unwritable`` (introspect.unheld);
- a function written in a language the spec has no name for (C, plv8, plpython, ...);
- a trigger that calls a function the catalog does not hold (an extension's, such as moddatetime(),
  or one of a schema not read) other than the platform's, or one left out here;
- a foreign key that references a table the spec cannot name (one of the platform's schemas, such as
  storage.buckets, or a partition);
- an index of a method the spec has no name for (spgist, bloom, pgvector's hnsw and ivfflat, ...);
- of indexes alike (the same keys, method, predicate, INCLUDE and uniqueness), all but one;
- of the routines that share a name, all but one (:func:`overloads_left_alone`);
- a partition's own indexes and foreign keys (``compare.partitions_own_left_alone``).
"""

from __future__ import annotations

import typing
from dataclasses import replace
from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..spec.models import FunctionSpec, IndexSpec
from ..spec.platform import platform_for
from .compare import partitions_own_left_alone

_CALLS = (
    "it calls {function}(), which schemac does not manage (an extension's function, one of a schema not read, "
    "or one the spec cannot write)"
)
_METHOD = "it is a {method} index; the spec's indexes are {methods}"
_REFERENCES = "it references {table}, which schemac does not manage"
_DUPLICATE = (
    "it is on the same keys, with the same method and predicate, as {index}, which the spec holds: it holds one"
)
_OUTSIDE = "it references {table}, which the spec cannot name (a table of a schema not read, or a partition)"
_RELATIONS = ("tables", "partitions", "views", "sequences")
_LANGUAGE = "it is written in {language}; the spec's functions are written in {languages}"
INDEX_METHODS = typing.get_args(IndexSpec.model_fields["method"].annotation)
LANGUAGES = typing.get_args(FunctionSpec.model_fields["language"].annotation)


def unwritable(catalog: cat.Catalog, desired: cat.Catalog | None = None) -> dict[tuple, str]:
    """(slot, identity) -> why a spec cannot write it (see the module's text); of indexes alike, the one
    ``desired`` holds is not one of them."""
    out = dict(catalog.unwritable)
    for function in catalog.functions:
        if function.language not in LANGUAGES:
            why = _LANGUAGE.format(language=function.language, languages=" and ".join(LANGUAGES))
            out[("functions", kinds.FUNCTION.identity(function))] = why
    # A trigger is written calling a function of the spec (or the platform's): not one left out here.
    functions = {f.qname for f in catalog.functions if ("functions", kinds.FUNCTION.identity(f)) not in out}
    functions |= set(platform_for(catalog.flavor).functions)
    for trigger in catalog.triggers:
        if trigger.function not in functions:
            out[("triggers", kinds.TRIGGER.identity(trigger))] = _CALLS.format(function=trigger.function)
    platform = platform_for(catalog.flavor)
    tables = {t.qname for t in catalog.tables} | set(platform.tables)
    for fk in catalog.foreign_keys:
        if fk.ref_table not in tables:
            out[("foreign_keys", kinds.FOREIGN_KEY.identity(fk))] = _OUTSIDE.format(table=fk.ref_table)
    alike: dict[tuple, list[cat.Index]] = {}
    for index in catalog.indexes:
        if index.method not in INDEX_METHODS:
            why = _METHOD.format(method=index.method, methods=", ".join(INDEX_METHODS))
            out[("indexes", kinds.INDEX.identity(index))] = why
        shape = (index.table, index.keys, index.where, index.method, index.include, index.unique)
        alike.setdefault(shape, []).append(index)
    held = {kinds.INDEX.identity(i) for i in desired.indexes} if desired else set()
    for same in alike.values():
        kept = next((i for i in same if kinds.INDEX.identity(i) in held), same[0])
        for index in same:
            if index is not kept:
                out[("indexes", kinds.INDEX.identity(index))] = _DUPLICATE.format(index=kept.name)
    return out


def for_spec(current: cat.Catalog, desired: cat.Catalog | None = None) -> cat.Catalog:
    """``current`` as a plan to the spec ``desired`` (or to the spec an import writes, without it) reads it:
    without what a spec cannot write, which is named in ``unmanaged`` instead."""
    return overloads_left_alone(leave_out(partitions_own_left_alone(current), unwritable(current, desired)), desired)


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
    return replace(catalog, **kept, unwritable=(), unmanaged=(*catalog.unmanaged, *(named[k] for k in sorted(named))))


_OVERLOAD = "it shares its name with {kept}, which the spec holds: it holds one routine of a name"


def overloads_left_alone(current: cat.Catalog, desired: cat.Catalog | None = None) -> cat.Catalog:
    """``current`` with the routines (functions, procedures, aggregates) that share a name with another named
    as not managed, all but one: the one ``desired`` (a spec) holds, else the first (the one import writes).
    The spec holds one routine of a name, so a plan to a spec would drop the others."""
    by_name: dict[QualifiedName, list[Any]] = {}
    for routine in (*current.functions, *current.aggregates):
        by_name.setdefault(routine.qname, []).append(routine)
    held = {(r.qname, r.signature) for r in (*desired.functions, *desired.aggregates)} if desired else set()
    others = []
    for routines in by_name.values():
        if len(routines) > 1:
            kept = next((r for r in routines if (r.qname, r.signature) in held), routines[0])
            others += [(r, _OVERLOAD.format(kept=kinds.of(kept).name(kept))) for r in routines if r is not kept]
    if not others:
        return current
    gone = {id(r) for r, _ in others}
    return replace(
        current,
        functions=tuple(f for f in current.functions if id(f) not in gone),
        aggregates=tuple(a for a in current.aggregates if id(a) not in gone),
        unmanaged=current.unmanaged
        + tuple(cat.Unmanaged(kinds.of(r).noun, kinds.of(r).name(r), why) for r, why in others),
    )
