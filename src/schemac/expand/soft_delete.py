"""soft_delete: rows are deleted by setting a timestamp, and then nobody reads them.

Each table with ``soft_delete: true`` gets:

- the column (``deleted_at timestamptz``, named by ``conventions.soft_delete.column``);
- ``deleted_at IS NULL`` ANDed into the USING of every permissive SELECT,
  ALL and UPDATE policy of the table that does not already require it, the
  generated ones and the ones the spec writes alike (the seed's read
  policies showed deleted rows);
- a partial index ``WHERE deleted_at IS NULL`` for the table's usual lookup,
  a tenant's live rows newest first: the tenant column (on tenant-scoped
  tables), then ``created_at DESC`` (when the audit convention gives the
  table one), else the primary key.

The tenancy convention gives soft-delete tables no DELETE policy: a row is
deleted by setting the column, not removed through the API. PostgreSQL checks
the row an UPDATE writes against the SELECT policies too, so setting the
column as a policy-bound role is refused; soft-delete through a SECURITY
DEFINER function or the service role.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pglast import ast, enums

from ..catalog import objects as cat
from ..render.quoting import ident
from ..spec import models as m
from ..sqltree import SqlProblem, check_expression
from ..spec.conventions import audit_parts, tenant_column
from .common import Draft, Issues, insert_column, name, spec_tables

READ_COMMANDS = ("select", "all", "update")
_OR = re.compile(r"\bor\b", re.IGNORECASE)


def soft_delete(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    tables = [t for t in spec_tables(spec) if t.spec.soft_delete]
    if not tables:
        return catalog
    issues = Issues()
    column = spec.conventions.soft_delete.column
    issues.ident(column, ("conventions", "soft_delete", "column"))
    for t in tables:
        if t.spec.append_only:
            issues.add(
                t.path + ("soft_delete",),
                "an append-only table cannot be soft-deleted: that is an UPDATE "
                "of its rows; keep 'append_only' or 'soft_delete'",
                key=True,
            )
        if column in t.spec.columns:
            issues.add(
                t.path + ("columns", column), f"soft_delete adds the column '{column}'; remove it here", key=True
            )
    issues.raise_if_any(catalog)

    live = f"{ident(column)} is null"
    draft = Draft(catalog)
    soft = set()
    for t in tables:
        table = draft.table(t.qname)
        if table is None:
            continue
        soft.add(t.qname)
        table = insert_column(table, cat.Column(column, "timestamptz"))
        draft.put(table)
        keys = _lookup_keys(spec, t.spec, table)
        if keys:
            draft.add_index(cat.Index(name(t.qname, [], "live_idx"), t.qname, keys, where=live))
    draft.policies = [
        replace(p, using=f"({p.using}) and {live}" if _needs_parentheses(p.using) else f"{p.using} and {live}")
        if p.table in soft
        and p.permissive
        and p.command in READ_COMMANDS
        and p.using is not None
        and not requires_null(p.using, column)
        else p
        for p in draft.policies
    ]
    return draft.done()


def _lookup_keys(spec: m.Spec, table_spec: m.TableSpec, table: cat.Table) -> tuple[cat.IndexKey, ...]:
    keys = []
    tenant = tenant_column(spec, table_spec)
    if tenant:
        keys.append(cat.IndexKey(column=tenant))
    created = audit_parts(spec, table_spec).get("created_at")
    if created:
        keys.append(cat.IndexKey(column=created, order="desc"))
    if not keys and table.primary_key:
        keys = [cat.IndexKey(column=c) for c in table.primary_key.columns]
    return tuple(keys)


def _conjuncts(node):
    if isinstance(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR:
        for arg in node.args:
            yield from _conjuncts(arg)
    else:
        yield node


def requires_null(text: str, column: str) -> bool:
    """Does the expression require ``column IS NULL`` in a top-level AND term?"""
    if column not in text:
        return False  # no need to parse (the generated policies, mostly)
    try:
        node = check_expression(text)
    except SqlProblem:
        return False
    for term in _conjuncts(node):
        if (
            isinstance(term, ast.NullTest)
            and term.nulltesttype == enums.NullTestType.IS_NULL
            and isinstance(term.arg, ast.ColumnRef)
            and term.arg.fields[-1].sval == column
        ):
            return True
    return False


def _needs_parentheses(text: str) -> bool:
    """An OR at the top must be kept together when ANDed with the filter."""
    if not _OR.search(text):
        return False
    try:
        node = check_expression(text)
    except SqlProblem:
        return True
    return not (isinstance(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR) and isinstance(
        node, ast.BoolExpr
    )
