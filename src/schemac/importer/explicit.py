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

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..spec.names import default_name, identifier_problem
from ..spec.platform import platform_for
from ..introspect.text import closing_paren
from ..spec.types import EXTENSION_TYPES
from .bounds import BoundError, parse_bound, time_series
from .yamltext import Commented

Identity = tuple

SUPABASE_API_ROLES = ("anon", "authenticated", "service_role")
METHODS = ("btree", "gin", "gist", "brin", "hash")
LANGUAGES = ("sql", "plpgsql")
TABLE_PRIVILEGES = ("select", "insert", "update", "delete", "truncate", "references", "trigger")
FULL = {
    "table": TABLE_PRIVILEGES,
    "sequence": ("usage", "select", "update"),
    "function": ("execute",),
    "schema": ("usage", "create"),
}
SPEC_PRIVILEGES = {"select", "insert", "update", "delete", "truncate", "references", "trigger",
                   "usage", "execute", "create", "all"}

_SHORT_TYPES = (
    (re.compile(r"timestamp(\(\d+\))? with time zone"), r"timestamptz\1"),
    (re.compile(r"timestamp(\(\d+\))? without time zone"), r"timestamp\1"),
    (re.compile(r"time(\(\d+\))? with time zone"), r"timetz\1"),
    (re.compile(r"time(\(\d+\))? without time zone"), r"time\1"),
    (re.compile(r"character varying"), "varchar"),
)


@dataclass(frozen=True)
class Choices:
    """What the conventions take over: the ``conventions`` section, each table's switches,
    and the identities of the objects they generate (left out of the spec)."""

    conventions: dict = field(default_factory=dict)
    switches: dict[QualifiedName, dict] = field(default_factory=dict)
    skip: frozenset[Identity] = frozenset()
    # Objects the spec refuses (it does not build with them), and why: left out with a comment.
    exclude: dict[Identity, str] = field(default_factory=dict)


@dataclass
class Built:
    doc: Commented
    unsupported: list[tuple[tuple, str]]
    located: dict[tuple, Identity]  # the path of each object in the spec -> its identity

    def locate(self, path: tuple) -> Identity | None:
        """The object at ``path`` or around it (the longest path of an object that ``path`` starts with)."""
        path = tuple(path)
        while path:
            if path in self.located:
                return self.located[path]
            path = path[:-1]
        return None


def identity(obj: Any) -> Identity:
    """How an object is matched between two catalogs, as ``diff.compare`` matches it."""
    if isinstance(obj, cat.Index):
        return ("index", obj.table.schema, obj.name)
    if isinstance(obj, cat.ForeignKey):
        return ("fk", obj.table, obj.name)
    if isinstance(obj, cat.Policy):
        return ("policy", obj.table, obj.name)
    if isinstance(obj, cat.Trigger):
        return ("trigger", obj.table, obj.name)
    if isinstance(obj, cat.Function):
        return ("function", obj.qname)
    if isinstance(obj, cat.View):
        return ("view", obj.qname)
    if isinstance(obj, cat.Table):
        return ("table", obj.qname)
    if isinstance(obj, cat.Partition):
        return ("partition", obj.qname)
    if isinstance(obj, cat.Schema):
        return ("schema", obj.name)
    if isinstance(obj, cat.Sequence):
        return ("sequence", obj.qname)
    if isinstance(obj, (cat.Enum, cat.Domain)):
        return ("type", obj.qname)
    if isinstance(obj, cat.Extension):
        return ("extension", obj.name)
    raise TypeError(obj)


def key_of(qname: QualifiedName) -> str:
    """How the spec names an object: ``vehicles`` in public, ``private.audit`` elsewhere."""
    return qname.name if qname.schema == "public" else f"{qname.schema}.{qname.name}"


def short_type(text: str) -> str:
    for pattern, short in _SHORT_TYPES:
        text = pattern.sub(short, text)
    return text


class Builder:
    def __init__(self, catalog: cat.Catalog, choices: Choices, minimal: bool = False):
        self.catalog = catalog
        self.choices = choices
        self.minimal = minimal  # only what the conventions read: tables, keys, partitions, switches
        self.unsupported: list[tuple[tuple, str]] = []
        self.platform = platform_for(catalog.flavor)
        self.roles: set[str] = set()
        self.user_types = {e.qname for e in catalog.enums} | {d.qname for d in catalog.domains} | \
            {t.qname for t in catalog.tables}
        self.extension_schemas = {e.schema for e in catalog.extensions}
        self.spec_tables = {t.qname for t in catalog.tables} | set(self.platform.tables)
        self.function_names: dict[QualifiedName, int] = defaultdict(int)
        for function in catalog.functions:
            self.function_names[function.qname] += 1
        self.supabase = catalog.flavor == "supabase"
        self.full_table = TABLE_PRIVILEGES + (("maintain",) if catalog.target_version >= 17 else ())
        self.located: dict[tuple, Identity] = {}
        # What hangs off each table, found once.
        self.on: dict[str, dict[QualifiedName, list]] = {kind: defaultdict(list) for kind in (
            "foreign_keys", "indexes", "policies", "triggers")}
        for kind, by_table in self.on.items():
            for obj in getattr(catalog, kind):
                by_table[obj.table].append(obj)
        self.children: dict[QualifiedName, list[cat.Partition]] = defaultdict(list)
        for partition in catalog.partitions:
            self.children[partition.parent].append(partition)
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
            self.cannot(path[:-1] if len(path) > 2 else path, reason)
            return False
        self.located[path] = key
        return True

    def cannot(self, path: tuple, message: str) -> None:
        self.unsupported.append((path, message))

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

    def name_ok(self, name: str, path: tuple) -> bool:
        problem = identifier_problem(name)
        if problem:
            self.cannot(path, f"the name '{name}' cannot be written in the spec ({problem})")
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
        if kind == "schema" and schema == "public":
            out["public"] = {"usage"}
            if self.supabase:
                for role in SUPABASE_API_ROLES:
                    out[role] = {"usage"}
        return out

    def privileges(self, kind: str, schema: str, grants: tuple[cat.Grant, ...], path: tuple,
                   *, revokes: bool = True, also: dict[str, set[str]] | None = None) -> dict[str, list]:
        """``{grants: [...], revokes: [...]}`` that turn what the platform gives (and ``also``, what the
        conventions grant) into ``grants``."""
        held: dict[str, set[str]] = defaultdict(set)
        for grant in grants:
            for role in grant.roles:
                if grant.revoke:
                    held[role.lower()] -= set(grant.privileges)
                else:
                    held[role.lower()] |= set(grant.privileges)
        given = self.given(kind, schema)
        for role, privileges in (also or {}).items():
            given[role] = given.get(role, set()) | privileges
        full = set(self.full_table if kind == "table" else FULL[kind])
        add: dict[frozenset, list[str]] = defaultdict(list)
        remove: dict[frozenset, list[str]] = defaultdict(list)
        for role in sorted(set(held) | set(given)):
            have, base = held.get(role, set()), given.get(role, set())
            more, less = have - base, base - have
            for privileges, out, verb in ((more, add, "granted"), (less, remove, "revoked")):
                if not privileges:
                    continue
                if privileges == full and len(full) > 1:
                    privileges = {"all"}
                odd = sorted(privileges - SPEC_PRIVILEGES)
                if odd:
                    self.cannot(path, f"{', '.join(odd).upper()} {verb} {'to' if verb == 'granted' else 'from'} "
                                      f"{role}: the spec has no such privilege")
                    privileges = privileges - set(odd)
                if privileges:
                    out[frozenset(privileges)].append(role)
                    if role != "public":
                        self.roles.add(role)
        data: dict[str, list] = {}
        order = [p for p in ("all", *TABLE_PRIVILEGES, "usage", "execute", "create")]
        if add:
            data["grants"] = [{"to": _one(roles), "privileges": _one(sorted(p, key=order.index))}
                              for p, roles in sorted(add.items(), key=lambda kv: (kv[1], sorted(kv[0])))]
        if remove:
            if revokes:
                data["revokes"] = [{"from": _one(roles), "privileges": _one(sorted(p, key=order.index))}
                                   for p, roles in sorted(remove.items(), key=lambda kv: (kv[1], sorted(kv[0])))]
            else:
                for privileges, roles in remove.items():
                    self.cannot(path, f"{', '.join(sorted(privileges)).upper()} is revoked from {', '.join(roles)}: "
                                      "the spec can grant on a schema, not revoke")
        return data

    # -- the whole spec ---------------------------------------------------------------

    def build(self) -> Built:
        c = self.catalog
        data: dict[str, Any] = {"version": 1}
        doc = Commented(data)
        data["target"] = {"postgres": min(max(c.target_version, 13), 18), "flavor": c.flavor}
        roles_at = len(data)
        if self.choices.conventions:
            data["conventions"] = self.choices.conventions
        if c.extensions:
            data["extensions"] = [self.extension(e) for e in c.extensions]
        schemas = self.schemas()
        if schemas:
            data["schemas"] = schemas
        for key, items, make in (("enums", c.enums, self.enum), ("domains", c.domains, self.domain),
                                 ("sequences", () if self.minimal else c.sequences, self.sequence)):
            section = {}
            for obj in items:
                if self.name_ok(obj.qname.name, (key,)) and self.keep(obj, (key, key_of(obj.qname))):
                    section[key_of(obj.qname)] = make(obj, (key, key_of(obj.qname)))
            if section:
                data[key] = section
        tables = {}
        for table in c.tables:
            path = ("tables", key_of(table.qname))
            if not self.name_ok(table.qname.name, ("tables",)) or not self.keep(table, path):
                continue
            tables[key_of(table.qname)] = self.table(table, path)
        parents = {p.qname: p.parent for p in c.partitions}
        for trigger in c.triggers:
            if trigger.table in parents and not self.skipped(trigger):
                self.cannot(("tables", key_of(parents[trigger.table])),
                            f"trigger {trigger.name} on the partition {trigger.table}: the spec puts triggers on "
                            "tables (a row trigger on the table reaches its partitions); left out")
        if tables:
            data["tables"] = tables
        if not self.minimal:
            views, materialized = {}, {}
            for view in c.views:
                kind = "materialized_views" if view.materialized else "views"
                path = (kind, key_of(view.qname))
                if not self.name_ok(view.qname.name, (kind,)) or not self.keep(view, path):
                    continue
                section = materialized if view.materialized else views
                section[key_of(view.qname)] = self.view(view, path)
            if views:
                data["views"] = views
            if materialized:
                data["materialized_views"] = materialized
            functions = {}
            for function in c.functions:
                path = ("functions", key_of(function.qname))
                if key_of(function.qname) in functions and not self.skipped(function):
                    self.cannot(("functions",), f"{function.qname}({function.signature}) overloads another function "
                                                "of that name; the spec holds one function per name, so it is left out")
                    continue
                if not self.keep(function, path):
                    continue
                built = self.function(function, path)
                if built is not None:
                    functions[key_of(function.qname)] = built
            if functions:
                data["functions"] = functions
        roles = sorted(r for r in self.roles | self.named_roles()
                       if r not in self.platform.roles and r != "public")
        if roles:
            items = list(data.items())
            items.insert(roles_at, ("roles", roles))
            data.clear()
            data.update(items)
        return Built(doc, self.unsupported, self.located)

    def named_roles(self) -> set[str]:
        """Every role a grant or a policy of the catalog names."""
        c = self.catalog
        out = {r for p in c.policies for r in p.roles}
        for obj in (*c.schemas, *c.sequences, *c.tables, *c.views, *c.functions):
            out |= {r.lower() for g in obj.grants for r in g.roles}
        return out

    def extension(self, ext: cat.Extension) -> Any:
        if ext.schema in (None, "public"):
            return ext.name
        return {"name": ext.name, "schema": ext.schema}

    def schemas(self) -> dict:
        out = {}
        for schema in self.catalog.schemas:
            path = ("schemas", schema.name)
            if not self.name_ok(schema.name, ("schemas",)):
                continue
            if schema.name in self.platform.schemas and schema.name != "public":
                continue
            entry: dict[str, Any] = {}
            if schema.comment is not None and not (schema.name == "public" and schema.comment == "standard public schema"):
                entry["comment"] = schema.comment
            if not self.minimal:
                entry.update(self.privileges("schema", schema.name, schema.grants, path, revokes=False))
            if schema.name == "public" and not entry:
                continue
            out[schema.name] = entry
        return out

    def enum(self, enum: cat.Enum, path: tuple) -> Any:
        if enum.comment is None:
            return list(enum.values)
        return {"values": list(enum.values), "comment": enum.comment}

    def domain(self, domain: cat.Domain, path: tuple) -> dict:
        out: dict[str, Any] = {"type": self.type(domain.type)}
        if domain.not_null:
            out["not_null"] = True
        if domain.default is not None:
            out["default"] = domain.default
        if len(domain.checks) == 1 and domain.checks[0][0] == f"{domain.qname.name}_check":
            out["check"] = bare(domain.checks[0][1])
        elif domain.checks:
            out["check"] = {name: bare(text) for name, text in domain.checks}
        if domain.comment is not None:
            out["comment"] = domain.comment
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
            out["owned_by"] = f"{key_of(table)}.{column}"
        if seq.comment is not None:
            out["comment"] = seq.comment
        out.update(self.privileges("sequence", seq.qname.schema, seq.grants, path))
        return out

    # -- tables ----------------------------------------------------------------------

    def table(self, table: cat.Table, path: tuple) -> dict:
        c = self.catalog
        q = table.qname
        switches = self.choices.switches.get(q, {})
        out: dict[str, Any] = {}
        comment = table.comment
        if switches.get("append_only") and comment:
            if comment == "Append-only: UPDATE, DELETE and TRUNCATE are rejected for every role.":
                comment = None
            elif comment.startswith("Append-only. "):
                comment = comment[len("Append-only. "):]
        if comment is not None and not self.minimal:
            out["comment"] = comment
        out.update(switches)

        fks = [fk for fk in self.on["foreign_keys"][q] if not self.skipped(fk)]
        refused = [fk for fk in fks if identity(fk) in self.choices.exclude]
        for fk in refused:
            self.cannot(path, self.choices.exclude[identity(fk)])
        fks = [fk for fk in fks if fk not in refused]
        column_fks: dict[str, cat.ForeignKey] = {}
        table_fks = []
        for fk in fks:
            ref = fk.ref_table in self.spec_tables
            if not ref:
                self.cannot(path, f"foreign key {fk.name} references {fk.ref_table}, which the spec cannot name "
                                  "(not a table of these schemas); left out")
                continue
            if len(fk.columns) == 1 and fk.columns[0] not in column_fks:
                column_fks[fk.columns[0]] = fk
            else:
                table_fks.append(fk)

        pk = table.primary_key
        pk_default = pk is not None and pk.name == default_name(q, (), "pkey")
        if pk is not None and not pk_default:
            self.cannot(path + ("primary_key",), f"the primary key is named {pk.name}; the spec always names it "
                                                 f"{default_name(q, (), 'pkey')}")
        single_pk = pk.columns[0] if pk is not None and len(pk.columns) == 1 else None
        uniques = list(table.uniques)
        column_unique = {}
        for u in uniques:
            if len(u.columns) == 1 and u.name == default_name(q, u.columns, "key") and not u.nulls_not_distinct:
                column_unique.setdefault(u.columns[0], u)
        checks = list(table.checks)
        column_check = {}
        for check in checks:
            for column in table.columns:
                if check.name == default_name(q, (column.name,), "check"):
                    column_check[column.name] = check

        skipped_columns = self.skipped_columns[q]
        columns = {}
        for column in table.columns:
            if column.name in skipped_columns or not self.name_ok(column.name, path + ("columns",)):
                continue
            spec: dict[str, Any] = {"type": self.type(column.type)}
            if column.name == single_pk:
                spec["primary_key"] = True
            elif column.not_null:
                spec["not_null"] = True
            if column.default is not None:
                spec["default"] = column.default
            if column.identity:
                spec["identity"] = column.identity
            if column.generated is not None:
                spec["generated"] = column.generated
            if column.collation is not None:
                spec["collation"] = column.collation
            if column.name in column_unique and column.name != single_pk:
                spec["unique"] = True
                uniques.remove(column_unique[column.name])
            if column.name in column_check and not self.minimal:
                spec["check"] = bare(column_check[column.name].expression)
                checks.remove(column_check[column.name])
            fk = column_fks.get(column.name)
            if fk is not None:
                self.located[path + ("columns", column.name, "references")] = identity(fk)
                default = fk.name == default_name(q, fk.columns, "fkey")
                target = f"{key_of(fk.ref_table)}.{fk.ref_columns[0]}"
                if default and not fk.deferrable:
                    spec["references"] = target
                    if fk.on_delete:
                        spec["on_delete"] = fk.on_delete
                    if fk.on_update:
                        spec["on_update"] = fk.on_update
                else:
                    ref: dict[str, Any] = {"table": key_of(fk.ref_table), "column": fk.ref_columns[0]}
                    for key in ("on_delete", "on_update"):
                        if getattr(fk, key):
                            ref[key] = getattr(fk, key)
                    if not default:
                        ref["name"] = fk.name
                    if fk.deferrable:
                        ref["deferrable"] = True
                    spec["references"] = ref
            if column.comment is not None:
                spec["comment"] = column.comment
            columns[column.name] = spec["type"] if list(spec) == ["type"] else spec
        out["columns"] = columns
        if pk is not None and single_pk is None:
            out["primary_key"] = list(pk.columns)
        if uniques:
            out["unique"] = [list(u.columns) if u.name == default_name(q, u.columns, "key") and not u.nulls_not_distinct
                             else {"columns": list(u.columns), "name": u.name,
                                   **({"nulls_not_distinct": True} if u.nulls_not_distinct else {})}
                             for u in uniques]
        if checks and not self.minimal:
            out["checks"] = {check.name: bare(check.expression) for check in checks}
        if table_fks:
            out["foreign_keys"] = [self.foreign_key(fk) for fk in table_fks]
            for j, fk in enumerate(table_fks):
                self.located[path + ("foreign_keys", j)] = identity(fk)
        if table.partition_key is not None:
            partition = self.partition(table, path + ("partition",))
            if partition is not None:
                out["partition"] = partition
        indexes = self.indexes(q, path)
        if indexes:
            out["indexes"] = indexes
        if self.minimal:
            return out
        if "tenant_scoped" not in switches and (table.rls_enabled or table.rls_forced):
            if table.rls_forced and not table.rls_enabled:
                self.cannot(path, "row level security is forced but not enabled; the spec cannot say that")
            else:
                out["rls"] = True if table.rls_forced else {"enable": True}
        policies = {}
        for policy in self.on["policies"][q]:
            if self.name_ok(policy.name, path + ("policies",)) and self.keep(policy, path + ("policies", policy.name)):
                policies[policy.name] = self.policy(policy)
        if policies:
            out["policies"] = policies
        triggers = {}
        for trigger in self.on["triggers"][q]:
            if self.name_ok(trigger.name, path + ("triggers",)) and self.keep(trigger, path + ("triggers", trigger.name)):
                built = self.trigger(trigger, path + ("triggers",))
                if built is not None:
                    triggers[trigger.name] = built
        if triggers:
            out["triggers"] = triggers
        out.update(self.privileges("table", q.schema, table.grants, path, also=self.generated_grants(table)))
        return out

    def generated_grants(self, table: cat.Table) -> dict[str, set[str]]:
        """What a convention grants on ``table`` (``("grant", table, role, privilege)`` in skip), by role."""
        return self.granted.get(table.qname, {})

    def indexes(self, table: QualifiedName, path: tuple) -> list[dict]:
        out = []
        for index in self.on["indexes"][table]:
            if self.keep(index, path + ("indexes", len(out))):
                built = self.index(index, path + ("indexes",))
                if built is not None:
                    out.append(built)
        return out

    def foreign_key(self, fk: cat.ForeignKey) -> dict:
        out: dict[str, Any] = {"columns": list(fk.columns),
                               "references": {"table": key_of(fk.ref_table), "columns": list(fk.ref_columns)}}
        for key in ("on_delete", "on_update"):
            if getattr(fk, key):
                out[key] = getattr(fk, key)
        if fk.name != default_name(fk.table, fk.columns, "fkey"):
            out["name"] = fk.name
        if fk.deferrable:
            out["deferrable"] = True
        return out

    def partition(self, table: cat.Table, path: tuple) -> dict | None:
        key = table.partition_key
        column = table.column(key.column)
        if column is None:
            self.cannot(path, f"the table is partitioned by {key.strategy} ({key.column}); the spec partitions by "
                              "one column, so the partitioning is left out")
            return None
        out: dict[str, Any] = {"by": key.strategy, "column": key.column}
        children = self.children[table.qname]
        for child in children:
            if (child.rls_enabled, child.rls_forced) != (table.rls_enabled, table.rls_forced):
                self.cannot(path, f"partition {child.qname} has row level security set apart from its table; "
                                  "the spec gives partitions their table's")
            if child.qname in self.children:
                self.cannot(path, f"partition {child.qname} is itself partitioned; the spec cannot say that")
        default = [p for p in children if p.bound is None]
        ranged = [p for p in children if p.bound is not None]
        if key.strategy == "range":
            series = time_series(table.qname, [(p.qname, p.bound) for p in ranged], short_type(column.type))
            if series is not None:
                out.update(series)
                ranged = []
        if default:
            if default[0].qname == QualifiedName(table.qname.schema, f"{table.qname.name}_default"):
                out["default"] = True
            else:
                self.cannot(path, f"the default partition is named {default[0].qname}; the spec names it "
                                  f"{table.qname.name}_default")
        if ranged:
            named = {}
            for p in ranged:
                name = p.qname.name if p.qname.schema == table.qname.schema else str(p.qname)
                try:
                    named[name] = parse_bound(p.bound)
                except BoundError as exc:
                    self.cannot(path, f"partition {p.qname}: {exc}; left out")
            if named:
                out["partitions"] = named
        if key.strategy == "range" and "interval" not in out and "partitions" not in out:
            self.cannot(path, "a range-partitioned table without partitions cannot be written in the spec")
            return None
        return out

    def index(self, index: cat.Index, path: tuple) -> dict | None:
        if index.method not in METHODS:
            self.cannot(path, f"index {index.name} uses {index.method}; the spec knows {', '.join(METHODS)}; left out")
            return None
        if not self.name_ok(index.name, path):
            return None
        keys = []
        for key in index.keys:
            if key.column is not None and key.opclass is None:
                words = [key.column] + ([key.order] if key.order else []) + \
                        ([f"nulls {key.nulls}"] if key.nulls else [])
                keys.append(" ".join(words))
            else:
                item: dict[str, Any] = {"column": key.column} if key.column else {"expression": key.expression}
                for attr in ("order", "nulls", "opclass"):
                    if getattr(key, attr):
                        item[attr] = getattr(key, attr)
                keys.append(item)
        out: dict[str, Any] = {"columns": keys}
        if index.name != default_name(index.table, [k.column or "expr" for k in index.keys], "idx"):
            out["name"] = index.name
        if index.unique:
            out["unique"] = True
        if index.method != "btree":
            out["method"] = index.method
        if index.where is not None:
            out["where"] = bare(index.where)
        if index.include:
            out["include"] = list(index.include)
        if index.nulls_not_distinct:
            out["nulls_not_distinct"] = True
        return out

    def policy(self, policy: cat.Policy) -> dict:
        out: dict[str, Any] = {}
        if policy.command != "all":
            out["command"] = policy.command
        if not policy.permissive:
            out["as"] = "restrictive"
        roles = [r for r in policy.roles]
        if roles and roles != ["public"]:
            out["roles"] = roles
            self.roles.update(r for r in roles if r != "public")
        if policy.using is not None:
            out["using"] = bare(policy.using)
        if policy.with_check is not None:
            out["with_check"] = bare(policy.with_check)
        if policy.comment is not None:
            out["comment"] = policy.comment
        return out

    def trigger(self, trigger: cat.Trigger, path: tuple) -> dict | None:
        function = trigger.function
        known = function in self.function_names or function in self.platform.functions
        if not known:
            self.cannot(path, f"trigger {trigger.name} calls {function}(), which is not in these schemas; left out")
            return None
        out: dict[str, Any] = {"function": key_of(function)}
        if trigger.timing != "before":
            out["timing"] = trigger.timing
        out["events"] = list(trigger.events)
        if trigger.update_of:
            out["update_of"] = list(trigger.update_of)
        if trigger.level != "row":
            out["level"] = trigger.level
        if trigger.when is not None:
            out["when"] = trigger.when
        if trigger.args:
            out["args"] = list(trigger.args)
        return out

    # -- views and functions ---------------------------------------------------------

    def view(self, view: cat.View, path: tuple) -> dict:
        out: dict[str, Any] = {}
        if view.comment is not None:
            out["comment"] = view.comment
        if view.security_invoker:
            out["security_invoker"] = True
        if view.security_barrier:
            out["security_barrier"] = True
        if view.materialized and not view.with_data:
            out["with_data"] = False
        out["query"] = _block(view.query.strip())
        if view.materialized:
            indexes = self.indexes(view.qname, path)
            if indexes:
                out["indexes"] = indexes
        out.update(self.privileges("table", view.qname.schema, view.grants, path))
        return out

    def function(self, function: cat.Function, path: tuple) -> dict | None:
        if not self.name_ok(function.qname.name, ("functions",)):
            return None
        if function.language not in LANGUAGES:
            self.cannot(("functions",), f"{function.qname}({function.signature}) is written in {function.language}; "
                                        "the spec holds sql and plpgsql functions; left out")
            return None
        head = function.body.lstrip().upper()
        if function.language == "sql" and (head.startswith("BEGIN ATOMIC") or head.startswith("RETURN ")):
            self.cannot(("functions",), f"{function.qname}({function.signature}) has an SQL-standard body "
                                        "(BEGIN ATOMIC / RETURN); the spec holds bodies as text; left out")
            return None
        out: dict[str, Any] = {}
        if function.comment is not None:
            out["comment"] = function.comment
        args = []
        for arg in function.args:
            type_ = self.type(arg.type)
            if arg.mode == "in" and arg.default is None:
                args.append(f"{arg.name} {type_}" if arg.name else type_)
            else:
                item: dict[str, Any] = {}
                if arg.name:
                    item["name"] = arg.name
                item["type"] = type_
                if arg.default is not None:
                    item["default"] = arg.default
                if arg.mode != "in":
                    item["mode"] = arg.mode
                args.append(item)
        if args:
            out["args"] = args
        returns = function.returns
        if returns.lower().startswith("setof "):
            returns = "setof " + self.type(returns[6:])
        elif not returns.lower().startswith("table("):
            returns = self.type(returns)
        out["returns"] = returns
        if function.language != "sql":
            out["language"] = function.language
        if function.volatility != "volatile":
            out["volatility"] = function.volatility
        if function.strict:
            out["strict"] = True
        if function.security_definer:
            out["security_definer"] = True
        if function.search_path is not None:
            out["search_path"] = function.search_path or "''"
        if function.parallel:
            out["parallel"] = function.parallel
        out["body"] = _block(function.body.strip("\n"))
        out.update(self.privileges("function", function.qname.schema, function.grants, path))
        return out


def bare(expression: str | None) -> str | None:
    """An expression without the parentheses PostgreSQL prints around all of it."""
    while expression and expression.startswith("(") and expression.endswith(")"):
        try:
            if closing_paren(expression, 0) != len(expression) - 1:
                break
        except ValueError:
            break
        expression = expression[1:-1].strip()
    return expression


def _block(text: str) -> str:
    """Text of several lines ends with a newline, so it is written as a literal block."""
    return text + "\n" if "\n" in text else text


def _one(items: list) -> Any:
    return items[0] if len(items) == 1 else list(items)


def build(catalog: cat.Catalog, choices: Choices = Choices(), *, minimal: bool = False) -> Built:
    """The spec data for ``catalog``, less what ``choices`` hands to the conventions."""
    return Builder(catalog, choices, minimal).build()
