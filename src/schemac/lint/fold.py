"""Fold statements, in order, into a :class:`~schemac.lint.model.Model`.

Only what rules need is modelled; statements of other kinds pass through
untouched (single-statement rules still see them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import orjson

from schemac.lint.model import (
    Column,
    ForeignKey,
    Function,
    Index,
    Model,
    Policy,
    Table,
    Trigger,
    UniqueKey,
)
from schemac.lint.source import Statement
from schemac.lint.privileges import (
    FUNCTION,
    TABLE,
    default_privileges,
    grant,
    grant_role,
    new_object_grants,
    role_options,
    starting_defaults,
)
from schemac.lint.tree import Key, dotted, names_key, relation_key, role_name, strings, type_name

# CreateTrigStmt.events / .timing bit values (PostgreSQL's trigger.h)
_TRIGGER_EVENTS = {4: "insert", 8: "delete", 16: "update", 32: "truncate"}
_TIMING_BEFORE, _TIMING_INSTEAD = 2, 64


def fold(statements: list[Statement], supabase: bool = False) -> Model:
    """The model of ``statements``; ``supabase``: on a database with the platform's
    default privileges."""
    model = Model(default_privileges=starting_defaults(supabase), table_defaults_known=supabase)
    for stmt in statements:
        handler = _HANDLERS.get(stmt.kind)
        if handler:
            handler(model, stmt)
    return model


def expression_key(expr: dict) -> str:
    """Canonical text of an expression, locations dropped, for comparing indexes."""
    return "(" + orjson.dumps(_strip_locations(expr), option=orjson.OPT_SORT_KEYS).decode()


def index_variant(elements: list[dict], including: list[str], nulls_not_distinct: bool) -> str:
    """Canonical text of an index's column options, INCLUDE list and NULLS NOT
    DISTINCT. Defaults are spelt out (ascending, nulls last; no collation or
    operator class: the column's own), and a one-column index read backwards
    is the same index (``(a desc)`` serves what ``(a)`` serves)."""
    columns = []
    for elem in elements:
        collation = strings(elem.get("collation"))
        collation = (
            ""
            if not collation or collation[-1] == "default"
            else ".".join(collation[1:] if collation[0] == "pg_catalog" else collation)
        )
        descending = elem.get("ordering") == "SORTBY_DESC"
        nulls = elem.get("nulls_ordering", "SORTBY_NULLS_DEFAULT")
        nulls_first = descending if nulls == "SORTBY_NULLS_DEFAULT" else nulls == "SORTBY_NULLS_FIRST"
        options = expression_key({"List": elem["opclassopts"]}) if elem.get("opclassopts") else ""
        columns.append([collation, dotted(elem.get("opclass")), options, descending, nulls_first])
    if len(columns) == 1 and columns[0][3]:
        columns[0][3:] = [False, not columns[0][4]]
    return orjson.dumps([columns, including, nulls_not_distinct]).decode()


def _strip_locations(node):
    if isinstance(node, dict):
        return {k: _strip_locations(v) for k, v in node.items() if k != "location"}
    if isinstance(node, list):
        return [_strip_locations(v) for v in node]
    return node


def _table(model: Model, key: Key, stmt: Statement, offset: int) -> Table:
    """The table, or a placeholder for one created outside the linted SQL."""
    table = model.tables.get(key)
    if table is None:
        table = model.tables[key] = Table(key, known=False, stmt=stmt, offset=offset)
    return table


def _create_table(model: Model, stmt: Statement) -> None:
    node = stmt.node
    relation = node["relation"]
    key = relation_key(relation)
    if key in model.tables and model.tables[key].known:
        return  # PostgreSQL refuses it, or skips it (IF NOT EXISTS): the table stays as it was
    table = Table(key, known=True, stmt=stmt, offset=stmt.at(relation.get("location")))
    table.privileges = new_object_grants(model, TABLE, key[0])
    table.privileges_known = model.table_defaults_known
    model.tables[key] = table
    model.created_by.setdefault(key, []).append(stmt)
    if node.get("partbound"):
        parents = node.get("inhRelations") or []
        if parents:
            table.parent = relation_key(parents[0]["RangeVar"])
    spec = node.get("partspec")
    if spec:
        table.partition_key = tuple(
            elem["PartitionElem"].get("name") or expression_key(elem["PartitionElem"].get("expr", {}))
            for elem in spec.get("partParams", ())
        )
    for element in node.get("tableElts") or ():
        if "ColumnDef" in element:
            _add_column(table, element["ColumnDef"], stmt)
        elif "Constraint" in element:
            _add_constraint(table, element["Constraint"], stmt, ())


def _column(coldef: dict, stmt: Statement) -> Column:
    """A column, or a composite type's attribute, as its definition writes it."""
    kinds = {c["Constraint"].get("contype") for c in coldef.get("constraints") or () if "Constraint" in c}
    return Column(
        name=coldef.get("colname", ""),
        type=type_name(coldef.get("typeName")),
        not_null=bool(kinds & {"CONSTR_NOTNULL", "CONSTR_PRIMARY", "CONSTR_IDENTITY"}),
        has_default=bool(kinds & {"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"}),
        stmt=stmt,
        offset=stmt.at(coldef.get("location")),
    )


def _add_column(table: Table, coldef: dict, stmt: Statement) -> None:
    name = coldef.get("colname", "")
    constraints = [c["Constraint"] for c in coldef.get("constraints") or () if "Constraint" in c]
    table.columns[name] = _column(coldef, stmt)
    last = None  # the key or foreign key that attribute constraints after it belong to
    said_deferrable = False
    for constraint in constraints:
        kind = constraint.get("contype", "")
        # [NOT] DEFERRABLE, INITIALLY ... and [NOT] ENFORCED after a column's key
        # or REFERENCES arrive as constraints of their own.
        if not kind.startswith("CONSTR_ATTR_"):
            last, said_deferrable = _add_constraint(table, constraint, stmt, (name,)), False
        elif kind in ("CONSTR_ATTR_DEFERRABLE", "CONSTR_ATTR_NOT_DEFERRABLE") and isinstance(last, UniqueKey):
            _set_deferrable(table, last, kind == "CONSTR_ATTR_DEFERRABLE")
            said_deferrable = True
        elif kind == "CONSTR_ATTR_DEFERRED" and isinstance(last, UniqueKey) and not said_deferrable:
            _set_deferrable(table, last, True)  # INITIALLY DEFERRED alone implies DEFERRABLE, as in PostgreSQL
        elif kind in ("CONSTR_ATTR_ENFORCED", "CONSTR_ATTR_NOT_ENFORCED") and isinstance(last, ForeignKey):
            last.enforced = kind == "CONSTR_ATTR_ENFORCED"


def _add_constraint(table: Table, con: dict, stmt: Statement, column: tuple[str, ...]) -> UniqueKey | ForeignKey | None:
    """Record a table or column constraint; return the key or foreign key it made, if any.

    pglast's JSON leaves out false values: a missing ``deferrable`` is false,
    a missing ``is_enforced`` is NOT ENFORCED."""
    kind = con.get("contype")
    offset = stmt.at(con.get("location"))
    if kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
        primary, deferrable = kind == "CONSTR_PRIMARY", bool(con.get("deferrable"))
        using = con.get("indexname")
        existing = next((i for i in table.indexes if i.name == using), None) if using else None
        if existing is not None:  # ADD CONSTRAINT ... USING INDEX: the index becomes the key's
            existing.constraint, existing.deferrable = True, deferrable
            table.keys = [k for k in table.keys if k.columns != existing.columns or k.primary]
            key = UniqueKey(existing.columns, primary, stmt, offset, deferrable)
            table.keys.append(key)
            return key
        columns = tuple(strings(con.get("keys"))) or column
        key = UniqueKey(columns, primary, stmt, offset, deferrable)
        table.keys.append(key)
        variant = index_variant(
            [{} for _ in columns], strings(con.get("including")), bool(con.get("nulls_not_distinct"))
        )
        table.indexes.append(
            Index(
                con.get("conname"),
                table.key,
                columns,
                True,
                "btree",
                None,
                True,
                stmt,
                offset,
                deferrable=deferrable,
                variant=variant,
            )
        )
        return key
    if kind == "CONSTR_FOREIGN":
        fk = ForeignKey(
            name=con.get("conname"),
            table=table.key,
            columns=tuple(strings(con.get("fk_attrs"))) or column,
            target=relation_key(con["pktable"]),
            target_columns=tuple(strings(con.get("pk_attrs"))),
            stmt=stmt,
            offset=offset,
            enforced=bool(con.get("is_enforced")),
        )
        table.foreign_keys.append(fk)
        return fk
    return None


def _set_deferrable(table: Table, key: UniqueKey, deferrable: bool) -> None:
    """A column key's DEFERRABLE, written after it: on the key and on the index it made."""
    key.deferrable = deferrable
    index = next((i for i in reversed(table.indexes) if i.constraint and i.columns == key.columns), None)
    if index is not None:
        index.deferrable = deferrable


def _create_table_as(model: Model, stmt: Statement) -> None:
    """CREATE MATERIALIZED VIEW / CREATE TABLE AS: not modelled as tables (no
    columns or RLS to check), but new, so indexing them is no migration hazard."""
    rel = (stmt.node.get("into") or {}).get("rel")
    if rel:
        model.created_by.setdefault(relation_key(rel), []).append(stmt)


def _create_composite_type(model: Model, stmt: Statement) -> None:
    node = stmt.node
    model.composite_types[relation_key(node["typevar"])] = {
        element["ColumnDef"].get("colname", ""): _column(element["ColumnDef"], stmt)
        for element in node.get("coldeflist") or ()
        if "ColumnDef" in element
    }


def _alter_composite_type(model: Model, stmt: Statement) -> None:
    """ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE (parsed as an ALTER TABLE of the type)."""
    attributes = model.composite_types.get(relation_key(stmt.node["relation"]))
    for item in stmt.node.get("cmds") or () if attributes is not None else ():
        cmd = item["AlterTableCmd"]
        definition = (cmd.get("def") or {}).get("ColumnDef", {})
        if cmd.get("subtype") == "AT_AddColumn":
            attributes[definition.get("colname", "")] = _column(definition, stmt)
        elif cmd.get("subtype") == "AT_DropColumn":
            attributes.pop(cmd.get("name", ""), None)
        elif cmd.get("subtype") == "AT_AlterColumnType" and cmd.get("name") in attributes:
            attributes[cmd["name"]] = replace(_column(definition, stmt), name=cmd["name"])


def _alter_table(model: Model, stmt: Statement) -> None:
    node = stmt.node
    if node.get("objtype") == "OBJECT_TYPE":
        _alter_composite_type(model, stmt)
    if node.get("objtype") != "OBJECT_TABLE":
        return
    relation = node["relation"]
    table = _table(model, relation_key(relation), stmt, stmt.at(relation.get("location")))
    for item in node.get("cmds") or ():
        cmd = item["AlterTableCmd"]
        subtype = cmd.get("subtype")
        definition = cmd.get("def") or {}
        if subtype == "AT_AddConstraint" and "Constraint" in definition:
            _add_constraint(table, definition["Constraint"], stmt, ())
        elif subtype == "AT_AlterConstraint" and definition.get("ATAlterConstraint", {}).get("alterEnforceability"):
            change = definition["ATAlterConstraint"]
            for fk in table.foreign_keys:
                if fk.name == change.get("conname"):
                    fk.enforced = bool(change.get("is_enforced"))
        elif subtype == "AT_AddColumn" and "ColumnDef" in definition:
            _add_column(table, definition["ColumnDef"], stmt)
        elif subtype == "AT_DropColumn":
            table.columns.pop(cmd.get("name", ""), None)
        elif subtype == "AT_AlterColumnType" and cmd.get("name") in table.columns:
            column = table.columns[cmd["name"]]
            column.type = type_name(definition.get("ColumnDef", {}).get("typeName"))
        elif subtype in ("AT_EnableRowSecurity", "AT_ForceRowSecurity"):
            if subtype == "AT_EnableRowSecurity":
                table.rls_enabled = True
            else:
                table.rls_forced = True
            if table.rls_stmt is None:
                table.rls_stmt, table.rls_offset = stmt, stmt.start
        elif subtype == "AT_DisableRowSecurity":
            table.rls_enabled = False
        elif subtype == "AT_NoForceRowSecurity":
            table.rls_forced = False
        elif subtype == "AT_ChangeOwner":
            table.owner = role_name(cmd.get("newowner") or {})
        elif subtype == "AT_AttachPartition" and "PartitionCmd" in definition:
            child = relation_key(definition["PartitionCmd"]["name"])
            if child in model.tables:
                model.tables[child].parent = table.key


def _create_index(model: Model, stmt: Statement) -> None:
    node = stmt.node
    relation = node["relation"]
    table = _table(model, relation_key(relation), stmt, stmt.at(relation.get("location")))
    if _index_exists(model, table.key[0], node.get("idxname")):
        return  # PostgreSQL refuses it, or skips it (IF NOT EXISTS): the other branch of a psql \if
    elements = [param["IndexElem"] for param in node.get("indexParams") or ()]
    columns = [elem.get("name") or expression_key(elem.get("expr", {})) for elem in elements]
    including = [param["IndexElem"].get("name", "") for param in node.get("indexIncludingParams") or ()]
    predicate = node.get("whereClause")
    unique = bool(node.get("unique"))
    index = Index(
        node.get("idxname"),
        table.key,
        tuple(columns),
        unique,
        node.get("accessMethod", "btree"),
        predicate,
        False,
        stmt,
        stmt.start,
        variant=index_variant(elements, including, bool(node.get("nulls_not_distinct"))),
    )
    table.indexes.append(index)
    if index.name:
        model.index_tables[(table.key[0], index.name)] = table.key
    if unique and predicate is None and not any(c.startswith("(") for c in columns):
        table.keys.append(UniqueKey(tuple(columns), False, stmt, stmt.start))


def _index_exists(model: Model, schema: str, name: str | None) -> bool:
    table = model.tables.get(model.index_tables.get((schema, name), ("", ""))) if name else None
    return table is not None and any(index.name == name for index in table.indexes)


def _create_policy(model: Model, stmt: Statement) -> None:
    node = stmt.node
    relation = node["table"]
    table = _table(model, relation_key(relation), stmt, stmt.at(relation.get("location")))
    if any(policy.name == node.get("policy_name", "") for policy in table.policies):
        return  # PostgreSQL refuses it: the other branch of a psql \if
    roles = node.get("roles") or []
    has_to = not (
        len(roles) == 1
        and roles[0]["RoleSpec"].get("roletype") == "ROLESPEC_PUBLIC"
        and roles[0]["RoleSpec"].get("location", -1) < 0
    )
    table.policies.append(
        Policy(
            name=node.get("policy_name", ""),
            table=table.key,
            command=node.get("cmd_name", "all"),
            permissive=bool(node.get("permissive")),
            roles=tuple(role_name(r) for r in roles) or ("public",),
            has_to=has_to,
            using=node.get("qual"),
            check=node.get("with_check"),
            stmt=stmt,
            offset=stmt.start,
        )
    )


def _alter_policy(model: Model, stmt: Statement) -> None:
    node = stmt.node
    table = model.tables.get(relation_key(node["table"]))
    policy = next((p for p in table.policies if p.name == node.get("policy_name")), None) if table else None
    if policy is None:
        return
    if node.get("roles"):
        policy.roles = tuple(role_name(r) for r in node["roles"])
        policy.has_to = True
    policy.using = node.get("qual", policy.using)
    policy.check = node.get("with_check", policy.check)


def _create_trigger(model: Model, stmt: Statement) -> None:
    node = stmt.node
    relation = node["relation"]
    table = _table(model, relation_key(relation), stmt, stmt.at(relation.get("location")))
    events = node.get("events", 0)
    timing = node.get("timing", 0)
    table.triggers.append(
        Trigger(
            name=node.get("trigname", ""),
            table=table.key,
            timing="before" if timing & _TIMING_BEFORE else "instead" if timing & _TIMING_INSTEAD else "after",
            events=frozenset(name for bit, name in _TRIGGER_EVENTS.items() if events & bit),
            function=names_key(node.get("funcname")),
            stmt=stmt,
            offset=stmt.start,
        )
    )


def _comment(model: Model, stmt: Statement) -> None:
    node = stmt.node
    if node.get("objtype") != "OBJECT_TABLE":
        return
    key = names_key(node.get("object", {}).get("List", {}).get("items"))
    table = model.tables.get(key)
    if table is not None:
        table.comment = node.get("comment")


def _function_options(function: Function, options: list) -> None:
    for option in options or ():
        elem = option.get("DefElem", {})
        name, arg = elem.get("defname"), elem.get("arg") or {}
        if name == "security":
            function.security_definer = bool(arg.get("Boolean", {}).get("boolval", False))
        elif name == "set" and "VariableSetStmt" in arg:
            setting = arg["VariableSetStmt"]
            if setting.get("name") == "search_path":
                function.search_path_pinned = setting.get("kind") in ("VAR_SET_VALUE", "VAR_SET_CURRENT")
        elif name == "language":
            function.language = arg.get("String", {}).get("sval", "")
        elif name == "as":
            bodies = strings(arg.get("List", {}).get("items"))
            function.body = bodies[0] if bodies else None


def _create_function(model: Model, stmt: Statement) -> None:
    node = stmt.node
    key = names_key(node.get("funcname"))
    function = Function(
        key=key,
        security_definer=False,
        search_path_pinned=False,
        returns=type_name(node.get("returnType")),
        language="sql",
        body=None,
        stmt=stmt,
        offset=stmt.start,
    )
    _function_options(function, node.get("options"))
    function.grants = new_object_grants(model, FUNCTION, key[0])
    model.functions[key] = function


def _alter_function(model: Model, stmt: Statement) -> None:
    function = model.functions.get(names_key(stmt.node.get("func", {}).get("objname")))
    if function is not None:
        _function_options(function, stmt.node.get("actions"))


def _role(model: Model, stmt: Statement) -> None:
    """CREATE / ALTER ROLE: does the role bypass row level security, and which
    memberships does CREATE ROLE give it?"""
    node = stmt.node
    name = node.get("role") if stmt.kind == "CreateRoleStmt" else role_name(node.get("role") or {})
    if stmt.kind == "CreateRoleStmt":
        role_options(model, name, node.get("options"))
    for option in node.get("options") or ():
        elem = option.get("DefElem", {})
        if elem.get("defname") in ("bypassrls", "superuser") and name:
            if (elem.get("arg") or {}).get("Boolean", {}).get("boolval"):
                model.bypass_roles |= {name}
            else:
                model.bypass_roles -= {name}


def _drop(model: Model, stmt: Statement) -> None:
    node = stmt.node
    kind = node.get("removeType")
    for obj in node.get("objects") or ():
        items = obj.get("List", {}).get("items")
        if kind in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE") and items:
            model.tables.pop(names_key(items), None)
        elif kind == "OBJECT_POLICY" and items:
            table = model.tables.get(names_key(items[:-1]))
            name = strings(items[-1:])[0]
            if table:
                table.policies = [p for p in table.policies if p.name != name]
        elif kind == "OBJECT_TRIGGER" and items:
            table = model.tables.get(names_key(items[:-1]))
            name = strings(items[-1:])[0]
            if table:
                table.triggers = [t for t in table.triggers if t.name != name]
        elif kind == "OBJECT_INDEX" and items:
            schema, name = names_key(items)
            table = model.tables.get(model.index_tables.pop((schema, name), ("", "")))
            if table is not None:
                table.indexes = [i for i in table.indexes if i.name != name]
        elif kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE") and "ObjectWithArgs" in obj:
            model.functions.pop(names_key(obj["ObjectWithArgs"].get("objname")), None)


def _rename(model: Model, stmt: Statement) -> None:
    node = stmt.node
    kind = node.get("renameType")
    relation = node.get("relation")
    if not relation:
        return
    key = relation_key(relation)
    table = model.tables.get(key)
    if table is None:
        return
    if kind == "OBJECT_TABLE":
        new_key = (key[0], node.get("newname", ""))
        model.tables[new_key] = model.tables.pop(key)
        table.key = new_key
        for index, owner in model.index_tables.items():
            if owner == key:
                model.index_tables[index] = new_key
    elif kind == "OBJECT_COLUMN" and node.get("subname") in table.columns:
        column = table.columns.pop(node["subname"])
        column.name = node.get("newname", "")
        table.columns[column.name] = column


_HANDLERS: dict[str, Callable[[Model, Statement], None]] = {
    "CreateStmt": _create_table,
    "CompositeTypeStmt": _create_composite_type,
    "AlterTableStmt": _alter_table,
    "CreateTableAsStmt": _create_table_as,
    "IndexStmt": _create_index,
    "CreatePolicyStmt": _create_policy,
    "AlterPolicyStmt": _alter_policy,
    "CreateTrigStmt": _create_trigger,
    "CommentStmt": _comment,
    "CreateFunctionStmt": _create_function,
    "AlterFunctionStmt": _alter_function,
    "GrantStmt": grant,
    "GrantRoleStmt": grant_role,
    "AlterDefaultPrivilegesStmt": default_privileges,
    "CreateRoleStmt": _role,
    "AlterRoleStmt": _role,
    "DropStmt": _drop,
    "RenameStmt": _rename,
}
