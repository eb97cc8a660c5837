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
- a function written in a language the spec has no name for (C, plv8, plpython, ...), or with an
  SQL-standard body (BEGIN ATOMIC / RETURN), unless the spec holds one of its signature;
- a trigger that calls a function the catalog does not hold (one of a schema not read) other than
  the platform's, PostgreSQL's or an extension's, or one left out here;
- a foreign key that references a table the spec cannot name (one of the platform's schemas, such as
  storage.buckets, or a partition);
- of indexes alike (the same keys, method, predicate, INCLUDE and uniqueness), and of routines that
  share a name, all but one: the one the spec holds, else the first (the one import writes);
- what a default partition holds of its own (indexes, foreign keys, keys and checks), and a
  partition's own triggers but those the spec makes there (``compare.partitions_own_left_alone``).

And what the spec's ``leave_alone`` names (spec.leave_alone): left alone on both sides of a plan to
that spec, neither created, altered nor dropped, and named with the entry that names it.
"""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..render.sql import standard_body
from ..spec import leave_alone as listing
from ..spec.models import FunctionSpec
from ..spec.platform import platform_for
from .compare import partitions_own_left_alone

_LANGUAGE = "it is written in {language}; the spec's functions are written in {languages}"
_CALLS = "it calls {function}(), which schemac does not manage (one of a schema not read, or one the spec cannot write)"
_OUTSIDE = "it references {table}, which the spec cannot name (a table of a schema not read, or a partition)"
_STANDARD_BODY = "it has an SQL-standard body (BEGIN ATOMIC / RETURN); the spec holds a function's body as text"
_OVERLOAD = "it shares its name with {kept}, which the spec holds: it holds one routine of a name"
_ALIKE = "it is on the same keys, with the same method and predicate, as {kept}, which the spec holds: it holds one"
_REFERENCES = "it references {table}, which schemac does not manage"
_LISTED = "the spec leaves it alone (leave_alone: {entry})"
_RELATIONS = ("tables", "partitions", "views", "sequences")
LANGUAGES = typing.get_args(FunctionSpec.model_fields["language"].annotation)


def for_spec(current: cat.Catalog, desired: cat.Catalog | None = None) -> cat.Catalog:
    """``current`` as a plan to the spec ``desired`` (or to the spec an import writes, without it) reads it:
    without the schemas the spec does not declare and what a spec cannot write, which are named in
    ``unmanaged`` instead."""
    if desired is not None:
        current = outside_schemas(current, desired)
    reasons = unwritable(current, desired)
    entries = listed(current, desired.leave_alone) if desired is not None else {}
    # What the spec lists is named as listed, whatever else keeps the spec from writing it.
    reasons |= {key: _LISTED.format(entry=entry) for key, entry in entries.items()}
    return leave_out(partitions_own_left_alone(current, desired), reasons, entries)


def listed(catalog: cat.Catalog, entries: Iterable[str]) -> dict[tuple, str]:
    """(slot, identity) -> the first of the leave_alone ``entries`` that names it, of what ``catalog`` holds."""
    parsed = [listing.parse(entry) for entry in entries]
    out = {}
    for kind in {entry.kind for entry in parsed}:
        for obj in getattr(catalog, kind.slot):
            entry = next((e for e in parsed if e.matches(obj)), None)
            if entry is not None:
                out[(kind.slot, kind.identity(obj))] = entry.text
    return out


def without_listed(catalog: cat.Catalog, entries: Iterable[str] | None = None) -> cat.Catalog:
    """``catalog`` without what the leave_alone ``entries`` (by default, its own: a spec's) name, and what is
    declared on that: a plan to a spec neither makes, changes nor drops it."""
    found = listed(catalog, catalog.leave_alone if entries is None else entries)
    return replace(leave_out(catalog, dict.fromkeys(found, "")), unmanaged=catalog.unmanaged) if found else catalog


def unmatched(current: cat.Catalog, desired: cat.Catalog) -> tuple[str, ...]:
    """The leave_alone entries of the spec ``desired`` that name nothing ``current`` holds: most likely a name
    misspelt, or an object gone. A warning, not an error: a plan leaves nothing alone by them."""
    found = set(listed(current, desired.leave_alone).values())
    return tuple(entry for entry in desired.leave_alone if entry not in found)


# Kinds of the whole database, not of a schema: kept whatever schema they name.
_DATABASE_WIDE = ("extensions", "default_privileges", "publications", "distributions")


def outside_schemas(current: cat.Catalog, desired: cat.Catalog) -> cat.Catalog:
    """``current`` without the schemas the spec ``desired`` does not declare (public aside), nor anything
    in them: a spec says what the schemas it declares hold, not that others hold nothing (an import of
    ``--schema app`` writes a spec that knows nothing of the others). Each such schema is named once."""
    declared = {s.name for s in desired.schemas} | {"public"}
    declared |= {schema for kind in kinds.KINDS for o in getattr(desired, kind.slot) if (schema := _schema_of(o))}
    held: dict[str, Counter] = {s.name: Counter() for s in current.schemas if s.name not in declared}
    if not held:
        return current
    kept = {"schemas": tuple(s for s in current.schemas if s.name not in held)}
    for slot in kinds.BY_SLOT:
        if slot in _DATABASE_WIDE or slot == "schemas":
            continue
        objects = getattr(current, slot)
        inside = []
        for o in objects:
            schema = _schema_of(o)
            if schema in held:
                held[schema][kinds.of(o).noun] += 1
            else:
                inside.append(o)
        if len(inside) != len(objects):
            kept[slot] = tuple(inside)
    named = tuple(
        cat.Unmanaged(
            "schema",
            name,
            "the spec does not declare it; a plan leaves it alone, with what it holds"
            + (": " + ", ".join(f"{n} {noun}{'s' * (n != 1)}" for noun, n in sorted(c.items())) if c else ""),
        )
        for name, c in sorted(held.items())
    )
    return replace(current, **kept, unmanaged=(*named, *current.unmanaged))


def _schema_of(obj: Any) -> str | None:
    """The schema an object lives in: its own name's, or that of the table it is on."""
    for attribute in ("qname", "table"):
        name = getattr(obj, attribute, None)
        if isinstance(name, cat.QualifiedName):
            return name.schema
    return None


def unwritable(catalog: cat.Catalog, desired: cat.Catalog | None = None) -> dict[tuple, str]:
    """(slot, identity) -> why a spec cannot write it (see the module's text)."""
    out = dict(catalog.unwritable)
    for function in catalog.functions:
        if function.language not in LANGUAGES:
            why = _LANGUAGE.format(language=function.language, languages=" and ".join(LANGUAGES))
            out[("functions", kinds.FUNCTION.identity(function))] = why
    # An SQL-standard body (BEGIN ATOMIC / RETURN) is held by no spec: left alone, unless the spec holds
    # a function of that signature, which then replaces it.
    held = {_key(f) for f in desired.functions} if desired is not None else set()
    for function in catalog.functions:
        if standard_body(function) and _key(function) not in held:
            out[_key(function)] = _STANDARD_BODY
    routines = [r for r in (*catalog.functions, *catalog.aggregates) if _key(r) not in out]
    out |= _all_but_one(routines, _name, desired and (*desired.functions, *desired.aggregates), _OVERLOAD)
    out |= _all_but_one(catalog.indexes, _index_shape, desired and desired.indexes, _ALIKE)
    platform = platform_for(catalog.flavor)
    # A trigger is written calling a function of the spec (or the platform's): not one left out here.
    functions = {f.qname for f in catalog.functions if _key(f) not in out}
    # Or PostgreSQL's own (tsvector_update_trigger), or an extension's (moddatetime), named with its schema.
    provided = cat.provided_function_schemas(e.schema for e in catalog.extensions)
    for trigger in catalog.triggers:
        function = trigger.function
        if function not in functions and function not in platform.functions and function.schema not in provided:
            out[("triggers", kinds.TRIGGER.identity(trigger))] = _CALLS.format(function=function)
    tables = {t.qname for t in catalog.tables} | set(platform.tables)
    for fk in catalog.foreign_keys:
        if fk.ref_table not in tables:
            out[("foreign_keys", kinds.FOREIGN_KEY.identity(fk))] = _OUTSIDE.format(table=fk.ref_table)
    return out


def _key(obj: Any) -> tuple:
    kind = kinds.of(obj)
    return (kind.slot, kind.identity(obj))


def _name(routine: Any) -> Any:
    return routine.qname


def _index_shape(index: cat.Index) -> tuple:
    return (index.table, index.keys, index.where, index.method, index.include, index.unique)


def _all_but_one(objects: Iterable[Any], alike: Callable[[Any], Any], held: Iterable[Any] | None, why: str) -> dict:
    """Of ``objects`` that are ``alike``, all but one: the one of ``held`` (a spec's), else the first."""
    groups: dict[Any, list[Any]] = {}
    for obj in objects:
        groups.setdefault(alike(obj), []).append(obj)
    spec = {_key(o) for o in held or ()}
    out = {}
    for group in (g for g in groups.values() if len(g) > 1):
        kept = next((o for o in group if _key(o) in spec), group[0])
        out |= {_key(o): why.format(kept=kinds.of(kept).name(kept)) for o in group if o is not kept}
    return out


def leave_out(catalog: cat.Catalog, reasons: dict[tuple, str], entries: dict[tuple, str] | None = None) -> cat.Catalog:
    """``catalog`` without the objects of ``reasons`` (:func:`unwritable`) and what is declared on them, each
    named in ``unmanaged`` with its reason (what is declared on a relation left out goes with it, unnamed);
    ``entries``: of those, the ones the spec's leave_alone names, and by which entry (:func:`listed`)."""
    if not reasons:
        return catalog
    entries = entries or {}
    named: dict[tuple, cat.Unmanaged] = {}
    gone: dict[str, set] = {}
    # An object on one of these relations goes with it; one that references one is named with its entry.
    relations = {key: entries.get((slot, key)) for slot, key in reasons if slot in _RELATIONS}
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
                entry = entries.get((kind.slot, key))
                if kind.slot in _RELATIONS:
                    relations[obj.qname] = entry if why is not None else relations[through]
                if through is not None and through == on[0]:
                    continue  # it goes with the relation it is on, named already
                if through is not None:
                    why, entry = _REFERENCES.format(table=through), relations[through]
                named[(kind.noun, kind.name(obj))] = cat.Unmanaged(kinds.of(obj).noun, kind.name(obj), why, entry)
    kept = {
        slot: tuple(o for o in getattr(catalog, slot) if kinds.BY_SLOT[slot].identity(o) not in keys)
        for slot, keys in gone.items()
        if keys
    }
    # Their definitions as PostgreSQL prints them go too (introspect.definitions), and those of what is on them.
    left = {f"{k.noun} {k.name(o)}" for k in kinds.KINDS for o in getattr(catalog, k.slot) if k.applies(o)}
    left -= {f"{k.noun} {k.name(o)}" for k in kinds.KINDS for o in kept.get(k.slot, getattr(catalog, k.slot))}
    ons = tuple(f" on {q}" for q in relations)
    definitions = tuple(d for d in catalog.definitions if d[0] not in left and not d[0].endswith(ons))
    return replace(
        catalog,
        **kept,
        unwritable=(),
        unmanaged=(*catalog.unmanaged, *(named[k] for k in sorted(named))),
        definitions=definitions,
    )
