"""Tables as the spec writes them: columns, keys, checks, foreign keys, partitions, indexes,
row level security, policies, triggers and grants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName, acl
from ..spec.names import default_name, identifier_problem, key_name, spell, spell_qualified
from .bounds import BoundError, parse_bound, time_series
from .common import bare, identity, key_of, short_type, storage_parameters

EXCLUSION_METHODS = ("gist", "spgist", "btree", "hash")


def group_kind(table: cat.Table, placed: cat.Distribution) -> tuple[str | None, int | None]:
    """What Citus colocates a distributed table by, unless told otherwise: its column's type, its shard count."""
    column = table.column(placed.column)
    return (column.type if column else None, placed.shard_count)


def constraint_state(con: Any) -> dict[str, Any]:
    """``deferrable``, ``valid``, ``enforced``, a key's ``storage_parameters`` and the ``comment`` as the spec
    writes them, where they are not the defaults (``enforced: false`` alone: a constraint NOT ENFORCED is NOT
    VALID too). A constraint with any is written in its long form."""
    out: dict[str, Any] = {}
    if getattr(con, "deferrable", False):
        out["deferrable"] = True if con.initially_deferred else "initially immediate"
    if not getattr(con, "enforced", True):
        out["enforced"] = False
    elif not getattr(con, "valid", True):
        out["valid"] = False
    if getattr(con, "no_inherit", False):
        out["no_inherit"] = True
    if getattr(con, "storage_parameters", ()):
        out["storage_parameters"] = storage_parameters(con.storage_parameters)
    if con.comment is not None:
        out["comment"] = con.comment
    return out


def key_spec(key: cat.IndexKey, also: dict[str, Any] | None = None) -> dict[str, Any]:
    """An index key, or an exclusion element's (``also`` holds its ``with``), as a mapping:
    its column or expression, then ``also``, then the options it has."""
    item: dict[str, Any] = {"column": key.column} if key.column is not None else {"expression": key.expression}
    item.update(also or {})
    for attr in ("collation", "order", "nulls", "opclass"):
        if getattr(key, attr):
            item[attr] = getattr(key, attr)
    return item


def _checks(checks: Iterable[cat.Check]) -> dict[str, Any]:
    """``checks:`` of a table or partition: each by name, its expression alone where nothing else is said."""
    return {
        check.name: {"expression": bare(check.expression), **constraint_state(check)}
        if constraint_state(check)
        else bare(check.expression)
        for check in checks
    }


class TableParts:
    """The table half of :class:`~schemac.importer.explicit.Builder`."""

    def table(self, table: cat.Table, path: tuple) -> dict:
        q = table.qname
        switches = self.choices.switches.get(q, {})
        out: dict[str, Any] = {}
        comment = table.comment
        if switches.get("append_only") and comment:
            if comment == "Append-only: UPDATE, DELETE and TRUNCATE are rejected for every role.":
                comment = None
            elif comment.startswith("Append-only. "):
                comment = comment[len("Append-only. ") :]
        if comment is not None and not self.minimal:
            out["comment"] = comment
        if table.unlogged:
            out["unlogged"] = True
        if table.storage_parameters:
            out["storage_parameters"] = storage_parameters(table.storage_parameters)
        if table.replica_identity != "default":
            out["replica_identity"] = " ".join(filter(None, (table.replica_identity, table.replica_index)))
        out.update(switches)
        if self.placed:
            out.update(self.placement(table))

        if table.inherits:
            out["inherits"] = [key_of(parent) for parent in table.inherits]
        if table.of_type:
            out["of"] = key_of(table.of_type)
        # A column it only inherits is written on its parent; a key or check on it, on the table.
        inherited = {c.name for c in table.columns if not c.local}
        parents_defaults = {
            c.name
            for p in table.inherits
            if p in self.tables_by_name
            for c in self.tables_by_name[p].columns
            if c.default
        }

        column_fks: dict[str, cat.ForeignKey] = {}
        table_fks = []
        for fk in self.writable_foreign_keys(q, path):
            if (
                len(fk.columns) == 1
                and fk.columns[0] not in column_fks
                and fk.columns[0] not in inherited
                and not fk.on_delete_columns  # a table's foreign key may name them
            ):
                column_fks[fk.columns[0]] = fk
            else:
                table_fks.append(fk)

        pk = table.primary_key
        if pk is not None and self.refused_key(q, pk, path + ("primary_key",)):
            pk = None
        pk_default = pk is not None and pk.name == default_name(q, (), "pkey")
        if pk is not None and not pk_default:
            self.cannot(
                path + ("primary_key",),
                f"the primary key is named {pk.name}; the spec always names it {default_name(q, (), 'pkey')}",
            )
        single_pk = (
            pk.columns[0]
            if pk is not None and len(pk.columns) == 1 and not constraint_state(pk) and pk.columns[0] not in inherited
            else None
        )
        uniques = [u for u in table.uniques if not self.refused_key(q, u, path + ("unique",))]
        column_unique = {}
        for u in uniques:
            if (
                len(u.columns) == 1
                and u.columns[0] not in inherited
                and u.name == default_name(q, u.columns, "key")
                and not u.nulls_not_distinct
                and not constraint_state(u)
            ):
                column_unique.setdefault(u.columns[0], u)
        checks = list(table.checks)
        column_check = {}
        for check in checks:
            for column in (c for c in table.columns if c.local):
                if check.name == default_name(q, (column.name,), "check") and not constraint_state(check):
                    column_check[column.name] = check

        skipped_columns = self.skipped_columns[q]
        columns = {}
        for column in table.columns:
            if column.name in inherited or column.name in skipped_columns:
                continue
            if not self.name_ok(column.name, path + ("columns",), key_part=True):
                continue
            spec: dict[str, Any] = {"type": self.type(column.type)}
            if column.name == single_pk:
                spec["primary_key"] = True
            elif column.not_null and not column.inherited_not_null:  # else its parents give it
                spec["not_null"] = True
            if column.not_null_name is not None:
                spec["not_null_name"] = column.not_null_name
            if column.default is not None:
                spec["default"] = column.default
            elif column.name in parents_defaults and not column.identity and not column.generated:
                spec["default"] = None  # none, where a parent's column has one
            if column.identity:
                spec["identity"] = column.identity
                options = {
                    key: value
                    for key, value in asdict(column.identity_options).items()
                    if value != getattr(cat.IdentityOptions(), key)
                }
                if options:
                    spec["sequence"] = options
                held = self.privileges(
                    "sequence", q.schema, column.sequence_grants, path + ("columns", column.name), revokes=False
                )
                if held.get("grants"):
                    spec["sequence_grants"] = held["grants"]
            if column.generated is not None:
                spec["generated"] = column.generated
            if column.virtual:
                spec["virtual"] = True
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
                target = f"{key_of(fk.ref_table)}.{spell(fk.ref_columns[0])}"
                if default and not constraint_state(fk) and fk.match == "simple":
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
                    if fk.match != "simple":
                        ref["match"] = fk.match
                    ref.update(constraint_state(fk))
                    spec["references"] = ref
            if column.comment is not None:
                spec["comment"] = column.comment
            if table.of_type:  # its type gives its columns and their collations: only those with options
                spec.pop("collation", None)
                if list(spec) == ["type"]:
                    continue
            columns[column.name] = spec["type"] if list(spec) == ["type"] else spec
        if columns or not table.of_type:
            out["columns"] = columns
        if pk is not None and single_pk is None:
            out["primary_key"] = (
                {"columns": list(pk.columns), **constraint_state(pk)} if constraint_state(pk) else list(pk.columns)
            )
        if uniques:
            out["unique"] = [self.unique(q, u) for u in uniques]
        if checks and not self.minimal:
            out["checks"] = _checks(checks)
        out.update(self.exclusions_and_foreign_keys(q, table.exclusions, table_fks, path))
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
        out.update(self.attached(q, path))
        out.update(self.privileges("table", q.schema, table.grants, path, also=self.generated_grants(table)))
        return out

    def writable_foreign_keys(self, q: QualifiedName, path: tuple) -> list[cat.ForeignKey]:
        """The foreign keys declared on ``q`` that the spec can write (the others named where they were)."""
        out = []
        for fk in self.on["foreign_keys"][q]:
            if self.skipped(fk):
                continue
            if identity(fk) in self.choices.exclude:
                self.cannot(path, self.choices.exclude[identity(fk)], fk)
            elif fk.ref_table not in self.spec_tables:
                self.cannot(
                    path,
                    f"foreign key {fk.name} references {fk.ref_table}, which the spec cannot name "
                    "(not a table of these schemas); left out",
                )
            else:
                out.append(fk)
        return out

    def exclusions_and_foreign_keys(
        self, q: QualifiedName, exclusions: tuple[cat.Exclusion, ...], fks: list[cat.ForeignKey], path: tuple
    ) -> dict:
        """``exclude:`` and ``foreign_keys:`` of a table or partition, where it has any."""
        out: dict[str, Any] = {}
        written = [self.exclusion(q, x, path + ("exclude",)) for x in exclusions]
        if any(written):
            out["exclude"] = [x for x in written if x is not None]
        if fks:
            out["foreign_keys"] = [self.foreign_key(fk) for fk in fks]
            for j, fk in enumerate(fks):
                self.located[path + ("foreign_keys", j)] = identity(fk)
        return out

    def holds_own(self, p: cat.Partition) -> bool:
        """Whether partition ``p`` holds keys, checks, indexes or foreign keys of its own."""
        return bool(p.constraints or self.on["indexes"][p.qname] or self.on["foreign_keys"][p.qname])

    def partition_own(self, p: cat.Partition, path: tuple) -> dict:
        """What partition ``p`` holds of its own (keys, checks, indexes, foreign keys), as the spec writes
        it under the partition; ``path``: the partition's."""
        q = p.qname
        out: dict[str, Any] = {}
        pk = p.primary_key
        if pk is not None and not self.refused_key(q, pk, path + ("primary_key",)):
            if pk.name != default_name(q, (), "pkey"):
                self.cannot(
                    path, f"the primary key is named {pk.name}; the spec always names it {default_name(q, (), 'pkey')}"
                )
            else:
                state = constraint_state(pk)
                out["primary_key"] = {"columns": list(pk.columns), **state} if state else list(pk.columns)
        uniques = [u for u in p.uniques if not self.refused_key(q, u, path + ("unique",))]
        if uniques:
            out["unique"] = [self.unique(q, u) for u in uniques]
        if p.checks:
            out["checks"] = _checks(p.checks)
        out.update(self.exclusions_and_foreign_keys(q, p.exclusions, self.writable_foreign_keys(q, path), path))
        indexes = self.indexes(q, path)
        if indexes:
            out["indexes"] = indexes
        return out

    def attached(self, table: QualifiedName, path: tuple) -> dict:
        """``{policies: ..., triggers: ...}``: those on ``table`` that the spec writes, where it has any."""
        out: dict[str, Any] = {}
        policies = {}
        for policy in self.on["policies"][table]:
            if self.name_ok(policy.name, path + ("policies",), obj=policy) and self.keep(
                policy, path + ("policies", policy.name)
            ):
                policies[policy.name] = self.policy(policy)
        if policies:
            out["policies"] = policies
        triggers = {}
        for trigger in self.on["triggers"][table]:
            if self.name_ok(trigger.name, path + ("triggers",), obj=trigger) and self.keep(
                trigger, path + ("triggers", trigger.name)
            ):
                built = self.trigger(trigger, path + ("triggers",))
                if built is not None:
                    triggers[trigger.name] = built
        if triggers:
            out["triggers"] = triggers
        return out

    def placement(self, table: cat.Table) -> dict:
        """Where Citus keeps the table, written out for every table of a Citus database (without it the
        tenancy convention would choose): ``distributed: false`` for one the coordinator keeps alone."""
        placed = self.placed.get(table.qname)
        if placed is None:
            return {"distributed": False}
        if placed.kind == "reference":
            return {"reference": True}
        out: dict[str, Any] = {"column": placed.column}
        if placed.colocate_with is not None:
            out["colocate_with"] = key_of(placed.colocate_with)
            return {"distributed": out}
        # The head of its colocation group. Citus colocates tables whose distribution columns have the same
        # type and whose shard counts are equal unless told otherwise: a group that is not another's says so.
        if self.group_kinds[group_kind(table, placed)] > 1:
            out["colocate_with"] = "none"
        if placed.shard_count is not None:
            out["shard_count"] = placed.shard_count
        return {"distributed": out}

    def refused_key(self, table: QualifiedName, key: cat.PrimaryKey | cat.Unique, path: tuple) -> bool:
        """Whether the spec cannot hold ``key`` (it is left out, with the reason where it was)."""
        reason = self.choices.exclude.get(("constraint", table, key.name))
        if reason is not None:
            self.cannot(path, reason)
        return reason is not None

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
        out: dict[str, Any] = {
            "columns": list(fk.columns),
            "references": {"table": key_of(fk.ref_table), "columns": list(fk.ref_columns)},
        }
        for key in ("on_delete", "on_update"):
            if getattr(fk, key):
                out[key] = getattr(fk, key)
        if fk.on_delete_columns:
            out["on_delete_columns"] = list(fk.on_delete_columns)
        if fk.name != default_name(fk.table, fk.columns, "fkey"):
            out["name"] = fk.name
        if fk.match != "simple":
            out["match"] = fk.match
        out.update(constraint_state(fk))
        return out

    @staticmethod
    def unique(table: QualifiedName, u: cat.Unique) -> list | dict:
        if u.name == default_name(table, u.columns, "key") and not u.nulls_not_distinct and not constraint_state(u):
            return list(u.columns)
        out: dict[str, Any] = {"columns": list(u.columns), "name": u.name}
        if u.nulls_not_distinct:
            out["nulls_not_distinct"] = True
        return {**out, **constraint_state(u)}

    def exclusion(self, table: QualifiedName, x: cat.Exclusion, path: tuple) -> dict | None:
        if x.method not in EXCLUSION_METHODS:
            self.cannot(
                path,
                f"exclusion constraint {x.name} uses {x.method}; the spec knows "
                f"{', '.join(EXCLUSION_METHODS)}; left out",
            )
            return None
        if not self.name_ok(x.name, path):
            return None
        elements: list[Any] = []
        for e in x.elements:
            if e.key == cat.IndexKey(column=e.key.column) and e.key.column is not None:
                elements.append(f"{e.key.column} with {e.operator}")  # room_id with =
            else:
                elements.append(key_spec(e.key, {"with": e.operator}))
        out: dict[str, Any] = {"columns": elements}
        if x.name != key_name(table, [e.key for e in x.elements], "excl"):
            out["name"] = x.name
        if x.method != "gist":
            out["method"] = x.method
        if x.where is not None:
            out["where"] = bare(x.where)
        if x.include:
            out["include"] = list(x.include)
        return {**out, **constraint_state(x)}

    def partition(self, table: cat.Table, path: tuple) -> dict | None:
        return self.partitioning(table, table.qname, table.partition_key, path)

    def partitioning(self, table: cat.Table, parent: QualifiedName, key: cat.PartitionKey, path: tuple) -> dict | None:
        """``partition:`` of ``parent`` (the table, or a partition partitioned in turn), its partitions' with it."""
        out: dict[str, Any] = {"by": key.strategy}
        if key.column is not None and not (key.parts[0].collation or key.parts[0].opclass):
            out["column"] = key.column
        else:
            out["columns"] = []
            for p in key.parts:
                part = _key_part(p)
                if part is None:
                    self.cannot(
                        path,
                        f"the partition key of {parent} ({key.text}) uses the collation {p.collation} "
                        f"or operator class {p.opclass}; the spec names only a collation of pg_catalog "
                        "and an operator class by its lower-case name",
                    )
                    return None
                out["columns"].append(part)
        children = self.children[parent]
        for child in children:
            held = sorted(role for role in acl(child.grants) if role in self.managed)
            if held:
                self.cannot(
                    path,
                    f"partition {child.qname} grants privileges of its own to {', '.join(held)}; the spec grants "
                    "none on partitions (its table's grants cover what goes through the table), and a plan revokes them",
                )
            if (child.rls_enabled, child.rls_forced) != (table.rls_enabled, table.rls_forced):
                self.cannot(
                    path,
                    f"partition {child.qname} has row level security set apart from its table; "
                    "the spec gives partitions their table's",
                )
        default = [p for p in children if p.bound is None]
        ranged = [p for p in children if p.bound is not None]
        column = table.column(key.column) if key.column is not None else None
        if (
            key.strategy == "range"
            and parent == table.qname
            and column is not None
            and not any(p.partition_key or p.own_columns or p.storage_parameters or self.holds_own(p) for p in ranged)
        ):
            series = time_series(table.qname, [(p.qname, p.bound) for p in ranged], short_type(column.type))
            if series is not None:
                out.update(series)
                ranged = []
        if default:
            if default[0].partition_key is not None:
                self.cannot(
                    path,
                    f"the default partition {default[0].qname} is partitioned in turn; the spec "
                    "partitions only the partitions it names",
                )
            if default[0].own_columns or default[0].storage_parameters:
                self.cannot(
                    path,
                    f"the default partition {default[0].qname} has columns or storage parameters of its own; "
                    "the spec sets them only on the partitions it names",
                )
            if default[0].qname == QualifiedName(parent.schema, f"{parent.name}_default"):
                out["default"] = True
            else:
                self.cannot(
                    path, f"the default partition is named {default[0].qname}; the spec names it {parent.name}_default"
                )
        if ranged:
            named = {}
            for p in ranged:
                name = spell_qualified(p.qname, parent.schema)
                try:
                    named[name] = parse_bound(p.bound)
                except BoundError as exc:
                    self.cannot(path, f"partition {p.qname}: {exc}; left out", p)
                    continue
                if p.own_columns:
                    named[name]["columns"] = {c.name: _own_column(c) for c in p.own_columns}
                if p.storage_parameters:
                    named[name]["storage_parameters"] = storage_parameters(p.storage_parameters)
                named[name].update(self.partition_own(p, path + ("partitions", name)))
                if p.partition_key is not None:
                    sub = self.partitioning(table, p.qname, p.partition_key, path)
                    if sub is None:
                        del named[name]
                        self.cannot(
                            path, f"partition {p.qname} is partitioned in turn, and that cannot be written; left out", p
                        )
                        continue
                    named[name]["partition"] = sub
            if named:
                out["partitions"] = named
        if key.strategy == "range" and "interval" not in out and "partitions" not in out:
            self.cannot(path, "a range-partitioned table without partitions cannot be written in the spec")
            return None
        return out

    def index(self, index: cat.Index, path: tuple) -> dict | None:
        if not self.name_ok(index.name, path, obj=index):
            return None
        keys: list[Any] = []
        for key in index.keys:
            # occurred_at desc nulls last; a column whose name has a space is written {column: ...}
            if (
                key.column is not None
                and key.opclass is None
                and key.collation is None
                and not any(c.isspace() for c in key.column)
            ):
                words = (
                    [key.column] + ([key.order] if key.order else []) + ([f"nulls {key.nulls}"] if key.nulls else [])
                )
                keys.append(" ".join(words))
            else:
                keys.append(key_spec(key))
        out: dict[str, Any] = {"columns": keys}
        if index.name != key_name(index.table, index.keys, "idx"):
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
        if index.comment is not None:
            out["comment"] = index.comment
        if index.storage_parameters:
            out["storage_parameters"] = storage_parameters(index.storage_parameters)
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
        # PostgreSQL's own (tsvector_update_trigger) or an extension's (moddatetime): named with its
        # schema, which is how the spec tells them from its own.
        provided = not known and function.schema in cat.provided_function_schemas(
            e.schema for e in self.catalog.extensions
        )
        if not known and not provided:
            self.cannot(path, f"trigger {trigger.name} calls {function}(), which is not in these schemas; left out")
            return None
        out: dict[str, Any] = {"function": str(function) if provided else key_of(function)}
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
        if trigger.constraint:
            out["constraint"] = True
        if trigger.from_table is not None:
            out["from_table"] = key_of(trigger.from_table)
        if trigger.deferrable:
            out["deferrable"] = True if trigger.initially_deferred else "initially immediate"
        for key in ("old_table", "new_table"):
            if getattr(trigger, key) is not None:
                out[key] = getattr(trigger, key)
        if trigger.enabled != "origin":
            out["enabled"] = False if trigger.enabled == "disabled" else trigger.enabled
        if trigger.comment is not None:
            out["comment"] = trigger.comment
        return out


def _own_column(column: cat.PartitionColumn) -> dict:
    """A partition's ``columns:`` entry: what it holds of its own (``default: null``: no default)."""
    out: dict[str, Any] = {}
    if column.default is not None or column.no_default:
        out["default"] = column.default
    if column.not_null:
        out["not_null"] = True
    if column.not_null_name:
        out["not_null_name"] = column.not_null_name
    return out


def _key_part(part: cat.PartitionKeyPart) -> str | dict | None:
    """A partition key part as the spec writes it; None when its collation or operator class cannot be written."""
    if part.collation is None and part.opclass is None:
        return part.column if part.column is not None else {"expression": part.expression}
    out: dict[str, Any] = {"column": part.column} if part.column is not None else {"expression": part.expression}
    if part.collation is not None:
        quoted = part.collation.startswith('"') and part.collation.endswith('"') and '"."' not in part.collation
        if not quoted and "." in part.collation:
            return None  # in a schema of its own
        out["collation"] = part.collation[1:-1].replace('""', '"') if quoted else part.collation
    if part.opclass is not None:
        if any(identifier_problem(name) for name in part.opclass.split(".")):
            return None
        out["opclass"] = part.opclass
    return out
