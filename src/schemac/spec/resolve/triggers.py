"""Triggers of a table."""

from __future__ import annotations

from ...catalog import objects as cat
from ...sqltree import column_qualifiers
from .. import models as m
from ..names import suggest
from .constraints import deferrable
from .fragments import expression
from .scope import Scope


def trigger_of(scope: Scope, table, name, trigger: m.TriggerSpec, path, names) -> cat.Trigger | None:
    """``names``: the table's columns, for ``update_of``; None where the spec does not know them (a
    platform table's: PostgreSQL checks them where the spec is built)."""
    ok = scope.ident(name, path)
    ok = scope.distinct(trigger.events, path + ("events",), "event") and ok
    ok = scope.distinct(trigger.update_of, path + ("update_of",), "column") and ok
    function = scope.find_trigger_function(trigger.function, path + ("function",))
    if function and function in scope.functions:
        returns = scope.functions[function][1].returns.strip().lower()
        if returns != "trigger":
            scope.error(path + ("function",), f"function '{function}' returns {returns}, not trigger")
            ok = False
    for i, column in enumerate(trigger.update_of if names is not None else ()):
        if column not in names:
            scope.error(path + ("update_of", i), f"unknown column '{column}'{suggest(column, names)}")
            ok = False
    if trigger.update_of and "update" not in trigger.events:
        scope.error(path + ("update_of",), "'update_of' needs the 'update' event")
        ok = False
    if trigger.timing == "instead of":
        scope.error(path + ("timing",), "INSTEAD OF triggers belong on views; a table's trigger runs before or after")
        ok = False
    if "truncate" in trigger.events and trigger.level == "row":
        scope.error(path + ("events",), "a TRUNCATE trigger fires once per statement; add 'level: statement'")
        ok = False
    if trigger.when is not None:
        node = expression(scope, trigger.when, path + ("when",), "a trigger's WHEN condition")
        if node is None:
            ok = False
        elif trigger.level == "statement" and {"old", "new"} & {n.lower() for n in column_qualifiers(node)}:
            scope.error(path + ("when",), "a statement-level trigger has no OLD or NEW row to test in 'when'")
            ok = False
    options = trigger_options(scope, trigger, path)
    if not ok or function is None or options is None:
        return None
    return cat.Trigger(
        name,
        table,
        function,
        trigger.timing,
        tuple(trigger.events),
        tuple(trigger.update_of),
        trigger.level,
        trigger.when,
        tuple(trigger.args),
        trigger.comment,
        **options,
    )


def trigger_options(scope: Scope, trigger: m.TriggerSpec, path) -> dict | None:
    """A trigger's constraint, transition tables and enabled state, as the catalog has them;
    None when PostgreSQL would refuse them."""
    problems = []
    if trigger.constraint and (trigger.timing, trigger.level) != ("after", "row"):
        problems.append(("constraint", "a constraint trigger fires after each row: set 'timing: after'"))
    if trigger.deferrable is not False and not trigger.constraint:
        problems.append(("deferrable", "only a constraint trigger can be deferred: add 'constraint: true'"))
    from_table = None
    if trigger.from_table is not None:
        from_table = scope.find_table(trigger.from_table, path + ("from_table",))
        if from_table is None:
            return None
        if not trigger.constraint:
            problems.append(
                ("from_table", "only a constraint trigger reads from another table: add 'constraint: true'")
            )
    for key, events in (("old_table", {"update", "delete"}), ("new_table", {"insert", "update"})):
        if getattr(trigger, key) is None:
            continue
        if not scope.ident(getattr(trigger, key), path + (key,), key=False):
            return None
        if trigger.timing != "after" or trigger.constraint:
            problems.append((key, "only a plain after trigger has transition tables"))
        elif not events & set(trigger.events):
            problems.append((key, f"the {key.replace('_', ' ')} needs one of the events {', '.join(sorted(events))}"))
        elif trigger.update_of:
            problems.append((key, "a trigger with 'update_of' has no transition tables"))
    for key, message in problems:
        scope.error(path + (key,), message)
    if problems:
        return None
    enabled = {True: "origin", False: "disabled"}.get(trigger.enabled, trigger.enabled)
    return {
        "constraint": trigger.constraint,
        **deferrable(trigger.deferrable),
        "from_table": from_table,
        "old_table": trigger.old_table,
        "new_table": trigger.new_table,
        "enabled": enabled,
    }
