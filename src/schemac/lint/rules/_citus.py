"""What a file does with Citus, for the Citus rules (SC150-SC153, SC250, SC550): the tables it distributes or makes
reference tables with ``SELECT create_distributed_table(...)`` / ``create_reference_table(...)``.

Citus' traps are about the end state of a file (a key without the distribution column
is refused whichever comes first) and, for distribution order, about the order of calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemac.lint.model import ForeignKey, Table
from schemac.lint.registry import Context
from schemac.lint.source import Statement
from schemac.lint.tree import DEFAULT_SCHEMA, Key, const_value, func_name, walk

DISTRIBUTE = "create_distributed_table"
REFERENCE = "create_reference_table"


@dataclass(frozen=True)
class Placement:
    """A create_distributed_table / create_reference_table call."""

    key: Key
    kind: str  # distributed | reference
    column: str | None
    colocate_with: str | None  # as written: a table name, 'none' or 'default'
    stmt: Statement
    offset: int


def table_key(text: str) -> Key:
    """``'public.events'``, ``'events'`` or ``'"Events"'`` as a (schema, name) key."""
    parts = [p.strip() for p in text.split(".")]
    parts = [p[1:-1].replace('""', '"') if p.startswith('"') and p.endswith('"') else p.lower() for p in parts]
    return (parts[-2], parts[-1]) if len(parts) >= 2 else (DEFAULT_SCHEMA, parts[-1])


def placements(ctx: Context) -> list[Placement]:
    """Each create_distributed_table / create_reference_table call of the file, in order."""
    out = []
    for stmt in ctx.of_kind("SelectStmt"):
        for name, body in walk(stmt.node):
            if name != "FuncCall":
                continue
            called = func_name(body).rsplit(".", 1)[-1]
            if called not in (DISTRIBUTE, REFERENCE):
                continue
            positional, named = [], {}
            for arg in body.get("args") or ():
                if "NamedArgExpr" in arg:
                    named[arg["NamedArgExpr"].get("name")] = const_value(arg["NamedArgExpr"].get("arg"))
                else:
                    positional.append(const_value(arg))
            if not positional or not isinstance(positional[0], str):
                continue
            column = positional[1] if len(positional) > 1 else named.get("distribution_column")
            colocate = named.get("colocate_with") or (positional[3] if len(positional) > 3 else None)
            out.append(
                Placement(
                    table_key(positional[0]),
                    "distributed" if called == DISTRIBUTE else "reference",
                    column if isinstance(column, str) else None,
                    colocate if isinstance(colocate, str) else None,
                    stmt,
                    stmt.at(body.get("location")),
                )
            )
    return out


def placed(ctx: Context) -> dict[Key, Placement]:
    """The first placement of each table."""
    out: dict[Key, Placement] = {}
    for placement in placements(ctx):
        out.setdefault(placement.key, placement)
    return out


def colocation_group(key: Key, by_table: dict[Key, Placement], tables: dict[Key, Table]) -> tuple:
    """Citus' colocation group of a distributed table: an explicit colocate_with followed to its
    head; 'none' a group of its own; else Citus' default, by distribution column type."""
    seen = set()
    while key in by_table and key not in seen:
        seen.add(key)
        placement = by_table[key]
        target = (placement.colocate_with or "default").strip()
        if target.lower() == "none":
            return ("own", key)
        if target.lower() == "default":
            table = tables.get(key)
            column = table.columns.get(placement.column or "") if table else None
            return ("default", column.type if column else None)
        key = table_key(target)
    return ("default", None)


def fk_actions(fk: ForeignKey) -> tuple[str, str]:
    """ON DELETE and ON UPDATE of a foreign key, as libpg_query's letters: a (no action),
    r (restrict), c (cascade), n (set null), d (set default)."""
    for name, body in walk(fk.stmt.node):
        if (
            name == "Constraint"
            and body.get("contype") == "CONSTR_FOREIGN"
            and fk.stmt.at(body.get("location")) == fk.offset
        ):
            return body.get("fk_del_action", "a"), body.get("fk_upd_action", "a")
    return "a", "a"


def label(key: Key) -> str:
    schema, name = key
    return name if schema == DEFAULT_SCHEMA else f"{schema}.{name}"
