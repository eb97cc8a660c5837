"""audit: who created and changed a row, and when.

For every table with ``audit: true`` (or a mapping choosing parts), the
columns of ``conventions.audit``:

- ``created_at`` / ``updated_at``: ``timestamptz NOT NULL DEFAULT now()``;
- ``created_by`` / ``updated_by``: the current user's id
  (``conventions.user_id``, ``auth.uid()`` on Supabase) as default, with a
  foreign key where ``references`` is set (``ON DELETE SET NULL``);
- BEFORE UPDATE triggers calling ``<schema>.set_updated_at()`` and
  ``<schema>.set_updated_by()``, so the columns are right whoever writes;
- an index for each ``*_by`` column, led by the tenant column on
  tenant-scoped tables: "what did this user change" is a lookup, and
  deleting a user must not scan every table.

An append-only table gets only the ``created_*`` columns.
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..spec import models as m
from .common import (
    Draft, Issues, audit_parts, body, find_key, helper, insert_column, name, spec_tables, tenant_column, user_id,
)


def audit(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    tables = [t for t in spec_tables(spec) if t.spec.audit is not False]
    if not tables:
        return catalog
    issues = Issues()
    convention = spec.conventions.audit
    for part in ("created_at", "updated_at"):
        value = getattr(convention, part)
        if isinstance(value, str):
            issues.ident(value, ("conventions", "audit", part))
    users: dict[str, tuple[str, tuple | None]] = {}  # part -> (type, (table, column, on_delete) or None)
    for part in ("created_by", "updated_by"):
        setting = getattr(convention, part)
        if isinstance(setting, str):
            issues.ident(setting, ("conventions", "audit", part))
        if not isinstance(setting, m.AuditUserColumn):
            continue
        if setting.column:
            issues.ident(setting.column, ("conventions", "audit", part, "column"))
        reference = None
        type_ = "uuid"
        if setting.references:
            found = find_key(catalog, spec, setting.references)
            if isinstance(found, str):
                issues.add(("conventions", "audit", part, "references"), found)
                continue
            reference = (found[0], found[1], setting.on_delete)
            type_ = found[2]
        users[part] = (type_, reference)
    current_user = user_id(spec)
    for table in tables:
        for part, column in audit_parts(spec, table.spec).items():
            if column in table.spec.columns:
                issues.add(table.path + ("columns", column),
                           f"the audit convention adds '{column}' to this table; remove it here, "
                           f"or leave it out with audit: {{{part}: false}}", key=True)
            if part.endswith("_by") and current_user is None:
                issues.add(table.path + ("audit",),
                           f"'{part}' needs the current user's id: set conventions.user_id to an SQL expression "
                           f"that gives it (Supabase has auth.uid()), or turn it off with audit: {{{part}: false}}")
    issues.raise_if_any(catalog)

    draft = Draft(catalog)
    triggered: set[str] = set()  # the updated_* parts some table has: their functions are needed
    for table in tables:
        target = draft.table(table.qname)
        if target is None:
            continue
        parts = audit_parts(spec, table.spec)
        for part, column in parts.items():
            if part.endswith("_at"):
                target = insert_column(target, cat.Column(column, "timestamptz", not_null=True, default="now()"))
                continue
            type_, reference = users.get(part, ("uuid", None))
            target = insert_column(target, cat.Column(column, type_, default=current_user))
            if reference:
                ref_table, ref_column, on_delete = reference
                draft.add_foreign_key(cat.ForeignKey(name(table.qname, [column], "fkey"), table.qname, (column,),
                                                     ref_table, (ref_column,), on_delete=on_delete))
        draft.put(target)
        tenant = tenant_column(spec, table.spec)
        for part in ("created_by", "updated_by"):
            if part not in parts:
                continue
            keys = tuple(c for c in (tenant, parts[part]) if c)
            if not draft.leads_with(target, keys):
                draft.add_index(cat.Index(name(table.qname, keys, "idx"), table.qname,
                                          tuple(cat.IndexKey(column=c) for c in keys)))
        for part in ("updated_at", "updated_by"):
            if part in parts:
                triggered.add(part)
                draft.triggers.append(cat.Trigger(name(table.qname, [], f"set_{part}"), table.qname,
                                                  helper(spec, f"set_{part}"), "before", ("update",)))
    for part in ("updated_at", "updated_by"):
        if part in triggered:
            column = part_column(convention, part)
            draft.add_function(cat.Function(
                helper(spec, f"set_{part}"), (), "trigger", "plpgsql",
                body("set_column", column=column, value="now()" if part == "updated_at" else current_user),
                search_path="''",
                comment=f"Sets {column} on every UPDATE (audit convention).",
            ))
    return draft.done()


def part_column(convention: m.AuditConvention, part: str) -> str:
    """The column name the convention gives a part."""
    setting = getattr(convention, part)
    if isinstance(setting, str):
        return setting
    if isinstance(setting, m.AuditUserColumn) and setting.column:
        return setting.column
    return part
