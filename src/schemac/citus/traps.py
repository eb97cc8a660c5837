"""What Citus refuses, or accepts and gets wrong, found in the catalog before any SQL exists.

Each problem is reported at the place of the spec that causes it, with the
change that fixes it:

- a primary key, unique constraint or unique index of a distributed table
  without its distribution column, or an exclusion constraint that does not
  compare it with ``=`` (Citus checks them inside one shard);
- a foreign key between distributed tables that are not colocated, or that
  does not pair their distribution columns at the same position;
- ``ON DELETE SET NULL`` / ``SET DEFAULT`` (or any ``ON UPDATE`` action) on a
  foreign key that includes the distribution column;
- a foreign key from a reference table, or a distributed one, to a table on
  the coordinator alone, beyond what Citus allows;
- a foreign key from a reference table to a distributed table;
- a foreign key from a local table to a distributed table: Citus accepts it
  and never enforces it, so a delete leaves dangling rows;
- a policy on a Citus table with a subquery, ``(select f())`` included:
  Citus refuses to create it;
- a policy on a Citus table that reads a setting with ``current_setting()``:
  the workers, where the policy runs, do not see a ``SET`` or ``set_config()``
  made on the coordinator;
- the tenancy convention's current tenant looked up in a membership table:
  the policies run on the shards, and a function there that reads a Citus
  table (a distributed or a reference one, measured on Citus 14) is refused.
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..errors import Path
from ..expand.common import Issues, SpecTable, spec_tables
from ..spec import models as m
from ..sqltree import SqlProblem, check_expression, forbid_subquery, references, without_scalar_selects
from .placement import NONE

REFUSED_ON_DELETE = ("set null", "set default")
LOCAL_ONLY_ACTIONS = (None, "no action", "restrict")


def check(spec: m.Spec, catalog: cat.Catalog, placed: dict[QualifiedName, cat.Distribution], issues: Issues) -> None:
    _membership_lookup(spec, placed, issues)
    places = Places(spec)
    tables = {t.qname: t for t in catalog.tables}
    for qname, chosen in placed.items():
        if chosen.kind == "distributed":
            _keys(tables[qname], chosen.column, places, issues)
    _unique_indexes(catalog, placed, places, issues)
    groups = {q: _group(q, placed, tables) for q in placed}
    for fk in catalog.foreign_keys:
        _foreign_key(fk, placed, groups, places, issues)
    for policy in catalog.policies:
        chosen = placed.get(policy.table)
        if chosen is not None:
            _policy(policy, f"{chosen.kind} table", places, issues)


class Places:
    """Where in the spec a table's key, foreign key or policy is written; the table itself when the
    conventions wrote it."""

    def __init__(self, spec: m.Spec):
        self.spec = spec
        self.tables: dict[QualifiedName, SpecTable] = {t.qname: t for t in spec_tables(spec)}

    def table(self, qname: QualifiedName) -> Path:
        t = self.tables.get(qname)
        return t.path if t else ()

    def primary_key(self, qname: QualifiedName) -> Path:
        t = self.tables[qname]
        if t.spec.primary_key is not None:
            return t.path + ("primary_key",)
        column = next((n for n, c in t.spec.columns.items() if c.primary_key), None)
        return t.path + ("columns", column, "primary_key") if column else t.path

    def unique(self, qname: QualifiedName, columns: tuple[str, ...]) -> Path:
        t = self.tables[qname]
        if len(columns) == 1 and (c := t.spec.columns.get(columns[0])) is not None and c.unique:
            return t.path + ("columns", columns[0], "unique")
        for i, unique in enumerate(t.spec.unique):
            if tuple(unique.columns) == columns:
                return t.path + ("unique", i)
        return t.path

    def exclusion(self, qname: QualifiedName, i: int) -> Path:
        t = self.tables[qname]
        return t.path + ("exclude", i) if i < len(t.spec.exclude) else t.path

    def index(self, index: cat.Index) -> Path:
        t = self.tables.get(index.table)
        if t is None:
            return ()
        for i, written in enumerate(t.spec.indexes):
            if written.unique and [k.column or k.expression for k in written.columns] == [
                k.column or k.expression for k in index.keys
            ]:
                return t.path + ("indexes", i)
        return t.path

    def foreign_key(self, fk: cat.ForeignKey) -> tuple[Path, bool]:
        """The path of the foreign key, and whether it names a key (not a value) of the spec."""
        t = self.tables.get(fk.table)
        if t is None:
            return (), True
        if len(fk.columns) == 1 and (c := t.spec.columns.get(fk.columns[0])) is not None and c.references:
            return t.path + ("columns", fk.columns[0], "references"), False
        for i, written in enumerate(t.spec.foreign_keys):
            if tuple(written.columns) == fk.columns:
                return t.path + ("foreign_keys", i), False
        conv = self.spec.conventions.tenancy
        if t.spec.tenancy is not None and conv is not None and fk.columns == (conv.column,):
            return t.path + ("tenant_scoped",), True
        if t.spec.audit:
            return t.path + ("audit",), True
        return t.path, True

    def written(self, policy: cat.Policy, key: str) -> str | None:
        """The policy's ``using`` or ``with_check`` as the spec writes it (a convention may add to it)."""
        t = self.tables[policy.table]
        if isinstance(t.spec.policies, dict) and policy.name in t.spec.policies:
            return getattr(t.spec.policies[policy.name], key)
        return None

    def policy(self, policy: cat.Policy, key: str) -> tuple[Path, bool]:
        t = self.tables[policy.table]
        if isinstance(t.spec.policies, dict) and policy.name in t.spec.policies:
            return t.path + ("policies", policy.name, key), False
        if t.spec.tenancy is not None:
            return t.path + ("tenant_scoped",), True
        return t.path, True


def _cols(columns) -> str:
    return ", ".join(columns)


def _keys(table: cat.Table, column: str, places: Places, issues: Issues) -> None:
    name = table.qname.name
    why = "Citus can check a key only inside one shard"
    if table.primary_key and column not in table.primary_key.columns:
        cols = table.primary_key.columns
        issues.add(
            places.primary_key(table.qname),
            f"the primary key ({_cols(cols)}) of distributed table '{name}' does not include its "
            f"distribution column '{column}'; {why}: primary_key: [{_cols((column, *cols))}]",
        )
    for unique in table.uniques:
        if column not in unique.columns:
            issues.add(
                places.unique(table.qname, unique.columns),
                f"the unique constraint ({_cols(unique.columns)}) of distributed table '{name}' does not "
                f"include its distribution column '{column}'; {why}: unique: "
                f"[[{_cols((column, *unique.columns))}]]",
            )
    for i, exclusion in enumerate(table.exclusions):
        if not any(e.key.column == column and e.operator == "=" for e in exclusion.elements):
            issues.add(
                places.exclusion(table.qname, i),
                f"the exclusion constraint '{exclusion.name}' of distributed table '{name}' does not compare "
                f"its distribution column '{column}' with =; {why}: add '{column} with =' to its columns "
                "(an = on uuid or text in a gist index needs the extension btree_gist)",
            )


def _unique_indexes(catalog: cat.Catalog, placed, places: Places, issues: Issues) -> None:
    for index in catalog.indexes:
        chosen = placed.get(index.table)
        if not index.unique or chosen is None or chosen.kind != "distributed":
            continue
        if chosen.column not in [k.column for k in index.keys]:
            keys = [k.column or k.expression for k in index.keys]
            issues.add(
                places.index(index),
                f"the unique index on ({_cols(keys)}) of distributed table '{index.table.name}' does not "
                f"include its distribution column '{chosen.column}'; Citus can check uniqueness only "
                f"inside one shard: columns: [{_cols((chosen.column, *keys))}]",
            )


def _group(qname: QualifiedName, placed: dict[QualifiedName, cat.Distribution], tables) -> tuple:
    """The colocation group of a distributed table: Citus's default groups tables by the type of their
    distribution column and their shard count."""
    seen = set()
    while True:
        chosen = placed[qname]
        if chosen.kind != "distributed":
            return ("reference",)
        target = chosen.colocate_with
        if target == NONE:
            return ("own", qname)
        if target is None or target not in placed or target in seen:
            column = tables[qname].column(chosen.column) if qname in tables else None
            return ("default", column.type if column else None, chosen.shard_count)
        seen.add(qname)
        qname = target


def _kind(qname: QualifiedName, placed) -> str:
    chosen = placed.get(qname)
    return chosen.kind if chosen else "local"


def _foreign_key(fk: cat.ForeignKey, placed, groups, places: Places, issues: Issues) -> None:
    source, target = _kind(fk.table, placed), _kind(fk.ref_table, placed)
    path, key = places.foreign_key(fk)
    if not path:
        return
    src, tgt = fk.table.name, str(fk.ref_table) if fk.ref_table.schema != "public" else fk.ref_table.name
    referenced = f"{tgt}({_cols(fk.ref_columns)})"
    if target == "distributed" and source == "local":
        dist = placed[fk.ref_table]
        copy = fk.columns[fk.ref_columns.index(dist.column)] if dist.column in fk.ref_columns else "..."
        issues.add(
            path,
            f"'{src}' stays on the coordinator, but its foreign key references distributed table "
            f"{referenced}: Citus accepts such a key and never enforces it, so deleting a '{tgt}' "
            f"row leaves dangling '{src}' rows; distribute '{src}' colocated with '{tgt}' "
            f"(distributed: {{column: {copy}, colocate_with: {tgt}}})",
            key=key,
        )
    elif target == "distributed" and source == "reference":
        issues.add(
            path,
            f"reference table '{src}' cannot keep a foreign key to distributed table {referenced}: "
            f"every node holds all of '{src}' but only some shards of '{tgt}'; distribute '{src}' "
            f"colocated with '{tgt}', or drop the foreign key",
            key=key,
        )
    elif target == "local" and source == "distributed":
        issues.add(
            path,
            f"distributed table '{src}' cannot keep a foreign key to {referenced}, which stays on "
            f"the coordinator; make '{tgt}' a reference table (reference: true)",
            key=key,
        )
    elif target == "local" and source == "reference":
        actions = [
            (what, action)
            for what, action in (("on_delete", fk.on_delete), ("on_update", fk.on_update))
            if action not in LOCAL_ONLY_ACTIONS
        ]
        if actions:
            what, action = actions[0]
            issues.add(
                path,
                f"a foreign key from reference table '{src}' to {referenced}, which stays on the "
                f"coordinator, may only be NO ACTION or RESTRICT (Citus refuses {what}: {action}); "
                f"drop '{what}', or make '{tgt}' a reference table",
                key=key,
            )
    elif target == "distributed" and source == "distributed":
        _between_distributed(fk, placed[fk.table], placed[fk.ref_table], groups, path, key, issues)


def _between_distributed(
    fk: cat.ForeignKey,
    source: cat.Distribution,
    target: cat.Distribution,
    groups,
    path: Path,
    key: bool,
    issues: Issues,
) -> None:
    src, tgt = fk.table.name, fk.ref_table.name
    if groups[fk.table] != groups[fk.ref_table]:
        issues.add(
            path,
            f"the foreign key from '{src}' to '{tgt}' joins distributed tables that are not "
            f"colocated, and Citus checks a foreign key inside one node only: colocate them "
            f"(distributed: {{column: {source.column}, colocate_with: {tgt}}})",
            key=key,
        )
        return
    paired = source.column in fk.columns and fk.ref_columns[fk.columns.index(source.column)] == target.column
    if not paired:
        columns = _cols((source.column, *(c for c in fk.columns if c != source.column)))
        ref_columns = _cols((target.column, *(r for r in fk.ref_columns if r != target.column)))
        pair = (
            f"'{source.column}' on both sides"
            if source.column == target.column
            else f"'{source.column}' with '{target.column}'"
        )
        issues.add(
            path,
            f"the foreign key ({_cols(fk.columns)}) from '{src}' to '{tgt}'({_cols(fk.ref_columns)}) "
            f"must pair the distribution columns, {pair}, at the same position, so that both rows "
            f"sit in one shard: foreign_keys: [{{columns: [{columns}], "
            f"references: {{table: {tgt}, columns: [{ref_columns}]}}}}]",
            key=key,
        )
        return
    if fk.on_delete in REFUSED_ON_DELETE:
        issues.add(
            path,
            f"on_delete: {fk.on_delete} on the foreign key from '{src}' to '{tgt}' would change the "
            f"distribution column '{source.column}', which Citus refuses; use on_delete: cascade or "
            "restrict",
            key=key,
        )
    elif fk.on_update not in LOCAL_ONLY_ACTIONS:
        issues.add(
            path,
            f"on_update: {fk.on_update} on the foreign key from '{src}' to '{tgt}' would change the "
            f"distribution column '{source.column}', which Citus refuses; drop 'on_update' (only no "
            "action or restrict are allowed)",
            key=key,
        )


def _policy(policy: cat.Policy, table: str, places: Places, issues: Issues) -> None:
    for key in ("using", "with_check"):
        text = getattr(policy, key)
        if not text:
            continue
        path, is_key = places.policy(policy, key)
        try:
            forbid_subquery(check_expression(text), "")
        except SqlProblem:
            bare = without_scalar_selects(places.written(policy, key) or text)
            fix = (
                f"call the function without (select ...): {key}: {bare}"
                if bare
                else "compare the row's columns with a value of the request instead (a function that reads "
                "the claims): Citus runs the policy on the shards, where reading its tables is refused too"
            )
            issues.add(
                path,
                f"policy '{policy.name}' on {table} '{policy.table.name}' has a subquery, and Citus "
                f'cannot create such a policy on its tables ("cannot create policy"); {fix}',
                key=is_key,
            )
            continue
        functions = {name for _, name in references(f"SELECT {text}").functions}
        if "current_setting" in functions:
            issues.add(
                path,
                f"policy '{policy.name}' on {table} '{policy.table.name}' reads current_setting(), "
                "and Citus runs the policy on the workers, which do not see a SET or set_config() "
                "made on the coordinator (the policy finds no setting: no rows, inserts refused); "
                "see docs/citus.md for SET LOCAL with citus.propagate_set_commands",
                key=is_key,
            )


def _membership_lookup(spec: m.Spec, placed: dict[QualifiedName, cat.Distribution], issues: Issues) -> None:
    conv = spec.conventions.tenancy
    if conv is None or not placed or conv.current.kind != "membership":
        return
    issues.add(
        ("conventions", "tenancy", "current_tenant"),
        f"the current tenant is looked up in '{conv.current.memberships.table}', and on Citus the tenancy "
        'policies run on the shards, where a function that reads a Citus table is refused ("cannot execute a '
        'distributed query from a query on a shard"); take the tenant from the claims: '
        "current_tenant: {source: claim}, and check the membership where the token is issued",
    )
