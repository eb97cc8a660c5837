"""The order of a plan: drops first (dependents first), then renames, then creates and
alterations in one dependency order; steps that must commit first before everything,
steps that cannot run in the transaction after it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.graph import Stage, Statement, column_key, order
from ..catalog.objects import Catalog, QualifiedName
from ..catalog.partitions import children
from ..diff import changes as ch
from ..render.quoting import ident
from ..render.sql import (
    change_sql,
    function_sql,
    number,
    privilege_scope,
    search_path_sql,
    setting_name,
    setting_value,
    statements,
)
from .alters import alter_steps, exhausts, narrowing, within_bounds_sql
from .creates import create_steps, renames_argument
from .drops import (
    drop_steps,
    function_users_in_tables,
    with_dependents,
    with_function_dependents,
    with_type_dependents,
)
from .hazards import rule
from .steps import Phase, Plan, PlanError, Step
from ..sqltree import check_expression, column_names


def replaceable(before: cat.Function, after: cat.Function) -> bool:
    """Whether CREATE OR REPLACE takes ``before`` to ``after``: PostgreSQL refuses to change
    the result (OUT arguments included), rename an input argument or remove a default."""

    def outputs(f: cat.Function) -> list[cat.Argument]:
        return [a for a in f.args if a.mode in ("out", "inout")]

    defaults_removed = sum(a.default is not None for a in after.args) < sum(a.default is not None for a in before.args)
    return (
        before.returns == after.returns
        and outputs(before) == outputs(after)
        and not renames_argument(before, after)
        and not defaults_removed
    )


def alterations(before: cat.Function, after: cat.Function) -> tuple[list[str], list[str], list[str]] | None:
    """(estimates, settings, settings reset) that ALTER FUNCTION changes when only a function's estimates and
    settings change: ``["COST 5"], ["statement_timeout = '30s'"], ["work_mem"]`` (a default cost or row count
    is set as PostgreSQL's number for it); None when more changes."""
    same = replace(before, cost=after.cost, rows=after.rows, search_path=after.search_path, settings=after.settings)
    if replace(same, grants=(), comment=None) != replace(after, grants=(), comment=None):  # steps of their own
        return None
    estimates, sets, resets = [], [], []
    if before.cost != after.cost:
        default = 1 if after.language in ("c", "internal") else 100
        estimates.append(f"COST {number(default if after.cost is None else after.cost)}")
    if before.rows != after.rows:
        estimates.append(f"ROWS {number(1000 if after.rows is None else after.rows)}")
    if before.search_path != after.search_path:
        if after.search_path is None:
            resets.append("search_path")
        else:
            sets.append(f"search_path = {search_path_sql(after.search_path)}")
    had, wanted = dict(before.settings), dict(after.settings)
    sets += [f"{setting_name(n)} = {setting_value(v, n)}" for n, v in after.settings if had.get(n) != v]
    resets += [setting_name(n) for n, _ in before.settings if n not in wanted]
    return estimates, sets, resets


def _sort_changes(changes: list[ch.Change]) -> tuple[list[Any], list[Any], list[ch.Change], dict[int, ch.Change]]:
    """(objects to drop, objects to create, changes made in place, the change behind each object)."""
    drops: list[Any] = []
    creates: list[Any] = []
    alters: list[ch.Change] = []
    owner: dict[int, ch.Change] = {}
    for change in changes:
        if isinstance(change, ch.Create):
            creates.append(change.obj)
            owner[id(change.obj)] = change
        elif isinstance(change, ch.Drop):
            drops.append(change.obj)
            owner[id(change.obj)] = change
        elif isinstance(change, ch.Replace) and isinstance(change.after, cat.Sequence):
            alters.append(change)
        elif (
            isinstance(change, ch.Replace)
            and isinstance(change.after, cat.Function)
            and replaceable(change.before, change.after)
        ):
            alters.append(change)  # CREATE OR REPLACE keeps what depends on it
        elif isinstance(change, ch.Replace):
            drops.append(change.before)
            creates.append(change.after)
            owner[id(change.before)] = owner[id(change.after)] = change
        else:
            alters.append(change)
    return drops, creates, alters, owner


def _without_remade(alters: list[ch.Change], creates: list[Any]) -> list[ch.Change]:
    """``alters`` less the policy changes, comments and grants of policies and views that are
    made again (as the goal has them, comment and grants included)."""
    remade = {(kinds.of(o).slot, kinds.of(o).identity(o)) for o in creates if isinstance(o, (cat.Policy, cat.View))}

    def target(c: ch.Change) -> Any:
        return c.after if isinstance(c, ch.AlterPolicy) else getattr(c, "obj", None)

    return [
        c
        for c in alters
        if not (
            isinstance(c, (ch.AlterPolicy, ch.SetComment, ch.ChangeGrants))
            and isinstance(t := target(c), (cat.Policy, cat.View))
            and (kinds.of(t).slot, kinds.of(t).identity(t)) in remade
        )
    ]


def _without_remade_functions(alters: list[ch.Change], creates: list[Any]) -> list[ch.Change]:
    """``alters`` less the CREATE OR REPLACE of functions made again (dropped for a type they name)."""
    remade = {kinds.FUNCTION.identity(f) for f in creates if isinstance(f, cat.Function)}
    return [
        c
        for c in alters
        if not (
            isinstance(c, ch.Replace)
            and isinstance(c.after, cat.Function)
            and kinds.FUNCTION.identity(c.after) in remade
        )
    ]


def _sequence_steps(change: ch.Replace) -> list[tuple[Statement, Step]]:
    """A sequence altered in place; a new owner is set once its column exists."""
    before, after = change.before, change.after
    out = []
    if replace(before, owned_by=None) != replace(after, owned_by=None):
        # Within bounds apart from the old ones it starts again (its next values may be ones rows hold);
        # within narrower ones, a current value outside them goes to the nearer bound first.
        bounds = narrowing(before.bounds, after.bounds)
        sql = change_sql("alter_sequence", after, restart=bounds == "apart")
        if bounds == "narrower":
            sql = f"{within_bounds_sql(after.qname, after.bounds)}\n{sql}"
        exhausted = bounds == "narrower" and exhausts(before.bounds, after.bounds, after.increment)
        step = Step(sql, change, rule("narrow a sequence's bounds", bounds == "apart" or exhausted))
        out.append((Statement(Stage.SEQUENCES, ""), step))
    if after.owned_by and after.owned_by != before.owned_by:
        table, column = after.owned_by
        sql = change_sql("sequence_owner", after.qname, after.owned_by)
        out.append(
            (
                Statement(
                    Stage.TABLES, sql, requires=frozenset({kinds.RELATIONS.key(table), column_key(table, column)})
                ),
                Step(sql, change, note=f"sequence {after.qname} owned by {table}.{column}"),
            )
        )
    return out


def _released(alters: list[ch.Change]) -> list[Step]:
    """OWNED BY NONE for each sequence that changes or loses its owner, before anything is
    dropped: dropping the old owning column or table would take the sequence with it."""
    return [
        Step(
            change_sql("sequence_owner", c.after.qname, None),
            c,
            note=f"sequence {c.after.qname} no longer owned by {c.before.owned_by[0]}.{c.before.owned_by[1]}",
        )
        for c in alters
        if isinstance(c, ch.Replace)
        and isinstance(c.after, cat.Sequence)
        and c.before.owned_by
        and c.before.owned_by != c.after.owned_by
    ]


def _set_aside(alters: list[ch.Change]) -> list[Step]:
    """The old sequence of each column that moves between serial and identity, renamed before
    anything is made: the column's new sequence takes its name (diff.compare._sequences_set_aside)."""
    return [
        Step(
            change_sql("rename_sequence", c.sequence_aside[0], c.sequence_aside[1]),
            c,
            note=f"set sequence {c.sequence_aside[0]} aside as {c.sequence_aside[1]}: "
            f"the new sequence of {c.table}.{c.after.name} takes its name",
        )
        for c in alters
        if isinstance(c, ch.AlterColumn) and c.sequence_aside
    ]


def _publications_released(alters: list[ch.Change]) -> tuple[list[Step], list[ch.Change]]:
    """ALTER PUBLICATION ... DROP TABLE, before anything is dropped, for each table whose column list or row
    filter names a column the plan drops (PostgreSQL drops no column a publication names); the table is then
    added back as the goal publishes it. Returns those steps and the changes, the publications' as they
    are after them."""
    dropped = {(c.table.qname, c.column.name) for c in alters if isinstance(c, ch.DropColumn)}
    if not dropped:
        return [], alters
    steps, out = [], []
    for c in alters:
        if isinstance(c, ch.AlterPublication):
            held = [f.table for f in c.before.filters if any((f.table, name) in dropped for name in _named_columns(f))]
            if held:
                name = c.after.name
                steps.append(
                    Step(
                        change_sql("alter_publication", name, "DROP TABLE " + ", ".join(map(ident, held))),
                        c,
                        rule("publish less of a table"),
                        note=f"drop {', '.join(map(str, held))} from publication {name} while its columns are dropped",
                    )
                )
                before = replace(
                    c.before,
                    tables=tuple(t for t in c.before.tables if t not in held),
                    filters=tuple(f for f in c.before.filters if f.table not in held),
                )
                c = replace(c, before=before)
        out.append(c)
    return steps, out


def _named_columns(sent: cat.TableFilter) -> set[str]:
    """The columns a publication's column list and row filter name."""
    return set(sent.columns) | set(column_names(check_expression(sent.where)) if sent.where else ())


def _type_swaps(changes: list[ch.Change], scope: cat.PrivilegeScope) -> tuple[list[ch.Change], list[Step]]:
    """An enum that loses or reorders values, or a composite type whose attributes are retyped or
    reordered, while columns hold it: renamed away, made again, each column converted (an enum's
    through text, so a row holding a removed value stops the migration; a composite type's attribute
    by attribute, by name), unless the column's ``using:`` says how; then the old type dropped.
    Returns the other changes and the steps of the swaps."""
    kept, steps = [], []
    for change in changes:
        if not isinstance(change, ch.ReplaceEnum):
            kept.append(change)
            continue
        type_ = change.after
        noun = kinds.of(type_).noun
        old = QualifiedName(type_.qname.schema, f"{type_.qname.name}_replaced")
        steps.append(
            Step(
                change_sql("rename_type", type_.qname, old.name),
                change,
                note=f"rename {noun} {type_.qname} to {old.name}, to make it again",
            )
        )
        steps += [
            Step(
                s.sql,
                change,
                note=f"create {noun} {type_.qname} again, with its new "
                + ("attributes" if isinstance(type_, cat.CompositeType) else "values")
                if s.source is type_
                else f"privileges on {noun} {type_.qname}, made again",
            )
            for s in statements(kinds.catalog_of([type_], privileges=scope))
        ]
        for table, now, goal, using in change.columns:
            column = f"column {table}.{now.name}"

            def alter(action: str, note: str, hazards=frozenset()) -> Step:
                return Step(change_sql("alter_column", table, now.name, action), change, hazards, note=note)

            if now.default is not None:  # PostgreSQL will not cast a default to the new type
                steps.append(alter("DROP DEFAULT", f"drop the default of {column}"))
            array = "[]" if now.type.endswith("[]") else ""
            convert = _conversion(change, table, now, using)
            steps.append(
                alter(
                    f"TYPE {ident(type_.qname)}{array} USING {convert}",
                    f"convert {column} to the new {noun} {type_.qname}",
                    rule("change a column's type"),
                )
            )
            if goal is not None and goal.default is not None:
                steps.append(alter(f"SET DEFAULT {goal.default}", f"set the default of {column} again"))
        steps.append(Step(change_sql("drop", "TYPE", ident(old)), change, note=f"drop {noun} {old}, replaced"))
    return kept, steps


def _conversion(change: ch.ReplaceEnum, table: QualifiedName, column: cat.Column, using: str | None) -> str:
    """How a column's values become the new type's: the spec's ``using:``; else an enum's (or an array
    of it) through text, a composite type's attribute by attribute, by name (new ones null). A column
    that holds an array of a composite type needs ``using:``; one that holds it through a domain or
    another composite type cannot be converted so."""
    name = ident(column.name)
    if not isinstance(change, ch.ReplaceCompositeType):
        array = "[]" if column.type.endswith("[]") else ""
        return using or f"{name}::text{array}::{ident(change.after.qname)}{array}"
    q = change.after.qname
    held = f"column {table}.{column.name} ({column.type}) holds the composite type {q}, whose attributes change "
    if column.type.removesuffix("[]") not in {str(q), ident(q), *([q.name] if q.schema == "public" else [])}:
        raise PlanError(
            held + "in a way PostgreSQL cannot make while a column holds it, through a domain or another "
            "composite type; schemac makes a type again only under columns of it or arrays of it: change it "
            "in two steps (a new type beside it, then the columns moved to it)"
        )
    if using:
        return using
    if column.type.endswith("[]"):
        raise PlanError(
            held + "in a way PostgreSQL cannot make while a column holds it; schemac converts a column of the "
            "type itself, not an array of it: give the column a 'using:' that converts its values"
        )
    had = {a.name for a in change.before.attributes}
    fields = ", ".join(f"({name}).{ident(a.name)}" if a.name in had else "NULL" for a in change.after.attributes)
    return f"CASE WHEN {name} IS NOT DISTINCT FROM NULL THEN NULL ELSE ROW({fields})::{ident(q)} END"


def _in_place(change: ch.Change, existing: set) -> list[tuple[Statement, Step]]:
    """(ordering statement, step) pairs of a change made in place."""
    if isinstance(change, ch.Replace) and isinstance(change.after, cat.Sequence):
        return _sequence_steps(change)
    if isinstance(change, ch.Replace):  # a function whose signature and result stay
        altered = alterations(change.before, change.after)
        if altered and any(altered):
            estimates, sets, resets = altered
            sql = change_sql("alter_routine", change.after, estimates, sets, resets)
            said = [f"set {' and '.join(estimates + sets)}" if estimates or sets else ""]
            said.append(f"reset {' and '.join(resets)}" if resets else "")
            note = f"{' and '.join(filter(None, said))} of {kinds.of(change.after).noun} {kinds.FUNCTION.name(change.after)}"
        else:
            sql, note = function_sql(change.after, or_replace=True), None
        hazards = rule("declare a function leakproof", change.after.leakproof and not change.before.leakproof)
        return [
            (
                Statement(Stage.FUNCTIONS, sql, provides=kinds.ROUTINES.key(change.after.qname)),
                Step(sql, change, hazards, note=note),
            )
        ]
    return alter_steps(change, existing)


def _under_old_names(drops: list[Any], owner: dict[int, ch.Change], changes: list[ch.Change]) -> list[Any]:
    """``drops`` as they run, before the renames: what a renamed table holds (a foreign key, policy,
    trigger, Citus placement) is dropped under the table's old name. ``owner`` learns the copies."""
    old = {c.new: c.old for c in changes if isinstance(c, ch.RenameTable)}
    if not old:
        return drops
    out = []
    for obj in drops:
        if getattr(obj, "table", None) in old:
            renamed = replace(obj, table=old[obj.table])
            owner[id(renamed)] = owner[id(obj)]
            obj = renamed
        out.append(obj)
    return out


def make_plan(current: Catalog, desired: Catalog, changes: list[ch.Change]) -> Plan:
    """Order ``changes`` into steps: drops, then renames, creates and alterations, then the rest."""
    remade = [c for c in changes if isinstance(c, ch.Replace) and isinstance(c.before, cat.CompositeType)]
    changes, swaps = _type_swaps(changes, privilege_scope(desired))
    drops, creates, alters, owner = _sort_changes(changes)
    wanted = children(desired.partitions)
    drops, creates = with_dependents(current, desired, children(current.partitions), wanted, drops, creates, owner)
    drops, creates = with_type_dependents(current, desired, remade, drops, creates, owner)
    alters = _without_remade_functions(alters, creates)
    drops, creates = with_function_dependents(current, desired, drops, creates, owner)
    alters = _without_remade(alters, creates)
    released, put_back, alters = function_users_in_tables(current, desired, drops, owner, alters)
    dropped_relations = {o.qname for o in drops if isinstance(o, (cat.Table, cat.Partition, cat.View))}
    # Partitions too: a partition's own keys, indexes and foreign keys are added as a table's are.
    existing = {r.qname for r in (*current.tables, *current.partitions, *current.views)}
    existing -= dropped_relations
    # A sequence or type dropped for good goes last: the columns that use it change first.
    # (Unless something new takes its name.)
    made = {getattr(c, "qname", None) for c in creates}
    late = [
        o
        for o in drops
        if (isinstance(o, cat.Sequence) or kinds.of(o).namespace is kinds.TYPES)
        and isinstance(owner[id(o)], ch.Drop)
        and o.qname not in made
    ]
    drops = [o for o in drops if not any(o is x for x in late)]
    # Constraints go before the columns they hold change (a key's NOT NULL dropped, a column
    # dropped with its constraints), after the renames (they are written with the new names).
    constraint_drops = [
        step for c in alters if isinstance(c, ch.DropConstraint) for _, step in alter_steps(c, existing)
    ]
    alters = [c for c in alters if not isinstance(c, ch.DropConstraint)]
    # A table that stops inheriting does so first: its parent may be dropped, and the columns it keeps
    # must stay when the parent's go. So does a table that stops being of a type (NOT OF).
    unlinked = [
        c
        for c in alters
        if (isinstance(c, ch.SetInheritance) and not c.inherit) or (isinstance(c, ch.SetTypedTable) and not c.of_type)
    ]
    alters = [c for c in alters if not any(c is u for u in unlinked)]
    unlinking = [step for c in unlinked for _, step in alter_steps(c, existing)]
    held, alters = _publications_released(alters)
    drops = _under_old_names(drops, owner, changes)
    steps: list[Step] = _released(alters) + _set_aside(alters) + held + released + unlinking + drop_steps(drops, owner)

    # Creates and alterations share one dependency order.
    forward = create_steps(creates, owner, current, desired, existing, wanted) + put_back
    before_steps: list[Step] = []
    for change in alters:
        for stmt, step in _in_place(change, existing):
            if step.phase == Phase.BEFORE:
                before_steps.append(step)
            else:
                forward.append((stmt, step))
    # Renames first: what follows is written with the new names.
    is_rename = [isinstance(st.change, (ch.RenameTable, ch.RenameColumn)) for _, st in forward]
    rest = [pair for pair, rename in zip(forward, is_rename) if not rename]
    by_statement = {id(stmt): step for stmt, step in rest}
    steps += [st for (_, st), rename in zip(forward, is_rename) if rename]
    steps += constraint_drops + swaps
    steps += [by_statement[id(stmt)] for stmt in order([stmt for stmt, _ in rest])]
    steps += drop_steps(late, owner)
    steps = [s for s in steps if s.sql]
    if any(s.phase == Phase.TRANSACTION for s in steps):
        steps = _citus_settings(desired) + steps
    ordered = before_steps + [s for s in steps if s.phase != Phase.AFTER] + [s for s in steps if s.phase == Phase.AFTER]
    return Plan(tuple(ordered))


def _citus_settings(desired: Catalog) -> list[Step]:
    """On a Citus coordinator, the transaction first makes Citus use one connection per node: after a
    command that ran over several connections at once, Citus refuses DDL on a table (measured on
    Citus 14: ALTER TABLE ... ADD FOREIGN KEY after create_distributed_table). And Citus creates
    triggers on its tables only when told to (render.citus explains why the conventions' are safe)."""
    placed = {d.table for d in desired.distributions}
    if not placed:
        return []
    sql = "SET LOCAL citus.multi_shard_modify_mode TO 'sequential';"
    if any(t.table in placed for t in desired.triggers):
        sql += "\nSET LOCAL citus.enable_unsafe_triggers = on;"
    return [Step(sql, None, note="Citus: one connection per node in this transaction")]
