"""Who holds which privilege on tables and functions, folded from GRANT, REVOKE,
ALTER DEFAULT PRIVILEGES, GRANT role TO role and ALTER TABLE ... OWNER TO.

PostgreSQL's rules, as modelled here: a new object gets the default
privileges of its kind, the global ones (``ALTER DEFAULT PRIVILEGES`` without
``IN SCHEMA``; for functions these start as EXECUTE to PUBLIC) plus those of
its schema. A per-schema REVOKE only takes back a per-schema GRANT, so it
never removes PUBLIC's EXECUTE. ``FOR ROLE`` is not told apart: the linted
SQL is taken to be run by the role that creates the objects. Column grants
count as the privilege (the command can then pass the check on those
columns); a table-wide REVOKE takes them back too, as in PostgreSQL.
"""

from __future__ import annotations

from schemac.lint.model import Model, Table
from schemac.lint.source import Statement
from schemac.lint.tree import names_key, relation_key, role_name, strings

TABLE = "tables"
FUNCTION = "functions"

_KINDS = {
    "OBJECT_TABLE": TABLE,
    "OBJECT_FUNCTION": FUNCTION,
    "OBJECT_PROCEDURE": FUNCTION,
    "OBJECT_ROUTINE": FUNCTION,
}
_ALL = {
    TABLE: frozenset({"select", "insert", "update", "delete", "truncate", "references", "trigger", "maintain"}),
    FUNCTION: frozenset({"execute"}),
}
# The roles Supabase's platform grants every privilege on new tables and
# functions in public (its default privileges, as the stand-in sets them).
_SUPABASE_API_ROLES = ("anon", "authenticated", "service_role")

Grants = dict[str, set[str]]  # role -> privileges


def starting_defaults(supabase: bool) -> dict[tuple[str, str], Grants]:
    """Default privileges before the linted SQL, per (kind, schema); schema "" is global."""
    defaults: dict[tuple[str, str], Grants] = {(FUNCTION, ""): {"public": {"execute"}}}
    if supabase:
        for kind in (TABLE, FUNCTION):
            defaults[(kind, "public")] = {role: set(_ALL[kind]) for role in _SUPABASE_API_ROLES}
    return defaults


def new_object_grants(model: Model, kind: str, schema: str) -> Grants:
    """The privileges an object of ``kind`` created now in ``schema`` starts with."""
    grants: Grants = {}
    for scope in ("", schema):
        for role, privileges in model.default_privileges.get((kind, scope), {}).items():
            grants.setdefault(role, set()).update(privileges)
    return grants


def grant(model: Model, stmt: Statement) -> None:
    """GRANT / REVOKE on tables and functions (by name or ALL ... IN SCHEMA)."""
    node = stmt.node
    kind = _KINDS.get(node.get("objtype", ""))
    if kind is None or (not node.get("is_grant") and node.get("grant_option")):
        return  # another kind of object, or REVOKE GRANT OPTION FOR, which leaves the privilege
    targets = _targets(model, kind, node)
    privileges = _privileges(kind, node.get("privileges"))
    roles = _roles(node.get("grantees"))
    for grants in targets:
        _change(grants, roles, privileges, bool(node.get("is_grant")))
    if kind == TABLE:
        for table in _tables(model, node):
            table.privileges_known = True


def default_privileges(model: Model, stmt: Statement) -> None:
    """ALTER DEFAULT PRIVILEGES [IN SCHEMA s] GRANT / REVOKE ... ON TABLES | FUNCTIONS."""
    action = stmt.node.get("action") or {}
    kind = _KINDS.get(action.get("objtype", ""))
    if kind is None or (not action.get("is_grant") and action.get("grant_option")):
        return
    schemas = [""]
    for option in stmt.node.get("options") or ():
        elem = option.get("DefElem", {})
        if elem.get("defname") == "schemas":
            schemas = strings(elem.get("arg", {}).get("List", {}).get("items"))
    privileges = _privileges(kind, action.get("privileges"))
    roles = _roles(action.get("grantees"))
    model.table_defaults_known |= kind == TABLE
    for schema in schemas:
        grants = model.default_privileges.setdefault((kind, schema), {})
        _change(grants, roles, privileges, bool(action.get("is_grant")))


def grant_role(model: Model, stmt: Statement) -> None:
    """GRANT role TO member / REVOKE role FROM member. Only an inheriting
    membership passes the role's privileges on: WITH INHERIT FALSE and REVOKE
    INHERIT OPTION FOR end it here; REVOKE ADMIN or SET OPTION FOR leave it."""
    node = stmt.node
    roles = [p["AccessPriv"].get("priv_name", "") for p in node.get("granted_roles") or ()]
    options = {}
    for option in node.get("opt") or ():
        elem = option.get("DefElem", {})
        options[elem.get("defname")] = bool((elem.get("arg") or {}).get("Boolean", {}).get("boolval"))
    if node.get("is_grant"):
        inherits = options.get("inherit", True)
    elif not options or "inherit" in options:
        inherits = False
    else:
        return
    for member in _roles(node.get("grantee_roles")):
        parents = model.memberships.setdefault(member, set())
        if inherits:
            parents.update(roles)
        else:
            parents.difference_update(roles)


def role_options(model: Model, name: str, options: list | None) -> None:
    """CREATE ROLE name IN ROLE parent / ROLE member: memberships given at creation."""
    for option in options or ():
        elem = option.get("DefElem", {})
        listed = _roles((elem.get("arg") or {}).get("List", {}).get("items"))
        if elem.get("defname") == "addroleto":
            model.memberships.setdefault(name, set()).update(listed)
        elif elem.get("defname") == "rolemembers":
            for member in listed:
                model.memberships.setdefault(member, set()).add(name)


def related_roles(model: Model, role: str) -> set[str]:
    """The role, the roles whose privileges it has (through inheriting memberships)."""
    seen, todo = {role}, [role]
    while todo:
        for parent in model.memberships.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def members_of(model: Model, role: str) -> set[str]:
    """The role and every role that has its privileges through membership."""
    seen, changed = {role}, True
    while changed:
        changed = False
        for member, parents in model.memberships.items():
            if member not in seen and parents & seen:
                seen.add(member)
                changed = True
    return seen


def holds(model: Model, grants: Grants, role: str, privileges: set[str] | frozenset[str]) -> bool:
    """Does ``role`` hold one of ``privileges`` in ``grants``, itself, through
    PUBLIC or through a role it is a member of?"""
    return any(grants.get(r, set()) & privileges for r in related_roles(model, role) | {"public"})


def _tables(model: Model, node: dict) -> list[Table]:
    if node.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
        schemas = set(strings(node.get("objects")))
        return [t for k, t in model.tables.items() if k[0] in schemas]
    keys = [relation_key(o["RangeVar"]) for o in node.get("objects") or () if "RangeVar" in o]
    return [model.tables[k] for k in keys if k in model.tables]


def _targets(model: Model, kind: str, node: dict) -> list[Grants]:
    if kind == TABLE:
        return [table.privileges for table in _tables(model, node)]
    if node.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
        schemas = set(strings(node.get("objects")))
        return [f.grants for k, f in model.functions.items() if k[0] in schemas]
    keys = [names_key(o["ObjectWithArgs"].get("objname")) for o in node.get("objects") or () if "ObjectWithArgs" in o]
    return [model.functions[k].grants for k in keys if k in model.functions]


def _privileges(kind: str, written: list | None) -> frozenset[str]:
    """The privileges a GRANT names; none written is ALL [PRIVILEGES]."""
    names = {p["AccessPriv"].get("priv_name") for p in written or ()}
    if not names or None in names:  # ALL (column list): every privilege of the kind
        return _ALL[kind]
    return frozenset(names) & _ALL[kind]


def _roles(specs: list | None) -> list[str]:
    return [role_name(spec) for spec in specs or ()]


def _change(grants: Grants, roles: list[str], privileges: frozenset[str], is_grant: bool) -> None:
    for role in roles:
        held = grants.setdefault(role, set())
        if is_grant:
            held.update(privileges)
        else:
            held.difference_update(privileges)
