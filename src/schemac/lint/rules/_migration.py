"""Statement walks shared by the migration-hazard rules (SC5xx)."""

from __future__ import annotations

from collections.abc import Iterator

from schemac.lint.registry import Context
from schemac.lint.source import Statement
from schemac.lint.tree import Key, names_key, relation_key


def existing_alters(ctx: Context, *subtypes: str) -> Iterator[tuple[Statement, Key, dict]]:
    """``(statement, table, AlterTableCmd)`` for ALTER TABLE commands of the given
    subtypes on tables the same file did not create first."""
    for stmt in ctx.of_kind("AlterTableStmt"):
        if stmt.node.get("objtype") != "OBJECT_TABLE":
            continue
        key = relation_key(stmt.node["relation"])
        if ctx.model.is_new(key, stmt):
            continue
        for item in stmt.node.get("cmds") or ():
            cmd = item["AlterTableCmd"]
            if cmd.get("subtype") in subtypes:
                yield stmt, key, cmd


def dropped_tables(stmt: Statement) -> list[Key]:
    if stmt.kind != "DropStmt" or stmt.node.get("removeType") != "OBJECT_TABLE":
        return []
    return [names_key(o.get("List", {}).get("items")) for o in stmt.node.get("objects") or ()]


def locks_existing_table(ctx: Context, stmt: Statement) -> Key | None:
    """The existing table a statement takes a heavy lock on, if any."""
    node = stmt.node
    if stmt.kind == "AlterTableStmt" and node.get("objtype") == "OBJECT_TABLE":
        key = relation_key(node["relation"])
    elif stmt.kind == "IndexStmt" and not node.get("concurrent"):
        key = relation_key(node["relation"])
    elif stmt.kind == "RenameStmt" and node.get("relation"):
        key = relation_key(node["relation"])
    elif stmt.kind == "DropStmt":
        keys = [k for k in dropped_tables(stmt) if not ctx.model.is_new(k, stmt)]
        return keys[0] if keys else None
    else:
        return None
    return None if ctx.model.is_new(key, stmt) else key
