"""audit: who created and changed a row, and when.

For every table with ``audit: true`` (or a mapping choosing parts), the
columns of ``conventions.audit``:

- ``created_at`` / ``updated_at``: ``timestamptz NOT NULL DEFAULT now()``;
- ``created_by`` / ``updated_by``: the current user's id
  (``conventions.user_id``, ``auth.uid()`` on Supabase), with a foreign key
  where ``references`` is set (``ON DELETE SET NULL``);
- BEFORE triggers that set those columns whoever writes and whatever the
  statement says: ``<schema>.set_updated_at()`` on UPDATE,
  ``<schema>.set_updated_by()`` on INSERT and UPDATE, and
  ``<schema>.set_created_by()``, which sets ``created_by`` on INSERT and
  keeps it on UPDATE. A trigger rather than a default plus a privilege or
  check: a default is only a suggestion the client may override, a check
  ``created_by = auth.uid()`` would refuse the service role's writes (which
  have no user) and needs the function in a constraint, and a column-level
  grant would have to list every other column and follow each new one. The
  trigger holds for every role and every statement; a backend writing for a
  user passes that user in the JWT (``sub``), and a row written without one
  records none;
- an index led by each ``*_by`` column: deleting a user looks up its rows by
  that column alone (no tenant in the lookup), and "what did this user
  change" is the question the column exists for.

An append-only table gets only the ``created_*`` columns.
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..spec import models as m
from ..spec.conventions import audit_parts, tenant_column
from .common import (
    Draft,
    Issues,
    find_key,
    function_body,
    helper,
    insert_column,
    name,
    spec_tables,
    user_id,
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
                issues.add(
                    table.path + ("columns", column),
                    f"the audit convention adds '{column}' to this table; remove it here, "
                    f"or leave it out with audit: {{{part}: false}}",
                    key=True,
                )
            if part.endswith("_by") and current_user is None:
                issues.add(
                    table.path + ("audit",),
                    f"'{part}' needs the current user's id: set conventions.user_id to an SQL expression "
                    f"that gives it (Supabase has auth.uid()), or turn it off with audit: {{{part}: false}}",
                )
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
                draft.add_foreign_key(
                    cat.ForeignKey(
                        name(table.qname, [column], "fkey"),
                        table.qname,
                        (column,),
                        ref_table,
                        (ref_column,),
                        on_delete=on_delete,
                    )
                )
        draft.put(target)
        scoped = tenant_column(spec, table.spec) is not None
        for part in ("created_by", "updated_by"):
            if part in parts and not draft.leads_with(target, (parts[part],)):
                draft.add_index(_user_index(table.qname, parts[part], scoped))
        for part in ("updated_at", "created_by", "updated_by"):
            if part in parts:
                triggered.add(part)
                # An append-only table's rows are never updated (its guard raises), and a
                # second UPDATE trigger there would read as a way around the guard.
                events = {
                    "updated_at": ("update",),
                    "updated_by": ("insert", "update"),
                    "created_by": ("insert",) if table.spec.append_only else ("insert", "update"),
                }[part]
                draft.triggers.append(
                    cat.Trigger(
                        name(table.qname, [], f"set_{part}"), table.qname, helper(spec, f"set_{part}"), "before", events
                    )
                )
    for part, template, value, when in (
        ("updated_at", "set_column", "now()", "on every UPDATE"),
        ("updated_by", "set_column", current_user, "on every INSERT and UPDATE, whatever the statement gave"),
        ("created_by", "set_created_by", current_user, "on INSERT and keeps it on UPDATE, whatever the statement gave"),
    ):
        if part in triggered:
            column = part_column(convention, part)
            draft.add_function(
                cat.Function(
                    helper(spec, f"set_{part}"),
                    (),
                    "trigger",
                    "plpgsql",
                    function_body(template, column=column, value=value),
                    search_path="''",
                    comment=f"Sets {column} {when} (audit convention).",
                )
            )
    return draft.done()


def _user_index(table, column: str, scoped: bool) -> cat.Index:
    """The index of an audit key, led by the key: the lookups that need it carry no tenant."""
    ignore = (
        (
            (
                "index-not-tenant-first",
                f'looks rows up by {column} alone: deleting a user (its foreign key) and "what did this user '
                'change" carry no tenant.',
            ),
        )
        if scoped
        else ()
    )
    return cat.Index(name(table, [column], "idx"), table, (cat.IndexKey(column=column),), ignore=ignore)


def part_column(convention: m.AuditConvention, part: str) -> str:
    """The column name the convention gives a part."""
    setting = getattr(convention, part)
    if isinstance(setting, str):
        return setting
    if isinstance(setting, m.AuditUserColumn) and setting.column:
        return setting.column
    return part
