"""What each convention adds to a spec, and which convention a difference comes from.

``generated(text)`` resolves a spec and runs the expansions one by one,
recording the objects each adds (``added``) or changes (``touched``), by
the identity ``diff.compare`` matches objects with. The importer leaves
the added objects out of the spec it writes; when the round trip then
differs, ``culprits`` names the conventions behind each difference, so that
they can be switched off where they do not fit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..diff import changes as ch
from ..expand import EXPANSIONS
from ..pipeline import build_date, expanded
from ..spec.loader import load_text
from ..spec.models import Spec
from ..spec.resolve import resolve
from .explicit import Identity, identity

# The per-table switch of each convention; the others are set once, for the whole schema.
SWITCHES = {"audit": "audit", "tenancy": "tenant_scoped", "soft_delete": "soft_delete", "append_only": "append_only"}
GLOBAL = ("partitions", "signup", "monitoring")
# Kinds that belong to the schema as a whole rather than to one table.
GLOBAL_KINDS = ("function", "view", "table", "schema")


def objects(catalog: cat.Catalog) -> dict[Identity, Any]:
    """Every object of ``catalog`` by identity, with table attributes as objects of their own."""
    out: dict[Identity, Any] = {}
    for kind in (
        "schemas",
        "functions",
        "views",
        "tables",
        "partitions",
        "foreign_keys",
        "indexes",
        "policies",
        "triggers",
    ):
        for obj in getattr(catalog, kind):
            out[identity(obj)] = obj
    for table in catalog.tables:
        for column in table.columns:
            out[("column", table.qname, column.name)] = column
        out[("rls", table.qname)] = (table.rls_enabled, table.rls_forced)
        out[("comment", table.qname)] = table.comment
        for grant in table.grants:
            if not grant.revoke:
                for role in grant.roles:
                    for privilege in grant.privileges:
                        out[("grant", table.qname, role.lower(), privilege)] = True
    return out


def table_of(key: Identity, obj: Any = None) -> QualifiedName | None:
    """The table a table-scoped identity belongs to (None for the schema's own objects)."""
    kind = key[0]
    if kind in ("column", "fk", "policy", "trigger", "rls", "comment", "grant", "constraint"):
        return key[1]
    if kind == "index" and obj is not None:
        return obj.table
    if kind == "partition" and obj is not None:
        return obj.parent
    return None


@dataclass
class Generated:
    added: dict[Identity, str] = field(default_factory=dict)
    touched: dict[Identity, set[str]] = field(default_factory=lambda: defaultdict(set))
    tables: dict[Identity, QualifiedName] = field(default_factory=dict)


def generated(text: str, file: str = "import.yaml") -> Generated:
    """What each expansion adds to the spec ``text``; raises SpecError when the spec has problems."""
    doc = load_text(text, file)
    spec = Spec.model_validate(doc.data)
    catalog = resolve(spec, doc.positions, build_date())
    expanded(spec, catalog, doc.positions)  # the conventions' problems, placed as a compile places them
    out = Generated()
    before = objects(catalog)
    for expansion in EXPANSIONS:
        catalog = expansion(spec, catalog)
        after = objects(catalog)
        name = expansion.__name__
        for key, obj in after.items():
            old = before.get(key)
            if key not in before:
                out.added[key] = name
            elif old != obj and key[0] not in ("table", "schema"):
                out.touched[key].add(name)
            else:
                continue
            table = table_of(key, obj)
            if table is not None:
                out.tables[key] = table
        before = after
    return out


# -- which objects a change is about ---------------------------------------------------


class Targets:
    """The partitions of the catalogs a change may name (partition -> parent), and their tables."""

    def __init__(self, *catalogs: cat.Catalog):
        self.tables: set[QualifiedName] = set()
        self.partitions: dict[QualifiedName, QualifiedName] = {}
        for catalog in catalogs:
            self.tables.update(table.qname for table in catalog.tables)
            for partition in catalog.partitions:
                self.partitions[partition.qname] = partition.parent

    def identities(self, change: ch.Change) -> list[tuple[Identity, Any]]:
        """``[(identity, object or None)]`` of what ``change`` creates, drops or alters."""
        if isinstance(change, (ch.Create, ch.Drop)):
            return [(identity(change.obj), change.obj)]
        if isinstance(change, ch.Replace):
            return [(identity(change.after), change.after)]
        if isinstance(change, (ch.AddColumn, ch.DropColumn)):
            return [(("column", change.table.qname, change.column.name), None)]
        if isinstance(change, ch.AlterColumn):
            return [(("column", change.table, change.after.name), None)]
        if isinstance(change, (ch.AddConstraint, ch.DropConstraint, ch.ValidateConstraint)):
            return [(("constraint", change.table, change.constraint.name), None)]
        if isinstance(change, ch.AlterConstraint):
            return [(identity(change.after), change.after)]
        if isinstance(change, ch.SetRowSecurity):
            if change.table in self.partitions:
                partition = cat.Partition(change.table, self.partitions[change.table], None)
                return [(("partition", change.table), partition)]
            return [(("rls", change.table), None)]
        if isinstance(change, ch.AlterPolicy):
            return [(identity(change.after), change.after)]
        if isinstance(change, (ch.SetComment, ch.ChangeGrants)) and isinstance(change.obj, (cat.Function, cat.View)):
            return [(identity(change.obj), None)]
        if isinstance(change, ch.SetComment):
            if isinstance(change.obj, cat.Table) and change.obj.qname in self.tables:
                return [(("comment", change.obj.qname), None)]
            if isinstance(change.obj, cat.Policy) and change.obj.table in self.tables:
                return [(identity(change.obj), None)]
            return []
        if (
            isinstance(change, ch.ChangeGrants)
            and isinstance(change.obj, cat.Table)
            and change.obj.qname in self.tables
        ):
            table = change.obj.qname
            return [(("grant", table, change.role.lower(), p), None) for p in (*change.grant, *change.revoke)]
        return []
