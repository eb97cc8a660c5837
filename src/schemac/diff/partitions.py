"""Changes of what partitions hold of their own: a column's default, NOT NULL and NOT NULL name.

A partition's column is compared as it will be when the plan's changes to its
parents have reached it, since PostgreSQL passes them down: ``ALTER COLUMN ...
SET DEFAULT`` (or ``DROP DEFAULT``, ``SET NOT NULL``) on a partitioned table
sets every partition's too, one with a default of its own included, and a NOT
NULL constraint renamed on a table is renamed on the partitions that share its
name. A partition whose parent's column changes so has its own setting made
again after it.
"""

from __future__ import annotations

from dataclasses import replace

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..catalog.partitions import ColumnState, children, column_states, descendants
from . import changes as ch


def _passed_down(out: list[ch.Change]) -> tuple[set[tuple[QualifiedName, str]], set[tuple[QualifiedName, str]]]:
    """(relation, column) whose default, and whose NOT NULL, the plan's table changes set: its
    partitions take the new setting."""
    defaults, nulls = set(), set()
    for c in out:
        if isinstance(c, ch.AlterColumn):
            if c.default_changed or (c.type_changed and c.before.default is not None):
                defaults.add((c.table, c.after.name))
            if c.null_changed:
                nulls.add((c.table, c.after.name))
        elif isinstance(c, ch.AddColumn):
            defaults.add((c.table.qname, c.column.name))
            nulls.add((c.table.qname, c.column.name))
    return defaults, nulls


def _made(out: list[ch.Change]) -> set[QualifiedName]:
    """Tables and partitions the plan creates (or makes again): their columns come with them."""
    made = set()
    for c in out:
        obj = c.obj if isinstance(c, ch.Create) else c.after if isinstance(c, ch.Replace) else None
        if isinstance(obj, (cat.Table, cat.Partition)):
            made.add(obj.qname)
    return made


def _as_reached(
    before: ColumnState | None,
    parent_before: ColumnState | None,
    parent_after: ColumnState,
    default_set: bool,
    null_set: bool,
) -> ColumnState:
    """A partition's column as it is once its parent's changes in the plan have reached it."""
    if before is None:  # added to the table: as the parent has it
        return parent_after
    if default_set:
        before = replace(before, default=parent_after.default)
    if null_set:
        # SET NOT NULL keeps a constraint the partition has; DROP NOT NULL is read as taking it away
        # (it does before PostgreSQL 18), and the partition's own is set again.
        keep = before.not_null and parent_after.not_null
        before = replace(
            before,
            not_null=parent_after.not_null,
            not_null_name=before.not_null_name if keep else parent_after.not_null_name,
        )
    elif (
        parent_before is not None
        and parent_before.not_null
        and parent_after.not_null
        and before.not_null_name == parent_before.not_null_name
    ):
        # RENAME CONSTRAINT on the parent renames the partition's of the same name.
        before = replace(before, not_null_name=parent_after.not_null_name)
    return before


def partition_column_changes(current: cat.Catalog, desired: cat.Catalog, out: list[ch.Change]) -> list[ch.Change]:
    """What partitions that exist on both sides hold of their own, changed: one change per partition,
    after ``out``'s changes to tables and partitions (whose settings it passes down)."""
    made = _made(out)
    defaults, nulls = _passed_down(out)
    old, new = column_states(current), column_states(desired)
    # In name order (a spec lists them as written, a database by name), each after its parent.
    below = children(sorted(desired.partitions, key=lambda p: (p.qname.schema, p.qname.name)))
    changes: list[ch.Change] = []
    for table in desired.tables:
        if table.partition_key is None or table.qname in made or table.qname not in old:
            continue
        for partition in descendants(below, table.qname):
            q, parent = partition.qname, partition.parent
            if parent in made or q not in old:
                made.add(q)  # made with its parent, or new
                continue
            pairs = []
            for name, after in new[q].items():
                before = _as_reached(
                    old[q].get(name),
                    old[parent].get(name),
                    new[parent][name],
                    (parent, name) in defaults,
                    (parent, name) in nulls,
                )
                if before.default != after.default:
                    defaults.add((q, name))
                if before.not_null != after.not_null:
                    nulls.add((q, name))
                if before != after:
                    pairs.append((before, after))
            if pairs:
                inherited = frozenset(b.name for b, _ in pairs if new[parent][b.name].not_null)
                changes.append(ch.AlterPartitionColumns(partition, tuple(pairs), inherited))
    return changes
