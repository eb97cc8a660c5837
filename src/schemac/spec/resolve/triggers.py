"""Triggers of a table."""

from __future__ import annotations

from ...catalog import objects as cat
from ...sqltree import column_qualifiers
from .. import models as m
from ..names import suggest
from .fragments import expression
from .scope import Scope


def trigger_of(scope: Scope, table, name, trigger: m.TriggerSpec, path, names) -> cat.Trigger | None:
    ok = scope.ident(name, path)
    ok = scope.distinct(trigger.events, path + ("events",), "event") and ok
    ok = scope.distinct(trigger.update_of, path + ("update_of",), "column") and ok
    function = scope.find_function(trigger.function, path + ("function",))
    if function and function in scope.functions:
        returns = scope.functions[function][1].returns.strip().lower()
        if returns != "trigger":
            scope.error(path + ("function",), f"function '{function}' returns {returns}, not trigger")
            ok = False
    for i, column in enumerate(trigger.update_of):
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
    if not ok or function is None:
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
    )
