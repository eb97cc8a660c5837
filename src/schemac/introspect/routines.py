"""Functions and triggers from catalog rows."""

from __future__ import annotations

from ..catalog.objects import Aggregate, Argument, Function, QualifiedName, Trigger
from .reading import Reading, Row, builds
from .security import table_of
from .text import config_setting, search_path_names, trigger_when

MODES = {"i": "in", "o": "out", "b": "inout", "v": "variadic"}  # "t" (RETURNS TABLE) is in the result
VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
PARALLEL = {"s": "safe", "r": "restricted", "u": None}  # unsafe is the default

# pg_trigger.tgtype bits (src/include/catalog/pg_trigger.h)
TRIGGER_ROW = 1
TRIGGER_BEFORE = 2
TRIGGER_INSTEAD = 64
TRIGGER_EVENTS = (("insert", 4), ("update", 16), ("delete", 8), ("truncate", 32))
TRIGGER_ENABLED = {"O": "origin", "A": "always", "R": "replica", "D": "disabled"}


def _arguments(row: Row) -> tuple[Argument, ...]:
    types = row["arg_types"]
    names = row["arg_names"] or [""] * len(types)
    modes = row["arg_modes"] or ["i"] * len(types)
    out = []
    for type_, name, mode, default in zip(types, names, modes, row["arg_defaults"]):
        if mode == "t":
            continue
        out.append(Argument(name or None, type_, default, MODES[mode]))
    return tuple(out)


def _search_path(config: list[str] | None) -> str | None:
    value = config_setting(config, "search_path")
    if value is None:
        return None
    names = [n for n in search_path_names(value) if n]
    return ", ".join(names)


def _settings(config: list[str] | None) -> tuple[tuple[str, str], ...]:
    """The ``SET name = value`` of a routine but its search_path, as Function.settings holds them."""
    pairs = ((name.lower(), value) for name, _, value in (item.partition("=") for item in config or ()))
    return tuple(sorted(pair for pair in pairs if pair[0] != "search_path"))


@builds("functions")
def functions(read: Reading) -> tuple[Function, ...]:
    out = []
    for row in read["functions"]:
        out.append(
            Function(
                qname=QualifiedName(row["schema"], row["name"]),
                args=_arguments(row),
                returns=row["returns"],
                language=row["language"],
                body=row["body"],
                volatility=VOLATILITY[row["volatility"]],
                strict=row["strict"],
                security_definer=row["security_definer"],
                search_path=_search_path(row["config"]),
                settings=_settings(row["config"]),
                parallel=PARALLEL[row["parallel"]],
                grants=read.grants.get(("function", row["oid"]), ()),
                comment=row["comment"],
                leakproof=row["leakproof"],
                cost=row["cost"],
                rows=row["rows"],
            )
        )
    return tuple(sorted(out, key=lambda f: (f.qname.schema, f.qname.name, f.signature)))


@builds("aggregates")
def aggregates(read: Reading) -> tuple[Aggregate, ...]:
    out = []
    for row in read["aggregates"]:
        types = row["arg_types"]
        names = row["arg_names"] or [""] * len(types)
        modes = row["arg_modes"] or ["i"] * len(types)
        # An operator prints as its name and argument types, here PostgreSQL's own or schema-qualified.
        sortop = row["sortop"]
        out.append(
            Aggregate(
                qname=QualifiedName(row["schema"], row["name"]),
                args=tuple(Argument(n or None, t, None, MODES[m]) for t, n, m in zip(types, names, modes)),
                sfunc=row["sfunc"],
                stype=row["stype"],
                finalfunc=row["finalfunc"],
                finalfunc_extra=row["finalfunc_extra"],
                combinefunc=row["combinefunc"],
                serialfunc=row["serialfunc"],
                deserialfunc=row["deserialfunc"],
                initcond=row["initcond"],
                msfunc=row["msfunc"],
                minvfunc=row["minvfunc"],
                mstype=row["mstype"],
                minitcond=row["minitcond"],
                sortop=sortop.split("(")[0] if sortop else None,
                parallel=PARALLEL[row["parallel"]],
                grants=read.grants.get(("function", row["oid"]), ()),
                comment=row["comment"],
                direct_args=row["direct_args"],
                hypothetical=row["hypothetical"],
            )
        )
    return tuple(out)


def _trigger_args(raw: bytes | None, count: int) -> tuple[str, ...]:
    if not count or raw is None:
        return ()
    return tuple(part.decode() for part in bytes(raw).split(b"\x00")[:count])


@builds("triggers")
def triggers(read: Reading) -> tuple[Trigger, ...]:
    out = []
    for row in read["triggers"]:
        table = table_of(row, read.names)
        if table is None:
            continue
        tgtype = row["type"]
        if tgtype & TRIGGER_INSTEAD:
            timing = "instead of"
        elif tgtype & TRIGGER_BEFORE:
            timing = "before"
        else:
            timing = "after"
        out.append(
            Trigger(
                name=row["name"],
                table=table,
                function=QualifiedName(row["function_schema"], row["function_name"]),
                timing=timing,
                events=tuple(event for event, bit in TRIGGER_EVENTS if tgtype & bit),
                update_of=tuple(row["update_of"]),
                level="row" if tgtype & TRIGGER_ROW else "statement",
                when=trigger_when(row["definition"]) if row["definition"] else None,
                args=_trigger_args(row["args"], row["nargs"]),
                comment=row["comment"],
                constraint=row["constraint"],
                deferrable=row["deferrable"],
                initially_deferred=row["initially_deferred"],
                from_table=QualifiedName(*row["from_table"]) if row["from_table"] else None,
                old_table=row["old_table"],
                new_table=row["new_table"],
                enabled=TRIGGER_ENABLED[row["enabled"]],
            )
        )
    return tuple(sorted(out, key=lambda t: (t.table.schema, t.table.name, t.name)))
