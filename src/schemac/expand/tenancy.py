"""tenancy: every row of a tenant-scoped table belongs to one tenant, and only
that tenant's users reach it.

``conventions.tenancy`` names the tenant column, the key it references, the
roles of the policies and how the current tenant is found. Each table with
``tenant_scoped: true`` gets:

- the tenant column (``NOT NULL``, the type of the referenced key) after its
  leading primary-key columns, and its foreign key (``ON DELETE CASCADE``);
- the tenant column in each of its foreign keys to another tenant-scoped
  table, ``(tenant_id, vehicle_id) -> vehicles (tenant_id, id)``, with the
  unique key that needs on the referenced table and an index led by the
  key's columns: a foreign-key check ignores row level security, so a key
  without the tenant would let a tenant attach rows to another tenant's
  (and learn which of its ids exist). It also makes the delete-time lookup
  ``tenant_id = $1 AND vehicle_id = $2``, which tenant-first indexes serve;
- an index led by the tenant column, unless a key or index already is;
- row level security, enabled and forced;
- with ``policies: auto`` (the default when the table writes no policies),
  one policy per command ``TO`` the roles, comparing the tenant column with
  ``(select <current tenant function>())`` in USING and WITH CHECK, so that
  PostgreSQL computes the tenant once per statement; append-only tables get
  SELECT and INSERT only, soft-delete tables no DELETE;
- the table privileges those policies need, granted to the same roles.

The current-tenant function is generated unless the spec declares a
function of that name: from a JWT claim, from a setting, or from a claim
confirmed by a row of the membership table (a SECURITY DEFINER function,
since it reads memberships on the caller's behalf).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..render.quoting import ident, literal
from ..spec import models as m
from ..spec.names import split_qualified, suggest
from .common import (
    Draft,
    Issues,
    SpecTable,
    call,
    check_roles,
    find_key,
    function_body,
    helper_schema,
    insert_column,
    name,
    spec_tables,
    user_id,
)

COMMANDS = ("select", "insert", "update", "delete")
_CLAIM_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_SETTING = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+\Z")


def default_commands(table: m.TableSpec) -> tuple[str, ...]:
    out = COMMANDS
    if table.append_only:
        out = tuple(c for c in out if c not in ("update", "delete"))
    if table.soft_delete:
        out = tuple(c for c in out if c != "delete")  # rows are deleted by setting the soft-delete column
    return out


def tenancy(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    issues = Issues()
    conv = spec.conventions.tenancy
    scoped = [t for t in spec_tables(spec) if t.spec.tenancy is not None]
    for t in spec_tables(spec):
        if t.spec.policies == "auto" and t.spec.tenancy is None:
            issues.add(
                t.path + ("policies",),
                "'policies: auto' writes the policies of a tenant-scoped table; "
                "add 'tenant_scoped: true', or write the policies out",
            )
    if conv is None:
        for t in scoped:
            issues.add(
                t.path + ("tenant_scoped",),
                "tenant_scoped needs conventions.tenancy, with at least "
                "'references': the key of the tenants table (references: tenants.id)",
                key=True,
            )
        issues.raise_if_any(catalog)
        return catalog

    base = ("conventions", "tenancy")
    column = conv.column
    issues.ident(column, base + ("column",))
    found = find_key(catalog, spec, conv.references)
    if isinstance(found, str):
        issues.add(base + ("references",), found)
    roles = conv.roles
    if roles is None:
        if spec.target.flavor == "supabase":
            roles = ["authenticated"]
        else:
            issues.add(
                base,
                "name the roles the tenant policies apply to (roles: [app_user]); "
                "only the supabase flavor has a default, authenticated",
                key=True,
            )
            roles = []
    check_roles(roles, spec, base + ("roles",), issues)
    function = _function_name(spec, catalog, conv.current, issues)
    if isinstance(found, str) or function is None:
        issues.raise_if_any(catalog)
    tenants, key, type_ = found

    draft = Draft(catalog)
    membership = None
    if function not in draft.functions:
        generated, membership = _current_tenant(spec, catalog, conv, function, type_, tuple(roles), issues)
        if generated is not None:
            draft.add_function(generated)
    draft.ensure_schema(function.schema, tuple(roles))
    _keys_within_tenant(draft, scoped, column, issues)
    for t in scoped:
        _scope(spec, draft, t, conv, function, (tenants, key, type_), roles, issues)
    issues.raise_if_any(catalog)
    table = draft.table(membership) if membership is not None else None
    if table is not None and table.rls_forced:
        reason = (
            f"{function}() reads memberships as the table owner; forced RLS would hide them from it "
            "(and the table's policies call that function)."
        )
        draft.put(replace(table, rls_forced=False, ignore=table.ignore + (("rls-not-forced", reason),)))
    return draft.done()


def _function_name(spec, catalog, current: m.CurrentTenantSpec, issues: Issues) -> QualifiedName | None:
    path = ("conventions", "tenancy", "current_tenant", "function")
    written = current.function or f"{helper_schema(spec)}.current_tenant_id"
    parts = split_qualified(written, helper_schema(spec))
    if parts is None:
        issues.add(path, f"'{written}' is not a function name: write 'schema.name()'")
        return None
    if not all(issues.ident(p, path) for p in parts):
        return None
    qname = QualifiedName(*parts)
    schemas = {s.name for s in catalog.schemas} | {helper_schema(spec)}
    if qname.schema not in schemas:
        issues.add(
            path,
            f"schema '{qname.schema}' is not declared under 'schemas'{suggest(qname.schema, schemas)}; "
            f"put the function in a schema of the spec, such as {helper_schema(spec)}",
        )
        return None
    exposed = next((s.exposed for s in catalog.schemas if s.name == qname.schema), False)
    if exposed and all(f.qname != qname for f in catalog.functions):
        issues.add(
            path,
            f"schema '{qname.schema}' is exposed through the API; the current-tenant function "
            f"belongs in a schema that is not, such as {helper_schema(spec)}",
        )
        return None
    return qname


def _claimed(spec: m.Spec, current: m.CurrentTenantSpec, type_: str, issues: Issues) -> str | None:
    """SQL for the tenant the request names: from the JWT claim, or from a setting."""
    path = ("conventions", "tenancy", "current_tenant")
    use_setting = current.kind == "setting" or (
        current.kind == "membership"
        and "setting" in current.model_fields_set
        and "claim" not in current.model_fields_set
    )
    if use_setting:
        if not _SETTING.fullmatch(current.setting):
            issues.add(
                path + ("setting",),
                f"'{current.setting}' is not a custom setting name; write it with a prefix, like app.tenant_id",
            )
            return None
        return f"nullif(current_setting({literal(current.setting)}, true), '')::{type_}"
    parts = current.claim.split(".")
    if not all(_CLAIM_PART.fullmatch(p) for p in parts):
        issues.add(
            path + ("claim",),
            f"'{current.claim}' is not a claim path; write the keys with dots, like app_metadata.tenant_id",
        )
        return None
    jwt = (
        "auth.jwt()"
        if spec.target.flavor == "supabase"
        else "nullif(current_setting('request.jwt.claims', true), '')::jsonb"
    )
    path_sql = "".join(f" -> {literal(p)}" for p in parts[:-1]) + f" ->> {literal(parts[-1])}"
    return f"nullif({jwt}{path_sql}, '')::{type_}"


def _current_tenant(spec, catalog, conv: m.TenancySpec, function: QualifiedName, type_: str, roles, issues):
    current = conv.current
    claimed = _claimed(spec, current, type_, issues)
    if claimed is None:
        return None, None
    membership = None
    context = {"claimed": claimed}
    if current.kind == "membership":
        path = ("conventions", "tenancy", "current_tenant", "membership")
        spec_membership = current.memberships
        parts = split_qualified(spec_membership.table)
        table = next((t for t in catalog.tables if parts and t.qname == QualifiedName(*parts)), None)
        if table is None:
            known = [t.qname.name if t.qname.schema == "public" else str(t.qname) for t in catalog.tables]
            issues.add(
                path + ("table",), f"unknown table '{spec_membership.table}'{suggest(spec_membership.table, known)}"
            )
            return None, None
        columns = {c.name for c in table.columns}
        scoped = any(t.qname == table.qname and t.spec.tenancy is not None for t in spec_tables(spec))
        if conv.column not in columns and not scoped:
            issues.add(
                path + ("table",),
                f"table '{table.qname.name}' has no tenant column '{conv.column}'; "
                "make it tenant_scoped or give it the column",
            )
        if spec_membership.user_column not in columns:
            issues.add(
                path + ("user_column",),
                f"table '{table.qname.name}' has no column '{spec_membership.user_column}'"
                f"{suggest(spec_membership.user_column, columns)}",
            )
        user = user_id(spec)
        if user is None:
            issues.add(
                path,
                "a membership lookup needs the current user's id: set conventions.user_id (Supabase has auth.uid())",
            )
        if issues.items:
            return None, None
        membership = table.qname
        context.update(
            membership=table.qname, tenant_column=conv.column, user_column=spec_membership.user_column, user_id=user
        )
    revoked = ("public", "anon") if spec.target.flavor == "supabase" else ("public",)
    how = {
        "claim": f"the JWT claim {current.claim}",
        "setting": f"the setting {current.setting}",
        "membership": "the tenant the request names, if the caller is a member of it",
    }[current.kind]
    generated = cat.Function(
        function,
        (),
        type_,
        "plpgsql",
        function_body("current_tenant", **context),
        volatility="stable",
        security_definer=membership is not None,
        search_path="''",
        grants=(cat.Grant(("execute",), tuple(roles)), cat.Grant(("execute",), revoked, revoke=True)),
        comment=f"The current tenant: {how} (tenancy convention).",
    )
    return generated, membership


def _scope(spec, draft: Draft, t: SpecTable, conv: m.TenancySpec, function, key, default_roles, issues: Issues) -> None:
    tenants, key_column, type_ = key
    column = conv.column
    table = draft.table(t.qname)
    if table is None:
        return
    ok = True
    if t.qname == tenants:
        issues.add(
            t.path + ("tenant_scoped",),
            "this is the table of tenants, which is not itself tenant-scoped: its rows are the tenants",
            key=True,
        )
        ok = False
    if column in t.spec.columns:
        issues.add(
            t.path + ("columns", column),
            f"tenant_scoped adds the column '{column}' (referencing {tenants.name}.{key_column}); remove it here",
            key=True,
        )
        ok = False
    rls = t.spec.rls
    if rls is not None and not (rls.enable and rls.force):
        issues.add(t.path + ("rls",), "a tenant-scoped table has row level security enabled and forced; remove 'rls'")
        ok = False
    switch = t.spec.tenancy
    explicit = isinstance(t.spec.policies, dict) and bool(t.spec.policies)
    if explicit and (switch.commands is not None or switch.roles is not None):
        issues.add(
            t.path + ("tenant_scoped",),
            "'roles' and 'commands' shape generated policies, but this table "
            "writes its own 'policies'; keep one or the other",
        )
        ok = False
    commands = tuple(switch.commands) if switch.commands is not None else default_commands(t.spec)
    if t.spec.append_only:
        for i, command in enumerate(commands):
            if command in ("update", "delete"):
                issues.add(
                    t.path + ("tenant_scoped", "commands", i),
                    f"an append-only table takes no {command.upper()} policy; its rows never change",
                )
                ok = False
    roles = list(switch.roles) if switch.roles is not None else list(default_roles)
    if switch.roles is not None:
        ok = check_roles(roles, spec, t.path + ("tenant_scoped", "roles"), issues) and ok
    if not ok:
        return

    table = insert_column(table, cat.Column(column, type_, not_null=True), after_key=True)
    table = replace(table, rls_enabled=True, rls_forced=True)
    draft.add_foreign_key(
        cat.ForeignKey(
            name(t.qname, [column], "fkey"), t.qname, (column,), tenants, (key_column,), on_delete=conv.on_delete
        ),
        first=True,
    )
    if not draft.leads_with(table, (column,)):
        draft.add_index(cat.Index(name(t.qname, [column], "idx"), t.qname, (cat.IndexKey(column=column),)))
    if explicit:
        draft.put(table)
        return

    tenant = f"{ident(column)} = {call(function)}"
    policies = []
    for command in COMMANDS:
        if command not in commands:
            continue
        using = None if command == "insert" else tenant
        check = tenant if command in ("insert", "update") else None
        policies.append(
            cat.Policy(
                name(t.qname, [], command),
                t.qname,
                command,
                True,
                tuple(roles),
                using,
                check,
                comment="Tenant isolation: rows of the current tenant only (tenancy convention).",
            )
        )
    grant = cat.Grant(tuple(c for c in COMMANDS if c in commands), tuple(roles))
    draft.put(replace(table, grants=table.grants + (grant,)))
    draft.policies.extend(policies)


def _keys_within_tenant(draft: Draft, scoped: list[SpecTable], column: str, issues: Issues) -> None:
    """Each foreign key from a tenant-scoped table to another gets the tenant column in front on both
    sides; a key that names the tenant column on either side is left as written."""
    tables = {t.qname: t for t in scoped}
    keys = []
    for fk in draft.foreign_keys:
        if fk.table in tables and fk.ref_table in tables and column not in fk.columns + fk.ref_columns:
            clears = next((a for a in (fk.on_delete, fk.on_update) if a in ("set null", "set default")), None)
            if clears:
                issues.add(
                    _path_of(tables[fk.table], fk),
                    f"a foreign key between tenant-scoped tables includes {column}, so '{clears}' would "
                    f"set {column} too; use cascade, restrict or no action",
                )
            else:
                fk = _with_tenant(draft, fk, column)
        keys.append(fk)
    draft.foreign_keys = keys


def _with_tenant(draft: Draft, fk: cat.ForeignKey, column: str) -> cat.ForeignKey:
    columns, ref_columns = (column, *fk.columns), (column, *fk.ref_columns)
    default = name(fk.table, fk.columns, "fkey")
    fk = replace(
        fk,
        name=name(fk.table, columns, "fkey") if fk.name == default else fk.name,
        columns=columns,
        ref_columns=ref_columns,
    )
    target = draft.table(fk.ref_table)
    keys = ([target.primary_key.columns] if target.primary_key else []) + [u.columns for u in target.uniques]
    if not any(set(k) == set(ref_columns) for k in keys):
        unique = cat.Unique(name(fk.ref_table, ref_columns, "key"), ref_columns)
        draft.put(replace(target, uniques=target.uniques + (unique,)))
    if not draft.leads_with(draft.table(fk.table), columns):
        draft.add_index(
            cat.Index(name(fk.table, columns, "idx"), fk.table, tuple(cat.IndexKey(column=c) for c in columns))
        )
    return fk


def _path_of(t: SpecTable, fk: cat.ForeignKey) -> tuple:
    """Where the spec declares ``fk``: a column's 'references' or an entry of 'foreign_keys'."""
    for i, declared in enumerate(t.spec.foreign_keys):
        if tuple(declared.columns) == fk.columns:
            return t.path + ("foreign_keys", i)
    return t.path + ("columns", fk.columns[0], "references")
