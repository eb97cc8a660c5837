"""Where a database follows schemac's conventions: first guesses, for the round trip to confirm.

Each guess names a convention setting and the tables it is switched on for:

- tenancy: a NOT NULL column that references the same one-column key from
  several tables with row level security, whose policies compare it with
  ``(SELECT <function>())``;
- soft_delete: a nullable ``timestamptz`` column named like ``deleted_at``;
- audit: ``created_at`` / ``updated_at`` (``timestamptz NOT NULL DEFAULT
  now()``) and ``created_by`` / ``updated_by`` columns;
- append_only: BEFORE UPDATE OR DELETE row triggers calling
  ``<schema>.reject_mutation()``;
- partitions, monitoring, signup: the helper functions and views those
  conventions make, found by name in the conventions' schema.

A guess is only a guess: ``schemac.importer`` keeps a switch only when the
spec that uses it, applied to an empty database, still reads back exactly
as the source.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pglast import ast
from pglast.parser import ParseError

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..spec.names import spell
from ..spec.platform import SUPABASE
from ..sqltree import SqlProblem, check_expression
from .explicit import key_of

AUDIT_PARTS = ("created_at", "updated_at", "created_by", "updated_by")
AUDIT_DEFAULTS = {"created_at": True, "updated_at": True, "created_by": True, "updated_by": False}
TIMESTAMPTZ = "timestamp with time zone"


@dataclass
class Guess:
    conventions: dict = field(default_factory=dict)
    switches: dict[QualifiedName, dict] = field(default_factory=dict)
    # Patterns seen that no switch is tried for, by table (None: the whole schema).
    notes: dict[QualifiedName | None, list[str]] = field(default_factory=lambda: defaultdict(list))

    def switch(self, table: QualifiedName, key: str, value) -> None:
        self.switches.setdefault(table, {})[key] = value


def _functions(catalog: cat.Catalog) -> dict[QualifiedName, cat.Function]:
    return {f.qname: f for f in catalog.functions}


def tenant_call(text: str | None, column: str) -> QualifiedName | None:
    """The function in ``column = (SELECT schema.function())`` inside a policy expression."""
    if not text:
        return None
    try:
        node = check_expression(text)
    except (SqlProblem, ParseError):
        return None
    found: list[QualifiedName] = []

    def call_of(expr) -> QualifiedName | None:
        if isinstance(expr, ast.SubLink) and isinstance(expr.subselect, ast.SelectStmt):
            targets = expr.subselect.targetList or ()
            if len(targets) == 1 and not expr.subselect.fromClause:
                expr = targets[0].val
        if isinstance(expr, ast.FuncCall) and not expr.args:
            names = [n.sval for n in expr.funcname]
            if len(names) == 2:
                return QualifiedName(*names)
        return None

    def walk(expr) -> None:
        if isinstance(expr, ast.BoolExpr):
            for arg in expr.args:
                walk(arg)
            return
        if isinstance(expr, ast.A_Expr) and len(expr.name) == 1 and expr.name[0].sval == "=":
            for left, right in ((expr.lexpr, expr.rexpr), (expr.rexpr, expr.lexpr)):
                if isinstance(left, ast.ColumnRef) and left.fields[-1].sval == column:
                    call = call_of(right)
                    if call is not None:
                        found.append(call)

    walk(node)
    return found[0] if found else None


def _is_key(table: cat.Table, column: str) -> bool:
    keys = ([table.primary_key.columns] if table.primary_key else []) + [u.columns for u in table.uniques]
    return (column,) in keys


def helper_schema(catalog: cat.Catalog) -> str:
    """The schema the conventions' helper functions are in: where most of them are, else private."""
    names = {
        "current_tenant_id",
        "set_updated_at",
        "set_updated_by",
        "reject_mutation",
        "create_partitions",
        "refresh_materialized_view",
        "handle_new_user",
    }
    counts = Counter(f.qname.schema for f in catalog.functions if f.qname.name in names)
    return counts.most_common(1)[0][0] if counts else "private"


def guess(catalog: cat.Catalog) -> Guess:
    out = Guess()
    schema = helper_schema(catalog)
    if not any(s.name == schema for s in catalog.schemas):
        # The conventions' helpers need a schema; one the database has keeps the round trip exact.
        others = sorted(s.name for s in catalog.schemas if s.name != "public")
        schema = others[0] if others else schema
    conventions: dict = {}
    if schema != "private":
        conventions["schema"] = schema
    tables = {t.qname: t for t in catalog.tables}
    functions = _functions(catalog)
    append_only = _append_only(catalog, schema, functions, tables, out, conventions)
    _tenancy(catalog, tables, functions, out, conventions, schema)
    _soft_delete(catalog, append_only, out, conventions)
    _audit(catalog, tables, append_only, out, conventions)
    if QualifiedName(schema, "create_partitions") in functions:
        conventions["partitions"] = True
    _monitoring(catalog, schema, functions, conventions)
    _signup(catalog, schema, functions, tables, conventions)
    if list(conventions) == ["schema"]:
        conventions = {}
    out.conventions = conventions
    return out


def _append_only(catalog, schema, functions, tables, out: Guess, conventions: dict) -> set[QualifiedName]:
    guard = QualifiedName(schema, "reject_mutation")
    found = set()
    for trigger in catalog.triggers:
        if trigger.table not in tables or trigger.timing != "before" or trigger.level != "row":
            continue
        if not {"update", "delete"} <= set(trigger.events):
            continue
        function = functions.get(trigger.function)
        if function is None or "raise" not in function.body.lower():
            continue
        if trigger.function == guard:
            found.add(trigger.table)
            out.switch(trigger.table, "append_only", True)
        else:
            out.notes[trigger.table].append(
                f"trigger {trigger.name} rejects UPDATE and DELETE, as `append_only: true` does; that convention "
                f"calls {guard}(), so the trigger is written out as it is"
            )
    if found:
        body = functions[guard].body
        at = body.lower().find("errcode")
        if at >= 0:
            start = body.find("'", at)
            end = body.find("'", start + 1)
            if 0 <= start < end and body[start + 1 : end] != "insufficient_privilege":
                conventions["append_only"] = {"errcode": body[start + 1 : end]}
    return found


def _tenancy(catalog, tables, functions, out: Guess, conventions: dict, schema: str) -> None:
    groups: dict[tuple, list[cat.Table]] = defaultdict(list)
    actions: dict[tuple, Counter] = defaultdict(Counter)
    for fk in catalog.foreign_keys:
        table, target = tables.get(fk.table), tables.get(fk.ref_table)
        if table is None or target is None or len(fk.columns) != 1 or table.qname == target.qname:
            continue
        column = table.column(fk.columns[0])
        if column is None or not column.not_null or not _is_key(target, fk.ref_columns[0]):
            continue
        group = (fk.columns[0], fk.ref_table, fk.ref_columns[0])
        groups[group].append(table)
        actions[group][fk.on_delete] += 1
    best = None
    for group, members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        column = group[0]
        calls = Counter()
        scoped = []
        for table in members:
            policy_calls = [
                tenant_call(p.using, column) or tenant_call(p.with_check, column)
                for p in catalog.policies
                if p.table == table.qname
            ]
            if table.rls_enabled and any(policy_calls):
                scoped.append(table)
                calls.update(c for c in policy_calls if c)
        if scoped and (best is None or len(scoped) > len(best[1])):
            best = (group, scoped, calls)
    if best is None:
        return
    (column, tenants, key), scoped, calls = best
    function = calls.most_common(1)[0][0]
    roles = Counter(
        r
        for p in catalog.policies
        if p.table in {t.qname for t in scoped} and (tenant_call(p.using, column) or tenant_call(p.with_check, column))
        for r in p.roles
    )
    tenancy: dict = {}
    if column != "tenant_id":
        tenancy["column"] = column
    tenancy["references"] = f"{key_of(tenants)}.{spell(key)}"
    action = actions[(column, tenants, key)].most_common(1)[0][0]
    if action != "cascade":
        tenancy["on_delete"] = action or "no action"
    role_list = sorted(r for r, _ in roles.most_common() if r != "public")
    if role_list and not (catalog.flavor == "supabase" and role_list == ["authenticated"]):
        tenancy["roles"] = role_list
    current = _current_tenant(function, functions.get(function), column, catalog, schema)
    if current is not None:
        tenancy["current_tenant"] = current
    conventions["tenancy"] = tenancy
    for table in scoped:
        out.switch(table.qname, "tenant_scoped", True)


def _current_tenant(function: QualifiedName, body: cat.Function | None, column: str, catalog, schema: str) -> object:
    """How the tenancy convention would write ``function``, as close as the body says."""
    name = f"{function}()"
    default = function == QualifiedName(schema, "current_tenant_id")
    if body is None:
        return name
    text = body.body
    if body.security_definer:
        for table in catalog.tables:
            columns = {c.name for c in table.columns}
            if str(table.qname) in text and column in columns:
                user = next((c for c in ("user_id", "profile_id", "member_id") if c in columns), None)
                if user is None:
                    continue
                membership = (
                    key_of(table.qname) if user == "user_id" else {"table": key_of(table.qname), "user_column": user}
                )
                return {"membership": membership} if default else {"function": name, "membership": membership}
    if "current_setting(" in text and "request.jwt" not in text:
        return {"source": "setting"} if default else {"function": name, "source": "setting"}
    return None if default else name


def _soft_delete(catalog, append_only: set, out: Guess, conventions: dict) -> None:
    counts = Counter()
    for table in catalog.tables:
        for column in table.columns:
            if (
                "deleted" in column.name
                and column.type == TIMESTAMPTZ
                and not column.not_null
                and column.default is None
            ):
                counts[column.name] += 1
    if not counts:
        return
    name = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    if name != "deleted_at":
        conventions["soft_delete"] = {"column": name}
    for table in catalog.tables:
        column = table.column(name)
        if column is None or column.type != TIMESTAMPTZ or column.not_null or column.default is not None:
            continue
        if table.qname in append_only:
            out.notes[table.qname].append(f"has {name}, but is append-only, so it cannot be soft-deleted")
            continue
        out.switch(table.qname, "soft_delete", True)


def _audit_parts(table: cat.Table, user_default: str | None) -> set[str]:
    parts = set()
    for part in ("created_at", "updated_at"):
        column = table.column(part)
        if column is not None and column.type == TIMESTAMPTZ and column.not_null and column.default == "now()":
            parts.add(part)
    for part in ("created_by", "updated_by"):
        column = table.column(part)
        if column is not None and not column.not_null and column.default is not None and column.default == user_default:
            parts.add(part)
    return parts


def _audit(catalog, tables, append_only: set, out: Guess, conventions: dict) -> None:
    users = Counter(
        c.default
        for t in catalog.tables
        for c in t.columns
        if c.name in ("created_by", "updated_by") and c.default is not None
    )
    user_default = users.most_common(1)[0][0] if users else None
    found = {t.qname: _audit_parts(t, user_default) for t in catalog.tables}
    found = {q: parts for q, parts in found.items() if parts & {"created_at", "updated_at"}}
    if not found:
        return
    audit: dict = {}
    for part in ("created_by", "updated_by"):
        references = Counter(
            (fk.ref_table, fk.ref_columns[0], fk.on_delete)
            for fk in catalog.foreign_keys
            if fk.table in found and fk.columns == (part,)
        )
        if references and any(part in parts for parts in found.values()):
            (table, column, action), _ = references.most_common(1)[0]
            setting: dict = {"references": f"{key_of(table)}.{spell(column)}"}
            if action != "set null":
                setting["on_delete"] = action or "no action"
            audit[part] = setting
    if audit:
        conventions["audit"] = audit
    if (
        user_default is not None
        and any(parts & {"created_by", "updated_by"} for parts in found.values())
        and not (catalog.flavor == "supabase" and user_default == "auth.uid()")
    ):
        conventions["user_id"] = user_default
    # Parts the convention does not give by default are switched on per table, and the
    # others off, so that the conventions section holds only what must be said once.
    for qname, parts in found.items():
        expected = {p for p in AUDIT_PARTS if AUDIT_DEFAULTS[p] or p in audit}
        if qname in append_only:
            expected -= {"updated_at", "updated_by"}
            parts = parts - {"updated_at", "updated_by"}
        if parts == expected:
            out.switch(qname, "audit", True)
        else:
            out.switch(qname, "audit", {p: p in parts for p in AUDIT_PARTS if (p in parts) != (p in expected)})


def _monitoring(catalog, schema, functions, conventions: dict) -> None:
    names = {QualifiedName(schema, "refresh_materialized_view")} & set(functions)
    views = {v.qname: v for v in catalog.views}
    health = views.get(QualifiedName(schema, "table_health"))
    if not names and health is None:
        return
    roles = sorted(
        {r for g in (health.grants if health else ()) if not g.revoke and "select" in g.privileges for r in g.roles}
    )
    conventions["monitoring"] = {"roles": roles} if roles else True


def _signup(catalog, schema, functions, tables, conventions: dict) -> None:
    function = functions.get(QualifiedName(schema, "handle_new_user"))
    if function is None or catalog.flavor != "supabase":
        return
    users = QualifiedName("auth", "users")
    for fk in catalog.foreign_keys:
        table = tables.get(fk.table)
        if (
            fk.ref_table != users
            or table is None
            or table.primary_key is None
            or table.primary_key.columns != fk.columns
            or str(table.qname) not in function.body
        ):
            continue
        auth_columns = SUPABASE.tables[users][1]
        columns = {
            c.name: c.name
            for c in table.columns
            if c.name in auth_columns and c.name not in fk.columns and f"new.{c.name}" in function.body
        }
        conventions["signup"] = {"table": key_of(table.qname), "columns": columns} if columns else key_of(table.qname)
        return
