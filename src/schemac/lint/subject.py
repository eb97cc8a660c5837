"""Which object a statement creates or changes, so that a suppression written
on one statement of an object also covers findings reported on another (the
compiler writes a spec object's ``lint: {ignore: ...}`` above each of its
statements; a finding about the table may sit on its CREATE TABLE or on its
ALTER TABLE ... ENABLE ROW LEVEL SECURITY)."""

from __future__ import annotations

from schemac.lint.source import Statement
from schemac.lint.tree import names_key, relation_key

Subject = tuple[str, str, str]  # (kind, schema, name)

_RELATION_FIELD = {
    "CreateStmt": "relation",
    "AlterTableStmt": "relation",
    "IndexStmt": "relation",
    "CreateTrigStmt": "relation",
    "RenameStmt": "relation",
    "CreatePolicyStmt": "table",
    "AlterPolicyStmt": "table",
}
_COMMENTED_RELATIONS = {"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"}


def subject_of(stmt: Statement) -> Subject | None:
    node = stmt.node
    field = _RELATION_FIELD.get(stmt.kind)
    if field and node.get(field):
        return ("relation", *relation_key(node[field]))
    if stmt.kind == "ViewStmt" and node.get("view"):
        return ("relation", *relation_key(node["view"]))
    if stmt.kind == "CreateTableAsStmt":
        rel = (node.get("into") or {}).get("rel")
        return ("relation", *relation_key(rel)) if rel else None
    if stmt.kind == "CommentStmt":
        items = (node.get("object") or {}).get("List", {}).get("items")
        if node.get("objtype") in _COMMENTED_RELATIONS:
            return ("relation", *names_key(items))
        if node.get("objtype") == "OBJECT_COLUMN" and items:
            return ("relation", *names_key(items[:-1]))
        return None
    if stmt.kind == "CreateFunctionStmt":
        return ("function", *names_key(node.get("funcname")))
    if stmt.kind == "AlterFunctionStmt":
        return ("function", *names_key((node.get("func") or {}).get("objname")))
    if stmt.kind == "GrantStmt" and node.get("objtype") == "OBJECT_FUNCTION":
        objects = node.get("objects") or []
        if len(objects) == 1 and "ObjectWithArgs" in objects[0]:
            return ("function", *names_key(objects[0]["ObjectWithArgs"].get("objname")))
    return None
