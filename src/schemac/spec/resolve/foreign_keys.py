"""Foreign keys, written on a column (``references:``) or on the table (``foreign_keys:``), each
checked against the key it references: the composite-key trap, deferrable keys, partitioned
tables, comparable types."""

from __future__ import annotations

from ... import versions
from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from .. import models as m
from ..names import default_name, spell, suggest
from .constraints import deferrable, enforcement
from .coverage import required_columns
from .scope import Scope
from .types import type_family


def foreign_keys(
    scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec, column_names: tuple[str, ...] | None = None
) -> list[cat.ForeignKey]:
    """``column_names``: the table's, where ``qname`` is not a table of the spec (a partition: its table's)."""
    known = scope.table_columns(qname) if column_names is None else column_names
    wanted = []  # (columns, target ref, target columns or None, options, path, the reference as written)
    for name, column in table.columns.items():
        ref = column.references
        if ref is None:
            continue
        fpath = path + ("columns", name, "references")
        if (ref.on_delete and column.on_delete) or (ref.on_update and column.on_update):
            scope.error(fpath, "'on_delete'/'on_update' given twice")
        options = dict(
            on_delete=ref.on_delete or column.on_delete,
            on_update=ref.on_update or column.on_update,
            name=ref.name,
            match=ref.match,
            comment=ref.comment,
            **enforcement(scope, ref, fpath),
            **deferrable(ref.deferrable),
        )
        # 'public.vehicles' reads as table 'public', column 'vehicles' until
        # we know that 'public.vehicles' is a table.
        whole = f"{ref.table}.{spell(ref.column)}" if ref.column is not None else ref.table
        if ref.column is not None and not scope.is_table(ref.table) and scope.is_table(whole):
            wanted.append(((name,), whole, None, options, fpath, whole))
        else:
            wanted.append(((name,), ref.table, (ref.column,) if ref.column else None, options, fpath, whole))
    for i, fk in enumerate(table.foreign_keys):
        options = dict(
            on_delete=fk.on_delete,
            on_update=fk.on_update,
            name=fk.name,
            match=fk.match,
            on_delete_columns=_on_delete_columns(scope, fk, path + ("foreign_keys", i)),
            comment=fk.comment,
            **enforcement(scope, fk, path + ("foreign_keys", i)),
            **deferrable(fk.deferrable),
        )
        scope.distinct(fk.columns, path + ("foreign_keys", i, "columns"), "column")
        scope.distinct(fk.references.columns, path + ("foreign_keys", i, "references", "columns"), "column")
        for j, column in enumerate(fk.columns):
            if column not in known:
                scope.error(
                    path + ("foreign_keys", i, "columns", j),
                    f"unknown column '{column}'{suggest(column, known)}",
                )
        wanted.append(
            (
                tuple(fk.columns),
                fk.references.table,
                tuple(fk.references.columns),
                options,
                path + ("foreign_keys", i, "references"),
                fk.references.table,
            )
        )
    out = []
    for columns, target_ref, ref_columns, options, fpath, written in wanted:
        target = scope.find_table(target_ref, fpath, written)
        if target is None:
            continue
        target_pk = scope.primary_keys.get(target) or scope.platform.tables.get(target, ((),))[0]
        if ref_columns is None:
            if not target_pk:
                scope.error(fpath, f"table '{target}' has no primary key to reference; name the column")
                continue
            ref_columns = target_pk
        if not all(scope.column_exists(target, c, fpath) for c in ref_columns):
            continue
        if len(ref_columns) != len(columns):
            scope.error(fpath, f"the foreign key has {len(columns)} column(s) but references {len(ref_columns)}")
            continue
        if not is_key(scope, target, ref_columns):
            scope.error(fpath, trap_message(scope, target, columns, ref_columns))
            continue
        mismatch = type_mismatch(scope, table, columns, target, ref_columns)
        if mismatch:
            scope.error(fpath, mismatch)
            continue
        if not table.unlogged and target in scope.tables and scope.tables[target][1].unlogged:
            scope.error(
                fpath,
                f"table '{target}' is unlogged, and a logged table cannot reference it (a crash empties it, "
                "and the keys would point at nothing); make this table unlogged too, or that one logged",
            )
            continue
        name = options.pop("name") or default_name(qname, columns, "fkey")
        scope.ident(name, fpath, key=False)
        if any(fk.name == name for fk in out):
            scope.error(
                fpath,
                f"constraint '{name}' is already the name of another foreign key of this table; "
                "give one of them a 'name', or remove the copy",
            )
            continue
        if not options["valid"] and options["enforced"] and table.partition:
            scope.needs_version(
                versions.NOT_VALID_FK_ON_PARTITIONED, "a NOT VALID foreign key on a partitioned table", fpath
            )
        out.append(cat.ForeignKey(name, qname, tuple(columns), target, tuple(ref_columns), **options))
    return out


def _on_delete_columns(scope: Scope, fk: m.ForeignKeySpec, path: Path) -> tuple[str, ...]:
    """ON DELETE SET NULL / SET DEFAULT (columns): some of the key's own columns, each once."""
    if fk.on_delete_columns and fk.on_delete not in ("set null", "set default"):
        scope.error(path + ("on_delete_columns",), "'on_delete_columns' needs 'on_delete: set null' or 'set default'")
    for j, column in enumerate(fk.on_delete_columns):
        if column not in fk.columns:
            scope.error(
                path + ("on_delete_columns", j),
                f"'{column}' is not a column of this foreign key; ON DELETE sets only the key's own columns"
                f"{suggest(column, fk.columns)}",
            )
    scope.distinct(fk.on_delete_columns, path + ("on_delete_columns",), "column")
    return tuple(fk.on_delete_columns)


def is_key(scope: Scope, target: QualifiedName, columns) -> bool:
    wanted = set(columns)
    if target in scope.platform.tables:
        return wanted == set(scope.platform.tables[target][0])
    spec = scope.tables[target][1]
    # PostgreSQL refuses a foreign key to a deferrable key.
    keys = [set(scope.primary_keys[target])] if not (spec.pk and spec.pk.deferrable) else []
    keys += [{n} for n, c in spec.columns.items() if c.unique]
    keys += [set(u.columns) for u in spec.unique if not u.deferrable]
    keys += [
        {k.column for k in i.columns}
        for i in spec.indexes
        if i.unique and i.where is None and all(k.column for k in i.columns)
    ]
    return wanted in keys


def trap_message(scope: Scope, target: QualifiedName, columns, ref_columns) -> str:
    spec = scope.tables[target][1] if target in scope.tables else None
    pk = scope.primary_keys.get(target) or scope.platform.tables.get(target, ((),))[0]
    referenced = f"{target.name}({', '.join(ref_columns)})"
    deferrable = [set(u.columns) for u in spec.unique if u.deferrable] if spec else []
    if spec and spec.pk and spec.pk.deferrable:
        deferrable.append(set(pk))
    if set(ref_columns) in deferrable:
        return (
            f"foreign key to {referenced} cannot work: that key is deferrable, and PostgreSQL lets a "
            "foreign key reference only a key that is not; drop 'deferrable' from the key, or add a unique "
            "key on the same columns that is not deferrable"
        )
    # The key of every level counts: a unique key must hold the sub-partitions' columns too.
    required = required_columns(spec.partition) if spec and spec.partition else {}
    missing = [c for c in required if c not in ref_columns]
    if missing:
        own = [c for c, source in required.items() if source is None]
        by = f"'{own[0]}'" if len(own) == 1 else f"({', '.join(own)})"
        by += "".join(f" and its partition '{source}' by '{c}'" for c, source in required.items() if source)
        copies = " and ".join(missing)
        what = "a column that copies" if len(missing) == 1 else "columns that copy"
        both = "both" if len(missing) == 1 else "them all"
        return (
            f"foreign key to {referenced} cannot work: '{target.name}' is partitioned by {by}, "
            f"so its primary key is ({', '.join(pk)}) and no unique key covers ({', '.join(ref_columns)}) alone. "
            f"Add {what} the referenced row's {copies} and reference {both}: "
            f"foreign_keys: [{{columns: [{', '.join([*columns, *(f'<{c} column>' for c in missing)])}], "
            f"references: {{table: {target.name}, columns: [{', '.join(pk)}]}}}}]"
        )
    return (
        f"foreign key to {referenced} needs a primary key or unique constraint on exactly "
        f"({', '.join(ref_columns)}); the primary key of '{target.name}' is ({', '.join(pk) or 'none'})"
    )


def type_mismatch(scope: Scope, table: m.TableSpec, columns, target: QualifiedName, ref_columns) -> str | None:
    """Why PostgreSQL would refuse these columns to reference those (their types cannot be compared)."""
    if target not in scope.tables:
        return None
    target_spec = scope.tables[target][1]
    for column, ref_column in zip(columns, ref_columns):
        mine, theirs = table.columns.get(column), target_spec.columns.get(ref_column)
        if mine is None or theirs is None:
            continue
        a, b = type_family(scope, mine.type), type_family(scope, theirs.type)
        if a and b and a != b:
            return (
                f"column '{column}' is {mine.type} but {target.name}.{ref_column} is {theirs.type}; "
                "a foreign key needs columns of comparable types"
            )
    return None
