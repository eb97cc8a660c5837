"""The spec's privileges as an allow-list: who holds what on each object the spec makes.

A role the spec names (in a grant or revoke, its conventions' included, or under
``roles``), PUBLIC, and on Supabase the API roles ``anon`` and ``authenticated``
hold on each object exactly what the spec grants them, whatever the database's
defaults give: Supabase's ``ALTER DEFAULT PRIVILEGES`` (ALL on new tables,
sequences and functions in ``public`` to the API roles) and PostgreSQL's own
(EXECUTE on a new function to PUBLIC). A revoke names a role and takes the
privilege out of what the spec grants it; it never needs to name a default.

The privileges of every other role (the owner's; ``service_role``, ``postgres``
and the platform's roles on Supabase, unless the spec names them) are not
managed: never granted or revoked. The ``public`` schema is every database's,
and the platform sets its privileges: they are managed only where the spec
gives it ``grants:``. So are a type's (an enum, a domain, a composite type):
USAGE on a type lets a role create objects that use it (PostgreSQL gives it
to PUBLIC), not read or write its values.

Default privileges (``ALTER DEFAULT PRIVILEGES``: what objects made later, by
a migration, a dashboard or another tool, give) are managed only where the
spec has ``default_privileges:``. Then the managed roles hold by each entry
of the applying role's, and of every role the spec names, exactly what the
spec's entries give them: an entry the spec leaves out holds what PostgreSQL
holds without one. Entries of other roles (Supabase's platform roles among
them) are left alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import get_args

from ..catalog import kinds
from ..catalog import objects as cat
from . import models as m
from .names import suggest
from .platform import platform_for

# On Supabase, the roles PostgREST acts as for clients: what they may do is the allow-list's point.
API_ROLES = ("anon", "authenticated")

# The order privileges are written in: PostgreSQL's, which the spec's Privilege literal follows after "all".
ORDER = ("all", *(p for p in get_args(m.Privilege) if p != "all"))

# The catalog slots whose objects carry grants (aggregates and partitions included).
_SLOTS = tuple(kind.slot for kind in kinds.GRANTED)

# What PostgreSQL grants on a column.
COLUMN_PRIVILEGES = ("select", "insert", "update", "references")


def privilege_problems(item: m.Grant | m.Revoke, allowed: set[str], columns: set[str] | None):
    """(path within the item, message) for each problem of one grant or revoke: a privilege of another
    kind of object, columns where there are none (``columns`` None) or that the table lacks, a privilege
    PostgreSQL does not grant on a column."""
    for j, privilege in enumerate(item.privileges):
        if privilege not in allowed:
            yield (
                ("privileges", j),
                f"privilege '{privilege}' does not apply here; use one of {', '.join(sorted(allowed))}",
            )
        elif item.columns and columns is not None and privilege not in COLUMN_PRIVILEGES:
            yield (
                ("privileges", j),
                f"privilege '{privilege}' cannot be granted on columns; use one of {', '.join(COLUMN_PRIVILEGES)}",
            )
    if item.columns and columns is None:
        yield ("columns",), "columns can be named in the grants of a table only"
    elif item.columns:
        for j, column in enumerate(item.columns):
            if column not in columns:
                yield ("columns", j), f"the table has no column '{column}'{suggest(column, columns)}"


def allow_list(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    """``catalog`` (resolved and expanded) with the scope of its privileges, and each object's
    grants as what each managed role ends with: one grant per set of privileges, no revokes."""
    public = spec.schemas.get("public")
    managed_defaults = "default_privileges" in spec.model_fields_set
    scope = cat.PrivilegeScope(
        roles=managed_roles(spec, catalog),
        schemas_left_alone=() if public is not None and "grants" in public.model_fields_set else ("public",),
        types=tuple(t.qname for t in (*catalog.enums, *catalog.domains, *catalog.composite_types) if t.grants),
    )
    if managed_defaults:
        scope = replace(scope, creators=_creators(scope, catalog))
    slots = {slot: tuple(_exact(obj) for obj in getattr(catalog, slot)) for slot in _SLOTS}
    defaults = _with_platform_defaults(catalog) if managed_defaults else catalog.default_privileges
    return replace(catalog, privileges=scope, default_privileges=defaults, **slots)


def _creators(scope: cat.PrivilegeScope, catalog: cat.Catalog) -> tuple[str, ...]:
    """The roles the spec names (the managed ones, and those named as for_role), lower case, sorted: their
    default privileges are managed, with the applying role's."""
    named = {e.for_role.lower() for e in catalog.default_privileges if e.for_role} | set(scope.roles)
    return tuple(sorted(named - {"public"}))


def _with_platform_defaults(catalog: cat.Catalog) -> tuple[cat.DefaultPrivileges, ...]:
    """The spec's default privileges, and an empty entry for each of the platform's it does not list, so that
    what the platform gave the roles the spec manages there is taken back when the SQL is built."""
    listed = {(e.for_role, e.schema, e.on) for e in catalog.default_privileges}
    platform = platform_for(catalog.flavor).default_privileges
    added = [cat.DefaultPrivileges(on, None, schema) for schema, on in platform if (None, schema, on) not in listed]
    return (*catalog.default_privileges, *added)


def managed_roles(spec: m.Spec, catalog: cat.Catalog) -> tuple[str, ...]:
    """PUBLIC first, then the API roles on Supabase, the roles listed under ``roles``, those the conventions
    name, and every role a grant or revoke of ``catalog`` names; lower case, sorted."""
    named = {role.lower() for role in spec.roles}
    conventions = spec.conventions
    for roles in (
        conventions.tenancy.roles if conventions.tenancy else None,
        conventions.monitoring_views.roles if conventions.monitoring_views else None,
    ):
        named |= {role.lower() for role in ([roles] if isinstance(roles, str) else roles or ())}
    for slot in _SLOTS:
        for obj in getattr(catalog, slot):
            grants = obj.grants + tuple(g for c in getattr(obj, "columns", ()) for g in c.sequence_grants)
            named |= {role.lower() for grant in grants for role in grant.roles}
    named |= {role.lower() for entry in catalog.default_privileges for grant in entry.grants for role in grant.roles}
    if catalog.flavor == "supabase":
        named |= set(API_ROLES)
    named.discard("public")
    return ("public", *sorted(named))


def _exact(obj):
    """``obj`` with its grants as the privileges each role ends with: on the object, then on its columns,
    those held WITH GRANT OPTION apart; roles that end with the same together."""
    if not obj.grants or kinds.of(obj).grant_keyword is None:
        return obj
    # (privileges, grantable, columns) -> roles
    together: dict[tuple[tuple[str, ...], bool, tuple[str, ...]], list[str]] = {}
    for role, held in sorted(cat.acl(obj.grants).items()):
        for privileges, grantable in _split(held):
            together.setdefault((privileges, grantable, ()), []).append(role)
    by_role: dict[tuple[str, tuple[str, ...], bool], list[str]] = {}
    for (role, column), held in cat.column_acl(obj.grants).items():
        for privileges, grantable in _split(held):
            by_role.setdefault((role, privileges, grantable), []).append(column)
    for (role, privileges, grantable), columns in sorted(by_role.items()):
        together.setdefault((privileges, grantable, tuple(columns)), []).append(role)
    grants = tuple(
        cat.Grant(privileges, tuple(roles), columns=columns, grantable=grantable)
        for (privileges, grantable, columns), roles in together.items()
    )
    return replace(obj, grants=grants)


def _split(held: set[str]) -> list[tuple[tuple[str, ...], bool]]:
    """(privileges held plainly, False), (those held WITH GRANT OPTION, True), each when any."""
    plain = tuple(sorted((p for p in held if not p.endswith("*")), key=_position))
    option = tuple(sorted((p[:-1] for p in held if p.endswith("*")), key=_position))
    return [(privileges, grantable) for privileges, grantable in ((plain, False), (option, True)) if privileges]


def _position(privilege: str) -> int:
    return ORDER.index(privilege) if privilege in ORDER else len(ORDER)
