"""Which tables are distributed, which are reference tables, and which stay on the coordinator.

A table's own keys decide first: ``reference: true``, ``distributed: false``
(local), ``distributed: {column: ..., colocate_with: ..., shard_count: ...}``.
Otherwise the tenancy convention does: a tenant-scoped table is distributed
by the tenant column and colocated with the tenants table, the tenants table
by its key, and every other table of the spec becomes a reference table, so
that any table may keep a foreign key to it. Tables the conventions add
(the refresh log of the monitoring convention) stay on the coordinator.
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..expand.common import Issues, SpecTable, find_key, spec_tables
from ..spec import models as m
from ..spec.names import split_qualified, suggest

NONE = "none"  # colocate_with: none, a colocation group of the table's own


def placements(spec: m.Spec, catalog: cat.Catalog, issues: Issues) -> dict[QualifiedName, cat.Distribution]:
    """The distribution of each table of the spec that is not local, in spec order."""
    tables = list(spec_tables(spec))
    if not spec.target.citus:
        for t in tables:
            for key in ("distributed", "reference"):
                if key in t.spec.model_fields_set:
                    issues.add(
                        t.path + (key,),
                        f"'{key}' places a table on a Citus cluster; switch Citus on first: target: {{citus: true}}",
                        key=True,
                    )
        return {}
    by_name = {t.qname: t for t in catalog.tables}
    tenants = _distributed_tenants_table(spec, catalog, tables)
    out: dict[QualifiedName, cat.Distribution] = {}
    for t in tables:
        table = by_name.get(t.qname)
        if table is None:
            continue
        chosen = _placement(spec, t, table, tenants, issues)
        if chosen is not None:
            out[t.qname] = chosen
    _check_colocation(tables, out, issues)
    return out


def _distributed_tenants_table(
    spec: m.Spec, catalog: cat.Catalog, tables: list[SpecTable]
) -> tuple[QualifiedName, str] | None:
    """The tenancy convention's tenants table and the key tenant columns reference, when the table is
    distributed (by that key, unless it says otherwise): tenant-scoped tables are colocated with it.
    None when there is none, or it is a reference or local table."""
    conv = spec.conventions.tenancy
    found = find_key(catalog, spec, conv.references) if conv is not None else None
    if found is None or isinstance(found, str):
        return None
    written = next((t.spec for t in tables if t.qname == found[0]), None)
    if written is None or written.reference or written.distributed is False:
        return None
    return found[0], found[1]


def _placement(
    spec: m.Spec, t: SpecTable, table: cat.Table, tenants: tuple[QualifiedName, str] | None, issues: Issues
) -> cat.Distribution | None:
    written = t.spec.distributed
    tenant_column = spec.conventions.tenancy.column if spec.conventions.tenancy and t.spec.tenancy else None
    own_key = tenants[1] if tenants and tenants[0] == t.qname else None
    if t.spec.reference:
        if written:
            issues.add(
                t.path + ("reference",),
                "a table is either distributed or a reference table, not both; remove 'reference' or 'distributed'",
                key=True,
            )
            return None
        return cat.Distribution(t.qname, "reference")
    if written is False:
        return None
    if isinstance(written, m.DistributedSpec):
        path = t.path + ("distributed", "column")
        names = [c.name for c in table.columns]
        if written.column not in names:
            issues.add(path, f"table '{t.key}' has no column '{written.column}'{suggest(written.column, names)}")
            return None
        colocate_with = None
        if written.colocate_with is not None:
            if written.colocate_with.lower() == NONE:
                colocate_with = NONE
            elif parts := split_qualified(written.colocate_with):
                colocate_with = QualifiedName(*parts)
            else:
                issues.add(
                    t.path + ("distributed", "colocate_with"),
                    f"'{written.colocate_with}' is not a table name; write a distributed table, or none",
                )
                return None
        if written.shard_count is not None and isinstance(colocate_with, QualifiedName):
            issues.add(
                t.path + ("distributed", "shard_count"),
                f"a table colocated with '{written.colocate_with}' has its shard count; drop 'shard_count'",
            )
            return None
        return cat.Distribution(t.qname, "distributed", written.column, colocate_with, written.shard_count)
    column = tenant_column or own_key
    if column is None:
        if written is True:
            issues.add(
                t.path + ("distributed",),
                f"name the column to distribute '{t.key}' by: "
                "distributed: {column: ...}; only tenant-scoped tables and the "
                "tenants table have a default",
            )
            return None
        return cat.Distribution(t.qname, "reference")
    colocate_with = tenants[0] if tenant_column and tenants and tenants[0] != t.qname else None
    return cat.Distribution(t.qname, "distributed", column, colocate_with)


def _check_colocation(tables: list[SpecTable], out: dict[QualifiedName, cat.Distribution], issues: Issues) -> None:
    """``colocate_with`` names a distributed table of the spec, and colocation has no cycle."""
    paths = {t.qname: t.path for t in tables}
    for qname, chosen in out.items():
        target = chosen.colocate_with
        if not isinstance(target, QualifiedName):
            continue
        path = paths[qname] + ("distributed", "colocate_with")
        if target not in paths:
            known = [q.name if q.schema == "public" else str(q) for q in paths]
            issues.add(path, f"unknown table '{target.name}'{suggest(target.name, known)}")
        elif target not in out or out[target].kind != "distributed":
            issues.add(
                path,
                f"'{target.name}' is not distributed, so nothing can be colocated with it; "
                f"distribute it too, or drop 'colocate_with'",
            )
        else:
            seen = {qname}
            while isinstance(target, QualifiedName) and target in out:
                if target in seen:
                    issues.add(
                        path,
                        f"colocation of '{qname.name}' goes round in a circle; one table of the "
                        "group must be colocated with none or with no other",
                    )
                    break
                seen.add(target)
                target = out[target].colocate_with
