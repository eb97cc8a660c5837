"""What the convention expansions share: their error, the spec's tables by name,
and small helpers to add catalog objects (the columns each convention adds are
named in ``spec.conventions``, where the resolver reads them too).

Expansions never see YAML positions. A problem they find is reported with its
path in the spec (``("tables", "vehicles", "tenant_scoped")``); the pipeline,
which has the positions, places such problems like every other, at their line
and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..errors import Path, Problem, SpecError
from ..render.quoting import ident
from ..render.sql import environment
from ..spec import models as m
from ..spec.names import default_name, identifier_problem, last_part, split_qualified, suggest, unknown
from ..spec.platform import platform_for


class ExpansionError(SpecError):
    """Problems found while expanding, each with its path in the spec.

    ``issues`` is ``[(path, message, key)]``; ``key`` says the problem is
    about the key at ``path`` rather than its value. Outside the pipeline (which
    places them) the problems are reported at the top of the file.
    """

    def __init__(self, issues: list[tuple[Path, str, bool]], file: str = "schema.yaml"):
        self.issues = issues
        super().__init__([Problem(1, 1, path, message, file) for path, message, _ in issues])


class Issues:
    """Collects an expansion's problems, to raise them together."""

    def __init__(self) -> None:
        self.items: list[tuple[Path, str, bool]] = []

    def add(self, path: Path, message: str, *, key: bool = False) -> None:
        self.items.append((tuple(path), message, key))

    def ident(self, name: str, path: Path) -> bool:
        problem = identifier_problem(name)
        if problem:
            self.add(path, problem)
        return problem is None

    def raise_if_any(self, catalog: cat.Catalog) -> None:
        if self.items:
            raise ExpansionError(self.items, catalog.source)


# -- the spec's tables ----------------------------------------------------------


@dataclass(frozen=True)
class SpecTable:
    key: str  # as written under 'tables'
    qname: QualifiedName
    spec: m.TableSpec

    @property
    def path(self) -> Path:
        return ("tables", self.key)


def spec_tables(spec: m.Spec) -> Iterator[SpecTable]:
    for key, table in spec.tables.items():
        parts = split_qualified(key)
        if parts:
            yield SpecTable(key, QualifiedName(*parts), table)


def helper_schema(spec: m.Spec) -> str:
    """The non-exposed schema the conventions put their functions and views in."""
    return spec.conventions.schema_


def helper(spec: m.Spec, name: str) -> QualifiedName:
    return QualifiedName(helper_schema(spec), name)


def user_id(spec: m.Spec) -> str | None:
    """SQL for the current user's id: ``conventions.user_id``, else ``auth.uid()`` on Supabase."""
    if spec.conventions.user_id is not None:
        return spec.conventions.user_id
    return "auth.uid()" if spec.target.flavor == "supabase" else None


def known_roles(spec: m.Spec) -> set[str]:
    return set(platform_for(spec.target.flavor).roles) | set(spec.roles)


def check_roles(roles, spec: m.Spec, path: Path, issues: Issues) -> bool:
    known = known_roles(spec)
    ok = True
    for i, role in enumerate(roles):
        if role.lower() != "public" and role not in known:
            hint = suggest(role, known) or "; list the roles the database already has under 'roles'"
            issues.add(path + (i,), f"unknown role '{role}'{hint}")
            ok = False
    return ok


# -- building catalog objects ------------------------------------------------------


def body(template: str, **context) -> str:
    """A function body or view query from ``templates/convention_<template>.sql.j2``."""
    return environment().get_template(f"convention_{template}.sql.j2").render(**context).strip("\n")


def function_body(template: str, **context) -> str:
    """A function body from ``templates/convention_<template>.sql.j2``, on lines of its own: PostgreSQL
    keeps the newlines after and before the quotes, and the SQL written reads as a block."""
    return "\n" + body(template, **context) + "\n"


def name(table: QualifiedName, columns, suffix: str) -> str:
    """A generated object's name: ``vehicles_tenant_id_idx``, shortened when over 63 bytes."""
    return default_name(table, tuple(columns), suffix)


def call(function: QualifiedName) -> str:
    """``(select private.current_tenant_id())``: evaluated once per statement, not per row."""
    return f"(select {ident(function)}())"


class Draft:
    """A catalog being expanded.

    An expansion changes many tables and adds many objects; doing each change
    on the frozen catalog would copy it every time (quadratic over 2,000
    tables). A draft gathers the changes in maps and lists, and ``done()``
    builds the new catalog once. Order is kept: objects added go after the
    ones the catalog had, except foreign keys added ``first``, which go
    before their table's other keys.
    """

    def __init__(self, catalog: cat.Catalog):
        self.catalog = catalog
        self.tables = {t.qname: t for t in catalog.tables}
        self.schemas = {s.name: s for s in catalog.schemas}
        self.functions = {f.qname: f for f in catalog.functions}
        self.views = {v.qname: v for v in catalog.views}
        self.indexes = list(catalog.indexes)
        self.foreign_keys = list(catalog.foreign_keys)
        self.policies = list(catalog.policies)
        self.triggers = list(catalog.triggers)
        self._first_keys: dict[QualifiedName, list[cat.ForeignKey]] = {}
        self._index_keys: dict[QualifiedName, list[tuple[str, ...]]] = {}
        for index in self.indexes:
            self._note(index)

    def _note(self, index: cat.Index) -> None:
        if index.where is None and all(k.column for k in index.keys):
            self._index_keys.setdefault(index.table, []).append(tuple(k.column for k in index.keys))

    def table(self, qname: QualifiedName) -> cat.Table | None:
        return self.tables.get(qname)

    def put(self, table: cat.Table) -> None:
        """Replace the table of that name, or add it at the end."""
        self.tables[table.qname] = table

    def add_index(self, index: cat.Index) -> None:
        self.indexes.append(index)
        self._note(index)

    def add_foreign_key(self, fk: cat.ForeignKey, *, first: bool = False) -> None:
        if first:
            self._first_keys.setdefault(fk.table, []).append(fk)
        else:
            self.foreign_keys.append(fk)

    def add_function(self, function: cat.Function) -> None:
        """Add a helper function, unless the spec declares one of that name: then that one is used."""
        self.functions.setdefault(function.qname, function)

    def add_view(self, view: cat.View) -> None:
        """Add a generated view, unless the spec declares one of that name: then that one is kept."""
        self.views.setdefault(view.qname, view)

    def leads_with(self, table: cat.Table, columns: tuple[str, ...]) -> bool:
        """Does a primary key, unique constraint or full index of ``table`` start with ``columns``,
        in any order? An equality on each of them is served the same by any order."""
        n = len(columns)
        keys = [table.primary_key.columns] if table.primary_key else []
        keys += [u.columns for u in table.uniques]
        keys += self._index_keys.get(table.qname, [])
        return any(set(k[:n]) == set(columns) for k in keys)

    def ensure_schema(self, schema: str, usage: tuple[str, ...] = ()) -> None:
        """The helper schema exists (created, not exposed, when the spec does not declare it)
        and ``usage`` roles may use it: policies call its functions as those roles."""
        current = self.schemas.get(schema) or cat.Schema(
            schema, exposed=False, comment="Functions and views generated by schemac's conventions; not exposed."
        )
        granted = {r for g in current.grants if not g.revoke and {"usage", "all"} & set(g.privileges) for r in g.roles}
        missing = tuple(r for r in usage if r not in granted)
        if missing:
            current = replace(current, grants=current.grants + (cat.Grant(("usage",), missing),))
        self.schemas[schema] = current

    def done(self) -> cat.Catalog:
        keys = []
        first = dict(self._first_keys)
        for fk in self.foreign_keys:
            keys.extend(first.pop(fk.table, ()))
            keys.append(fk)
        for pending in first.values():
            keys.extend(pending)
        return replace(
            self.catalog,
            schemas=tuple(self.schemas.values()),
            tables=tuple(self.tables.values()),
            functions=tuple(self.functions.values()),
            views=tuple(self.views.values()),
            indexes=tuple(self.indexes),
            foreign_keys=tuple(keys),
            policies=tuple(self.policies),
            triggers=tuple(self.triggers),
        )


def insert_column(table: cat.Table, column: cat.Column, *, after_key: bool = False) -> cat.Table:
    """Add ``column`` at the end, or after the leading primary-key columns (``id, tenant_id, ...``); a column
    of that name the table inherits becomes its own too, where it is (PostgreSQL merges the two)."""
    columns = list(table.columns)
    inherited = next((i for i, c in enumerate(columns) if c.name == column.name and not c.local), None)
    if inherited is not None:
        columns[inherited] = column
        return replace(table, columns=tuple(columns))
    at = len(columns)
    if after_key:
        key = set(table.primary_key.columns) if table.primary_key else set()
        at = 0
        while at < len(columns) and columns[at].name in key and column.name not in key:
            at += 1
    columns.insert(at, column)
    return replace(table, columns=tuple(columns))


def find_key(catalog: cat.Catalog, spec: m.Spec, ref: str) -> tuple[QualifiedName, str, str] | str:
    """``tenants.id`` or ``tenants`` (its primary key) -> (table, key column, type), or why not.

    The referenced column must be a single-column primary key or unique
    constraint of a table of the spec, or a key of the platform (auth.users.id).
    """
    tables = {t.qname: t for t in catalog.tables}
    platform = platform_for(spec.target.flavor).tables
    whole = split_qualified(ref)
    head, column = last_part(ref) or ("", ref)
    candidates = []
    if whole:
        candidates.append((QualifiedName(*whole), None))
    if head and (parts := split_qualified(head)):
        candidates.append((QualifiedName(*parts), column))
    for qname, col in candidates:
        if qname in platform:
            pk = platform[qname][0]
            col = col or (pk[0] if len(pk) == 1 else None)
            if col in pk and len(pk) == 1:
                return qname, col, "uuid"
            return f"'{ref}' is not the single-column key of {qname}"
        table = tables.get(qname)
        if table is None:
            continue
        if col is None:
            if not table.primary_key or len(table.primary_key.columns) != 1:
                return (
                    f"table '{qname.name}' has no single-column primary key; name the column: '{qname.name}.<column>'"
                )
            col = table.primary_key.columns[0]
        column_obj = table.column(col)
        if column_obj is None:
            return f"table '{qname.name}' has no column '{col}'{suggest(col, [c.name for c in table.columns])}"
        keys = ([table.primary_key.columns] if table.primary_key else []) + [u.columns for u in table.uniques]
        if (col,) not in keys:
            return f"'{qname.name}.{col}' is not a primary key or unique column, so nothing can reference it alone"
        return qname, col, column_obj.type
    return unknown("table", ref, [t.qname for t in catalog.tables], shown=head or ref)
