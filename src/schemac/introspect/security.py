"""Grants and row level security policies from catalog rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from ..catalog.objects import DefaultPrivileges, Grant, Policy, QualifiedName, Unmanaged
from ..sqltree import as_read_back
from .reading import Reading, Row, builds

COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}


def grants(rows: Iterable[Row]) -> dict[tuple[str, int], tuple[Grant, ...]]:
    """The effective privileges of each object, one :class:`Grant` per grantee (and column), those held
    WITH GRANT OPTION apart.

    The owner's own privileges are left out. A privilege PostgreSQL gives
    PUBLIC by default (EXECUTE on functions) that PUBLIC no longer has
    becomes a ``revoke=True`` grant, so that the catalog, rendered, recreates
    the object with the same privileges. Grants are sorted by role, those on
    the object before those on its columns, the revoke last.
    """
    held: dict[tuple[str, int], dict[tuple[str, str], list[str]]] = defaultdict(dict)
    builtin: dict[tuple[str, int], list[str]] = {}
    for row in rows:
        key = (row["kind"], row["oid"])
        if row["builtin"]:
            builtin[key] = row["privileges"]
        else:
            held[key][(row["column_name"] or "", row["grantee"])] = row["privileges"]
    out: dict[tuple[str, int], tuple[Grant, ...]] = {}
    for key in held.keys() | builtin.keys():
        by_role = held.get(key, {})
        items = []
        for (column, role), privileges in sorted(by_role.items()):
            columns = (column,) if column else ()
            plain = tuple(p for p in privileges if not p.endswith("*"))
            option = tuple(p[:-1] for p in privileges if p.endswith("*"))
            items += [Grant(plain, (role,), columns=columns)] if plain else []
            items += [Grant(option, (role,), columns=columns, grantable=True)] if option else []
        public = {p.rstrip("*") for p in by_role.get(("", "public"), ())}
        revoked = set(builtin.get(key, ())) - public
        if revoked:
            items.append(Grant(tuple(sorted(revoked)), ("public",), revoke=True))
        if items:
            out[key] = tuple(items)
    return out


def table_of(row: Row, names: Mapping[int, QualifiedName]) -> QualifiedName | None:
    """The table a policy or trigger is on: one read with the catalog (``names``: oid -> name), or the
    platform's table the project attached it to (its row's ``platform_table``); None for another relation."""
    if row["platform_table"]:
        return QualifiedName(*row["platform_table"])
    return names.get(row["table_oid"])


# pg_default_acl.defaclobjtype -> what ALTER DEFAULT PRIVILEGES ... ON names (large objects, 'L', are not modelled).
DEFAULT_ACL_TYPES = {"r": "tables", "S": "sequences", "f": "functions", "T": "types", "n": "schemas"}


@builds("default_privileges")
def default_privileges(read: Reading) -> tuple[DefaultPrivileges, ...]:
    """The entries of default privileges, each with one :class:`Grant` per grantee (those held WITH GRANT
    OPTION apart), sorted by creator (the reading role first), schema (every schema first) and type. Those of
    the platform's creators are left out (:func:`default_privileges_unmanaged` names them)."""
    entries: dict[tuple, list[Grant]] = {}
    for row in read["default_privileges"]:
        on = DEFAULT_ACL_TYPES.get(row["objtype"])
        if on is None or row["for_role"] in read.platform_creators:
            continue
        grants = entries.setdefault((row["for_role"], row["schema"], on), [])
        if row["grantee"] is None:
            continue
        plain = tuple(p for p in row["privileges"] if not p.endswith("*"))
        option = tuple(p[:-1] for p in row["privileges"] if p.endswith("*"))
        grants += [Grant(plain, (row["grantee"],))] if plain else []
        grants += [Grant(option, (row["grantee"],), grantable=True)] if option else []
    out = [DefaultPrivileges(on, for_role, schema, tuple(grants)) for (for_role, schema, on), grants in entries.items()]
    return tuple(sorted(out, key=lambda d: (d.for_role or "", d.schema or "", d.on)))


def default_privileges_unmanaged(rows: Iterable[Row], platform_creators: Collection[str] = ()) -> tuple[Unmanaged, ...]:
    """Entries named as not managed: those of a type schemac does not model (large objects, from PostgreSQL 18),
    and the platform's (``platform_creators``)."""
    out = {}
    for row in rows:
        for_role, schema, objtype = row["for_role"], row["schema"], row["objtype"]
        entry = DefaultPrivileges(DEFAULT_ACL_TYPES.get(objtype, "large objects"), for_role, schema)
        if objtype not in DEFAULT_ACL_TYPES:
            reason = "default privileges on large objects are not modelled"
        elif for_role in platform_creators:
            reason = "the platform's"
        else:
            continue
        out[(for_role or "", schema or "", entry.on)] = Unmanaged("default privileges", _entry_name(entry), reason)
    return tuple(out[key] for key in sorted(out))


def _entry_name(entry: DefaultPrivileges) -> str:
    where = f" in schema {entry.schema}" if entry.schema else ""
    return f"on {entry.on}{where} for role {entry.for_role}" if entry.for_role else f"on {entry.on}{where}"


@builds("policies")
def policies(read: Reading) -> tuple[Policy, ...]:
    out = []
    for row in read["policies"]:
        table = table_of(row, read.names)
        if table is None:
            continue
        out.append(
            Policy(
                name=row["name"],
                table=table,
                command=COMMANDS[row["command"]],
                permissive=row["permissive"],
                roles=tuple(sorted(row["roles"])),
                using=as_read_back(row["using"]),
                with_check=as_read_back(row["with_check"]),
                comment=row["comment"],
            )
        )
    return tuple(sorted(out, key=lambda p: (p.table.schema, p.table.name, p.name)))
