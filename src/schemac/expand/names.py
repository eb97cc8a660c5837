"""Names the conventions give must not collide with names the spec gives.

A generated index, foreign key, policy or trigger takes a default name
(``vehicles_live_idx``, ``vehicles_tenant_id_fkey``, ``vehicles_select``); if the
spec already uses that name for something else, PostgreSQL would refuse the
SQL. This check says so at the table, before any SQL exists.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..catalog import objects as cat
from ..spec import models as m
from ..spec.names import split_qualified
from .common import spec_tables


def clashes(spec: m.Spec, before: cat.Catalog, after: cat.Catalog) -> list[tuple[tuple, str, bool]]:
    paths = {t.qname: t.path for t in spec_tables(spec)}
    for kind in ("views", "materialized_views"):
        for key in getattr(spec, kind):
            if parts := split_qualified(key):
                paths[cat.QualifiedName(*parts)] = (kind, key)
    issues = []
    for what, collect in (
        ("the name", _relations),
        ("the constraint", _constraints),
        ("the policy", _policies),
        ("the trigger", _triggers),
    ):
        had = Counter(key for _, key in collect(before))
        now = defaultdict(list)
        for owner, key in collect(after):
            now[key].append(owner)
        for key, owners in now.items():
            if len(owners) > 1 and len(owners) > had[key]:
                issues.append(
                    (
                        paths.get(owners[0], ("conventions",)),
                        f"{what} '{key[-1]}' is given twice: a convention generates it and the spec "
                        "already uses it; rename the spec's one",
                        False,
                    )
                )
    return issues


# Each collector gives (owner table, key): names must be unique per key.


def _relations(catalog: cat.Catalog):
    """Everything in a schema's relation namespace, keyed (schema, name)."""
    out = []
    for table in catalog.tables:
        q = table.qname
        out.append((q, (q.schema, q.name)))
        # Keys and exclusion constraints: each has an index of its name.
        out += [(q, (q.schema, c.name)) for c in table.constraints if not isinstance(c, cat.Check)]
    out += [(p.parent, (p.qname.schema, p.qname.name)) for p in catalog.partitions]
    out += [(v.qname, (v.qname.schema, v.qname.name)) for v in catalog.views]
    out += [(s.qname, (s.qname.schema, s.qname.name)) for s in catalog.sequences]
    out += [(i.table, (i.table.schema, i.name)) for i in catalog.indexes]
    return out


def _constraints(catalog: cat.Catalog):
    out = [(fk.table, (fk.table, fk.name)) for fk in catalog.foreign_keys]
    for table in catalog.tables:
        out += [(table.qname, (table.qname, c.name)) for c in table.checks]
    return out


def _policies(catalog: cat.Catalog):
    return [(p.table, (p.table, p.name)) for p in catalog.policies]


def _triggers(catalog: cat.Catalog):
    return [(t.table, (t.table, t.name)) for t in catalog.triggers]
