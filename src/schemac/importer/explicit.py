"""A catalog read from a database -> the data of a schema.yaml that builds the same objects.

Every object is written out explicitly, except those in ``Choices.skip``:
the objects the conventions switched on in ``Choices`` generate by
themselves. What the spec cannot hold is left out and said in a comment
where it belongs (``Built.unsupported``).

Names follow the spec's defaults where the database does (``vehicles_pkey``,
``vehicles_vin_key``, ``vehicles_tenant_id_idx``), so they are written only
where they differ; types are written the short way (``timestamptz``); grants
that the platform gives anyway (on Supabase: everything on new objects in
public to anon, authenticated and service_role; EXECUTE on functions to
PUBLIC everywhere) are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.objects import QualifiedName, acl, column_acl
from ..spec.leave_alone import entry_for
from ..spec.names import identifier_problem, key_part_problem, spell
from ..spec.platform import platform_for
from ..spec.known_types import EXTENSION_TYPES
from .common import (
    FULL,
    PRIVILEGES_ON,
    SPEC_PRIVILEGES,
    SUPABASE_API_ROLES,
    TABLE_PRIVILEGES,
    Identity,
    bare,
    identity,
    key_of,
    one,
    short_type,
)
from .routines import RoutineParts
from .tables import TableParts, group_kind
from .yamltext import Commented

__all__ = ["Built", "Builder", "Choices", "build", "identity", "key_of"]


@dataclass(frozen=True)
class Choices:
    """What the conventions take over: the ``conventions`` section, each table's switches,
    and the identities of the objects they generate (left out of the spec)."""

    conventions: dict = field(default_factory=dict)
    switches: dict[QualifiedName, dict] = field(default_factory=dict)
    skip: frozenset[Identity] = frozenset()
    # Objects the spec refuses (it does not build with them), and why: left out with a comment.
    exclude: dict[Identity, str] = field(default_factory=dict)
    # Objects a spec written from these choices does not make again, and why: listed under leave_alone.
    unmade: dict[Identity, tuple[Any, str]] = field(default_factory=dict)


@dataclass
class Built:
    doc: Commented
    unsupported: list[tuple[tuple, str]]
    located: dict[tuple, Identity]  # the path of each object in the spec -> its identity
    # The objects left out whole, as the spec's leave_alone names them, and why: a plan leaves them alone.
    left_out: list[tuple[str, str]] = field(default_factory=list)

    def locate(self, path: tuple) -> Identity | None:
        """The object at ``path`` or around it (the longest path of an object that ``path`` starts with)."""
        path = tuple(path)
        while path:
            if path in self.located:
                return self.located[path]
            path = path[:-1]
        return None


class Builder(TableParts, RoutineParts):
    def __init__(self, catalog: cat.Catalog, choices: Choices, minimal: bool = False):
        self.catalog = catalog
        self.choices = choices
        self.minimal = minimal  # only what the conventions read: tables, keys, partitions, switches
        self.unsupported: list[tuple[tuple, str]] = []
        self.left_out: dict[Identity, tuple[Any, str]] = dict(choices.unmade)
        self.platform = platform_for(catalog.flavor)
        self.roles: set[str] = set()
        self.user_types = {
            t.qname for t in (*catalog.enums, *catalog.domains, *catalog.composite_types, *catalog.tables)
        }
        self.extension_schemas = {e.schema for e in catalog.extensions}
        self.spec_tables = {t.qname for t in catalog.tables} | set(self.platform.tables)
        self.tables_by_name = {t.qname: t for t in catalog.tables}
        self.function_names: dict[QualifiedName, int] = defaultdict(int)
        for function in catalog.functions:
            self.function_names[function.qname] += 1
        self.supabase = catalog.flavor == "supabase"
        self.full_table = TABLE_PRIVILEGES + (("maintain",) if catalog.target_version >= 17 else ())
        self.managed = self.managed_roles()
        self.located: dict[tuple, Identity] = {}
        # What hangs off each table, found once.
        self.on = kinds.by_relation(catalog)
        self.children: dict[QualifiedName, list[cat.Partition]] = self.on["partitions"]
        self.placed = {d.table: d for d in catalog.distributions}
        tables = {t.qname: t for t in catalog.tables}
        # How many colocation groups each (column type, shard count) has: their heads are colocated with none.
        self.group_kinds = Counter(
            group_kind(tables[d.table], d)
            for d in catalog.distributions
            if d.kind == "distributed" and d.colocate_with is None and d.table in tables
        )
        self.skipped_columns: dict[QualifiedName, set[str]] = defaultdict(set)
        self.granted: dict[QualifiedName, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for key in choices.skip:
            if key[0] == "column":
                self.skipped_columns[key[1]].add(key[2])
            elif key[0] == "grant":
                self.granted[key[1]][key[2]].add(key[3])

    def skipped(self, obj: Any) -> bool:
        return identity(obj) in self.choices.skip

    def keep(self, obj: Any, path: tuple) -> bool:
        """Whether ``obj`` is written at ``path``: not generated by a convention, not refused by the spec."""
        key = identity(obj)
        if key in self.choices.skip:
            return False
        reason = self.choices.exclude.get(key)
        if reason is not None:
            self.cannot(path[:-1] if len(path) > 2 else path, reason, obj)
            return False
        self.located[path] = key
        return True

    def cannot(self, path: tuple, message: str, obj: Any = None) -> None:
        """What the spec cannot hold, said in a comment at ``path``; ``obj``, when that is an object left out
        whole, is listed under leave_alone instead, with ``message`` as its comment."""
        if obj is None:
            self.unsupported.append((path, message))
        else:
            self.left_out.setdefault(identity(obj), (obj, message))

    # -- names and types --------------------------------------------------------

    def type(self, text: str) -> str:
        text = short_type(text)
        head, dot, rest = text.partition(".")
        if dot and head.replace('"', "") and not head.startswith('"'):
            base = rest.split("(")[0].split("[")[0]
            if base in EXTENSION_TYPES and head in self.extension_schemas:
                return rest  # an extension's type: the spec names it without its schema
            if head == "public" and QualifiedName("public", base) in self.user_types:
                return rest
        return text

    def name_ok(self, name: str, path: tuple, *, key_part: bool = False, obj: Any = None) -> bool:
        """Whether ``name`` can be written in the spec; ``key_part``: as part of a ``schema.name`` or
        ``table.column`` reference (a schema, a relation, a function, a type, a column); ``obj``: the object
        it names, left out whole when it cannot be."""
        problem = key_part_problem(name) if key_part else identifier_problem(name)
        if problem:
            self.cannot(path, f"the name '{name}' cannot be written in the spec ({problem}); left out", obj)
        return problem is None

    # -- privileges ---------------------------------------------------------------

    def given(self, kind: str, schema: str) -> dict[str, set[str]]:
        """What roles hold on a new object of ``kind`` in ``schema`` before any grant."""
        out: dict[str, set[str]] = {}
        if kind == "function":
            out["public"] = {"execute"}
        if self.supabase and schema == "public" and kind in ("table", "sequence", "function"):
            full = set(self.full_table if kind == "table" else FULL[kind])
            for role in SUPABASE_API_ROLES:
                out[role] = set(full)
        if kind == "type":
            out["public"] = {"usage"}
        if kind == "schema" and schema == "public":
            out["public"] = {"usage"}
            if self.supabase:
                for role in SUPABASE_API_ROLES:
                    out[role] = {"usage"}
        return out

    def managed_roles(self) -> set[str]:
        """The roles whose privileges the spec will state exactly (spec.privileges): PUBLIC, the API roles,
        and every role that holds, on some object, other than what the platform gives it unasked."""
        out = {"public", *(SUPABASE_API_ROLES[:2] if self.supabase else ())}
        c = self.catalog
        for kind, obj in self.with_grants():
            if kind == "schema" and obj.name == "public":
                continue
            schema = obj.name if kind == "schema" else obj.qname.schema
            held, base = acl(obj.grants), self.given(kind, schema)
            out |= {role for role in set(held) | set(base) if held.get(role, set()) != base.get(role, set())}
        # The roles default privileges name, where the spec states them: a role the spec names is managed.
        if not all(self.platform_made(entry) for entry in c.default_privileges):
            out |= {role for entry in c.default_privileges for role in acl(entry.grants)}
        return out

    def privileges(
        self,
        kind: str,
        schema: str,
        grants: tuple[cat.Grant, ...],
        path: tuple,
        *,
        revokes: bool = True,
        also: dict[str, set[str]] | None = None,
    ) -> dict[str, list]:
        """``{grants: [...], revokes: [...]}`` that give the managed roles what they hold in ``grants``: all of it
        (the spec's grants are an allow-list), less what the conventions grant (``also``). The ``public`` schema
        is the platform's, left alone unless what it holds differs from what the platform gives."""
        managed = self.managed
        held = {(role, None): privileges for role, privileges in acl(grants).items() if role in managed}
        held |= {key: privileges for key, privileges in column_acl(grants).items() if key[0] in managed}
        given = {(role, None): set(privileges) for role, privileges in (also or {}).items()}
        if (kind == "schema" and schema == "public") or kind == "type":
            # Managed only where the spec gives it grants: where it holds what PostgreSQL gives, none.
            platform = {(r, None): p for r, p in self.given(kind, schema).items() if r in managed}
            if held == platform:
                return {}
            if kind == "type" and not held:
                # Taken from every role: a revoke of what PostgreSQL gives makes the spec manage the
                # type's privileges (with no grants at all it would leave them as they are).
                revoked = {(frozenset(p), False, None): [role] for (role, _), p in platform.items()}
                return {"revokes": _privilege_entries(revoked, "from")}
        full = set(self.full_table if kind == "table" else FULL[kind])
        # (privileges, with grant option, on column) -> roles, for grants and for revokes
        add: dict[tuple, list[str]] = defaultdict(list)
        remove: dict[tuple, list[str]] = defaultdict(list)
        for role, column in sorted(set(held) | set(given), key=lambda k: (k[0], k[1] or "")):
            have, base = held.get((role, column), set()), given.get((role, column), set())
            more = have - base
            less = base - {p.rstrip("*") for p in have}
            for privileges, grantable, out, verb in (
                ({p for p in more if not p.endswith("*")}, False, add, "granted"),
                ({p[:-1] for p in more if p.endswith("*")}, True, add, "granted"),
                (less, False, remove, "revoked"),
            ):
                if not privileges:
                    continue
                if privileges == full and len(full) > 1 and column is None:
                    privileges = {"all"}
                odd = sorted(privileges - SPEC_PRIVILEGES)
                if odd:
                    self.cannot(
                        path,
                        f"{', '.join(odd).upper()} {verb} {'to' if verb == 'granted' else 'from'} "
                        f"{role}: the spec has no such privilege",
                    )
                    privileges = privileges - set(odd)
                if privileges:
                    out[(frozenset(privileges), grantable, column)].append(role)
                    if role != "public":
                        self.roles.add(role)
        data: dict[str, list] = {}
        if add:
            data["grants"] = _privilege_entries(add, "to")
        if remove:
            if revokes:
                data["revokes"] = _privilege_entries(remove, "from")
            else:
                for (privileges, _, _), roles in remove.items():
                    self.cannot(
                        path,
                        f"{', '.join(sorted(privileges)).upper()} is revoked from {', '.join(roles)}: "
                        "the spec can grant on a schema, not revoke",
                    )
        return data

    # -- the whole spec ---------------------------------------------------------------

    def build(self) -> Built:
        c = self.catalog
        data: dict[str, Any] = {"version": 1}
        doc = Commented(data)
        data["target"] = {"postgres": min(max(c.target_version, 13), 18), "flavor": c.flavor}
        if c.distributions:
            data["target"]["citus"] = True
        roles_at = len(data)
        if self.choices.conventions:
            data["conventions"] = self.choices.conventions
        if c.extensions:
            data["extensions"] = [self.extension(e) for e in c.extensions]
        schemas = self.schemas()
        if schemas:
            data["schemas"] = schemas
        for kind, items, make in (
            (kinds.ENUM, c.enums, self.enum),
            (kinds.DOMAIN, c.domains, self.domain),
            (kinds.COMPOSITE_TYPE, c.composite_types, self.composite_type),
            (kinds.SEQUENCE, () if self.minimal else c.sequences, self.sequence),
        ):
            key = kind.section
            section = {}
            for obj in items:
                if self.name_ok(obj.qname.name, (key,), key_part=True, obj=obj) and self.keep(
                    obj, (key, key_of(obj.qname))
                ):
                    section[key_of(obj.qname)] = make(obj, (key, key_of(obj.qname)))
            if section:
                data[key] = section
        tables = {}
        for table in c.tables:
            path = ("tables", key_of(table.qname))
            if not self.name_ok(table.qname.name, ("tables",), key_part=True, obj=table) or not self.keep(table, path):
                continue
            tables[key_of(table.qname)] = self.table(table, path)
        parents = {p.qname: p.parent for p in c.partitions}
        for trigger in c.triggers:
            if trigger.table in parents and not self.skipped(trigger):
                self.cannot(
                    ("tables", key_of(parents[trigger.table])),
                    f"trigger {trigger.name} on the partition {trigger.table}: the spec puts triggers on "
                    "tables (a row trigger on the table reaches its partitions); left out, and a plan leaves it alone",
                )
        if tables:
            data["tables"] = tables
        if not self.minimal:
            views, materialized = {}, {}
            for view in c.views:
                key = kinds.of(view).section
                path = (key, key_of(view.qname))
                if not self.name_ok(view.qname.name, (key,), key_part=True, obj=view) or not self.keep(view, path):
                    continue
                section = materialized if view.materialized else views
                section[key_of(view.qname)] = self.view(view, path)
            if views:
                data["views"] = views
            if materialized:
                data["materialized_views"] = materialized
            routines: dict[str, dict] = {kinds.FUNCTION.section: {}, kinds.PROCEDURE.section: {}}
            for function in c.functions:
                section = kinds.of(function).section
                path = (section, key_of(function.qname))
                if any(key_of(function.qname) in built for built in routines.values()) and not self.skipped(function):
                    self.cannot(
                        (section,),
                        f"{function.qname}({function.signature}) overloads another function of that name "
                        "(or procedure); the spec holds one routine per name, so it is left out",
                    )
                    continue
                if not self.keep(function, path):
                    continue
                built = self.function(function, path)
                if built is not None:
                    routines[section][key_of(function.qname)] = built
            data.update((section, built) for section, built in routines.items() if built)
            aggregates: dict[str, dict] = {}
            for aggregate in c.aggregates:
                path = (kinds.AGGREGATE.section, key_of(aggregate.qname))
                if path[1] in aggregates or any(path[1] in built for built in routines.values()):
                    self.cannot(
                        path[:1],
                        f"aggregate {kinds.AGGREGATE.name(aggregate)} shares its name with another aggregate or "
                        "function; the spec holds one routine per name, so it is left out",
                    )
                    continue
                if self.keep(aggregate, path) and (built := self.aggregate(aggregate, path)) is not None:
                    aggregates[path[1]] = built
            if aggregates:
                data[kinds.AGGREGATE.section] = aggregates
            publications = {}
            for publication in c.publications:
                path = (kinds.PUBLICATION.section, publication.name)
                if publication.name in self.platform.publications and publication == cat.Publication(publication.name):
                    continue  # the platform's, as it made it
                if self.name_ok(publication.name, path[:1], obj=publication) and self.keep(publication, path):
                    publications[publication.name] = self.publication(publication, path)
            if publications:
                data[kinds.PUBLICATION.section] = publications
            platform_tables = self.platform_tables()
            if platform_tables:
                data["platform_tables"] = platform_tables
        default_privileges = self.default_privileges()
        if default_privileges:
            data["default_privileges"] = default_privileges
        for obj in c.unmanaged:
            self.cannot((), f"{obj.kind} {obj.name}: {obj.reason}; a plan leaves it alone")
        roles = sorted(r for r in self.roles | self.named_roles() if r not in self.platform.roles and r != "public")
        if roles:
            items = list(data.items())
            items.insert(roles_at, ("roles", roles))
            data.clear()
            data.update(items)
        left_out = sorted((entry_for(obj), why) for obj, why in self.left_out.values())
        if left_out:
            data["leave_alone"] = [entry for entry, _ in left_out]
            for i, (_, why) in enumerate(left_out):
                doc.note(("leave_alone", i), why)
        return Built(doc, self.unsupported, self.located, left_out)

    def default_privileges(self) -> list[dict]:
        """Every entry of default privileges, with each grantee's privileges (``all`` where it holds all of the
        type's); none when every entry is the platform's as it made it (the spec then leaves them to it: with
        ``default_privileges:`` written, the spec manages them all, the platform's included)."""
        entries = self.catalog.default_privileges
        if all(self.platform_made(entry) for entry in entries):
            return []
        full = {
            "tables": set(self.full_table),
            "sequences": set(FULL["sequence"]),
            "functions": {"execute"},
            "types": {"usage"},
            "schemas": {"usage", "create"},
        }
        out = []
        for entry in entries:
            item: dict[str, Any] = {}
            if entry.for_role:
                item["for_role"] = entry.for_role
                self.roles.add(entry.for_role)
            if entry.schema:
                item["schema"] = entry.schema
            item["on"] = entry.on
            add: dict[tuple, list[str]] = defaultdict(list)
            for role, held in sorted(acl(entry.grants).items()):
                for grantable in (False, True):
                    privileges = {p.rstrip("*") for p in held if p.endswith("*") == grantable}
                    if privileges == full[entry.on] and len(privileges) > 1:
                        privileges = {"all"}
                    if privileges:
                        add[(frozenset(privileges), grantable, None)].append(role)
                if role != "public":
                    self.roles.add(role)
            if add:
                item["grants"] = _privilege_entries(add, "to")
            out.append(item)
        return out

    def platform_made(self, entry: cat.DefaultPrivileges) -> bool:
        """Whether ``entry`` is one the platform gives the applying role, holding what it gives (on Supabase, all
        to the API roles in public)."""
        if entry.for_role is not None or (entry.schema, entry.on) not in self.platform.default_privileges:
            return False
        every = set(self.full_table if entry.on == "tables" else FULL[entry.on[:-1]])
        return acl(entry.grants) == {role: every for role in SUPABASE_API_ROLES}

    def with_grants(self) -> Iterator[tuple[str, Any]]:
        """Each object whose grants the spec writes, with the privileges it takes (a key of FULL): those of the
        kinds that carry grants (catalog.kinds.GRANTED) and have a section of the spec. Not a partition's: the
        spec grants a managed role nothing on a partition, so a role it names would lose what it holds there."""
        for kind in kinds.GRANTED:
            if kind.section:
                for obj in getattr(self.catalog, kind.slot):
                    yield PRIVILEGES_ON[kind.grant_keyword], obj

    def named_roles(self) -> set[str]:
        """Every role a policy or a grant the spec writes names."""
        out = {r for p in self.catalog.policies for r in p.roles}
        for _, obj in self.with_grants():
            out |= {r.lower() for g in obj.grants for r in g.roles}
        return out

    def platform_tables(self) -> dict:
        """The project's policies and triggers on the platform's tables, by table."""
        c = self.catalog
        relations = {t.qname for t in c.tables} | {p.qname for p in c.partitions} | {v.qname for v in c.views}
        out = {}
        for table in sorted({o.table for o in (*c.policies, *c.triggers)} - relations):
            path = ("platform_tables", str(table))
            if self.name_ok(table.schema, ("platform_tables",), key_part=True) and self.name_ok(
                table.name, ("platform_tables",), key_part=True
            ):
                attached = self.attached(table, path)
                if attached:
                    out[str(table)] = attached
        return out

    def extension(self, ext: cat.Extension) -> Any:
        if ext.schema in (None, "public"):
            return ext.name
        return {"name": ext.name, "schema": ext.schema}

    def schemas(self) -> dict:
        out = {}
        for schema in self.catalog.schemas:
            path = ("schemas", schema.name)
            if not self.name_ok(schema.name, ("schemas",), key_part=True):
                continue
            if schema.name in self.platform.schemas and schema.name != "public":
                continue
            entry: dict[str, Any] = {}
            if schema.comment is not None and not (
                schema.name == "public" and schema.comment == "standard public schema"
            ):
                entry["comment"] = schema.comment
            if not self.minimal:
                entry.update(self.privileges("schema", schema.name, schema.grants, path, revokes=False))
            if schema.name == "public" and not entry:
                continue
            out[schema.name] = entry
        return out

    def publication(self, publication: cat.Publication, path: tuple) -> dict:
        out: dict[str, Any] = {}
        tables = {t.qname for t in self.catalog.tables}
        if publication.all_tables:
            out["all_tables"] = True
        elif publication.tables:
            listed = [t for t in publication.tables if t in tables]
            for other in sorted(set(publication.tables) - tables, key=str):
                self.cannot(
                    path,
                    f"{other} is in the publication but is not a table the spec holds (a partition "
                    "is published through its table); left out of it",
                )
            if listed:
                out["tables"] = [self.published_table(publication, t) for t in listed]
        if publication.publish != cat.Publication(publication.name).publish:
            out["publish"] = list(publication.publish)
        if publication.via_partition_root:
            out["publish_via_partition_root"] = True
        if publication.comment is not None:
            out["comment"] = publication.comment
        return out

    @staticmethod
    def published_table(publication: cat.Publication, table: QualifiedName) -> Any:
        """A table of a publication: its name, or with the columns and rows the publication sends of it."""
        sent = publication.filter_of(table)
        if sent is None:
            return key_of(table)
        out: dict[str, Any] = {"table": key_of(table)}
        if sent.columns:
            out["columns"] = list(sent.columns)
        if sent.where is not None:
            out["where"] = bare(sent.where)
        return out

    def enum(self, enum: cat.Enum, path: tuple) -> Any:
        privileges = self.privileges("type", enum.qname.schema, enum.grants, path)
        if enum.comment is None and not privileges:
            return list(enum.values)
        out: dict[str, Any] = {"values": list(enum.values), **privileges}
        if enum.comment is not None:
            out["comment"] = enum.comment
        return out

    def domain(self, domain: cat.Domain, path: tuple) -> dict:
        out: dict[str, Any] = {"type": self.type(domain.type)}
        if domain.not_null:
            out["not_null"] = True
        if domain.default is not None:
            out["default"] = domain.default
        comments = dict(domain.check_comments)
        if len(domain.checks) == 1 and domain.checks[0][0] == f"{domain.qname.name}_check" and not comments:
            out["check"] = bare(domain.checks[0][1])
        elif domain.checks:
            out["check"] = {
                name: {"expression": bare(text), "comment": comments[name]} if name in comments else bare(text)
                for name, text in domain.checks
            }
        out.update(self.privileges("type", domain.qname.schema, domain.grants, path))
        if domain.comment is not None:
            out["comment"] = domain.comment
        return out

    def composite_type(self, type_: cat.CompositeType, path: tuple) -> dict:
        attributes: dict[str, Any] = {}
        comments = dict(type_.attribute_comments)
        for attribute in type_.attributes:
            if self.name_ok(attribute.name, path + ("attributes",)):
                written: dict[str, Any] = {"type": self.type(attribute.type)}
                if attribute.collation:
                    written["collation"] = attribute.collation
                if attribute.name in comments:
                    written["comment"] = comments[attribute.name]
                attributes[attribute.name] = written["type"] if len(written) == 1 else written
        out: dict[str, Any] = {"attributes": attributes}
        out.update(self.privileges("type", type_.qname.schema, type_.grants, path))
        if type_.comment is not None:
            out["comment"] = type_.comment
        return out

    def sequence(self, seq: cat.Sequence, path: tuple) -> dict:
        out: dict[str, Any] = {}
        if seq.type != "bigint":
            if seq.type not in ("smallint", "integer"):
                self.cannot(path, f"sequence type {seq.type} is not one the spec knows; written as bigint")
            else:
                out["type"] = seq.type
        top = {"smallint": 2**15 - 1, "integer": 2**31 - 1}.get(seq.type, 2**63 - 1)
        ascending = seq.increment > 0
        low, high = (1, top) if ascending else (-top - 1, -1)
        if seq.min_value is not None and seq.min_value != low:
            out["min_value"] = seq.min_value
        if seq.max_value is not None and seq.max_value != high:
            out["max_value"] = seq.max_value
        first = seq.min_value if ascending else seq.max_value
        if seq.start is not None and seq.start != first:
            out["start"] = seq.start
        if seq.increment != 1:
            out["increment"] = seq.increment
        if seq.cache != 1:
            out["cache"] = seq.cache
        if seq.cycle:
            out["cycle"] = True
        if seq.owned_by:
            table, column = seq.owned_by
            out["owned_by"] = f"{key_of(table)}.{spell(column)}"
        if seq.comment is not None:
            out["comment"] = seq.comment
        out.update(self.privileges("sequence", seq.qname.schema, seq.grants, path))
        return out

    # -- tables ----------------------------------------------------------------------


def build(catalog: cat.Catalog, choices: Choices = Choices(), *, minimal: bool = False) -> Built:
    """The spec data for ``catalog``, less what ``choices`` hands to the conventions."""
    return Builder(catalog, choices, minimal).build()


_ORDER = ("all", *TABLE_PRIVILEGES, "maintain", "usage", "execute", "create")


def _privilege_entries(entries: dict[tuple, list[str]], verb: str) -> list[dict]:
    """Grants (``verb`` "to") or revokes ("from") as the spec writes them, from (privileges, with grant option,
    column or None) -> roles: those on the object first; the same privileges of the same roles on several
    columns are one entry."""
    grouped: dict[tuple, list[str]] = defaultdict(list)
    for (privileges, grantable, column), roles in entries.items():
        key = (tuple(roles), column is not None, tuple(sorted(privileges, key=_ORDER.index)), grantable)
        grouped[key].append(column)
    out = []
    for (roles, on_columns, privileges, grantable), columns in sorted(grouped.items()):
        entry: dict[str, Any] = {verb: one(list(roles)), "privileges": one(list(privileges))}
        if on_columns:
            entry["columns"] = sorted(columns)
        if grantable:
            entry["with_grant_option"] = True
        out.append(entry)
    return out
