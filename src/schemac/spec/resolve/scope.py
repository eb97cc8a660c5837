"""What every part of the resolver reads and reports to, passed to each explicitly.

A :class:`Scope` holds the spec, where each of its paths is in the file, the
names declared so far (schemas, relations, types, tables, functions, roles)
and the problems found. Its methods are the checks that need those names;
each part of the resolver (one module per kind) builds and returns its
catalog objects and reports through ``error``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName, provided_function_schemas
from ...errors import Path, Problem
from .. import models as m
from ..conventions import added_columns
from ..loader import Positions
from ..names import identifier_problem, split_name, split_qualified, suggest, unknown
from ..platform import Platform, platform_for


# The trigger functions PostgreSQL itself provides, named with their schema in a spec.
POSTGRES_TRIGGER_FUNCTIONS = frozenset(
    {"tsvector_update_trigger", "tsvector_update_trigger_column", "suppress_redundant_updates_trigger"}
)


@dataclass
class Scope:
    spec: m.Spec
    positions: Positions
    today: date
    platform: Platform = field(init=False)
    problems: list[Problem] = field(default_factory=list)
    schemas: set[str] = field(init=False)
    extensions: set[str] = field(init=False)
    roles: set[str] = field(init=False)
    # Every name in a schema's relation/type namespace, to report duplicates.
    namespace: dict[QualifiedName, Path] = field(default_factory=dict)
    user_types: dict[QualifiedName, str] = field(default_factory=dict)  # enums, domains, tables -> kind
    tables: dict[QualifiedName, tuple[Path, m.TableSpec]] = field(default_factory=dict)
    functions: dict[QualifiedName, tuple[Path, m.FunctionSpec]] = field(default_factory=dict)
    primary_keys: dict[QualifiedName, tuple[str, ...]] = field(default_factory=dict)
    parents: dict[QualifiedName, tuple[QualifiedName, ...]] = field(default_factory=dict)  # inherits:
    typed: dict[QualifiedName, cat.CompositeType] = field(default_factory=dict)  # of: (typed tables)

    def __post_init__(self) -> None:
        spec = self.spec
        self.platform = platform_for(spec.target.flavor)
        self.schemas = set(spec.schemas) | set(self.platform.schemas)
        if "conventions" in spec.model_fields_set:
            self.schemas.add(spec.conventions.schema_)  # created for the conventions' helpers
        self.extensions = {e.name for e in spec.extensions}
        self.roles = set(self.platform.roles) | set(spec.roles)

    # -- reporting ---------------------------------------------------------

    def error(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.positions.problem(path, message, key=key))

    def distinct(self, items, path: Path, what: str) -> bool:
        """No item of a list twice (a key's columns, a trigger's events): PostgreSQL refuses it."""
        first: dict = {}
        for i, item in enumerate(items):
            if item in first:
                self.error(path + (i,), f"{what} '{item}' is listed twice (first at [{first[item]}])")
            first.setdefault(item, i)
        return len(first) == len(items)

    def ident(self, name: str, path: Path, *, key: bool = True) -> bool:
        problem = identifier_problem(name)
        if problem:
            self.error(path, problem, key=key)
        return problem is None

    def needs_version(self, version: int, feature: str, path: Path) -> bool:
        """Whether the target has ``feature``; if not, says so."""
        target = self.spec.target.postgres
        if target < version:
            self.error(path, f"{feature} needs PostgreSQL {version} or later; the target is PostgreSQL {target}")
        return target >= version

    # -- names -------------------------------------------------------------

    def qualify(self, key: str, path: Path, *, declare: bool = False) -> QualifiedName | None:
        parts = split_qualified(key)
        if parts is None:
            how = (
                "a name in double quotes ends with one, right before a dot or the end ('\"a.b\"', '\"\"' for a quote inside)"
                if split_name(key) is None
                else "write 'name' or 'schema.name' (a name with a dot in double quotes: '\"a.b\"')"
            )
            self.error(path, f"'{key}' is not a name: {how}", key=True)
            return None
        return self.qualified(*parts, path, declare=declare)

    def qualified(self, schema: str, name: str, path: Path, *, declare: bool = False) -> QualifiedName | None:
        """``schema.name`` if both are names and the schema is one the spec may use; with ``declare``, the
        name taken in the schema's namespace of relations and types, or an error if it was."""
        if not (self.ident(schema, path) and self.ident(name, path)):
            return None
        if schema not in self.schemas:
            self.error(
                path, f"schema '{schema}' is not declared under 'schemas'{suggest(schema, self.schemas)}", key=True
            )
            return None
        qname = QualifiedName(schema, name)
        if declare and schema in self.platform.schemas and schema not in self.spec.schemas and schema != "public":
            self.error(
                path, f"schema '{schema}' belongs to the platform; create '{name}' in a schema of your own", key=True
            )
            return None
        if declare:
            if qname in self.namespace:
                first = self.positions.of(self.namespace[qname], key=True)[0]
                self.error(
                    path,
                    f"'{qname}' is already defined (line {first}); tables, views, sequences, indexes and types share one namespace per schema",
                    key=True,
                )
                return None
            self.namespace[qname] = path
        return qname

    def find_table(self, ref: str, path: Path, written: str | None = None) -> QualifiedName | None:
        """The table ``ref`` names, or an error; ``written``: the whole reference ``ref`` was read from
        (``v1.items.id``), where a name with a dot written without its quotes shows."""
        parts = split_qualified(ref)
        qname = QualifiedName(*parts) if parts else None
        if qname is not None and (qname in self.tables or qname in self.platform.tables):
            return qname
        self.error(path, unknown("table", written or ref, [*self.tables, *self.platform.tables], shown=ref))
        return None

    def is_table(self, ref: str) -> bool:
        parts = split_qualified(ref)
        return bool(parts) and (QualifiedName(*parts) in self.tables or QualifiedName(*parts) in self.platform.tables)

    def table_columns(self, qname: QualifiedName) -> tuple[str, ...]:
        if qname in self.typed:
            return tuple(a.name for a in self.typed[qname].attributes)
        if qname in self.tables:
            table = self.tables[qname][1]
            inherited = [c for parent in self.parents.get(qname, ()) for c in self.table_columns(parent)]
            own = tuple(table.columns) + added_columns(self.spec, table)
            return tuple(dict.fromkeys([*inherited, *own]))
        return self.platform.tables[qname][1]

    def column_exists(self, table: QualifiedName, column: str, path: Path) -> bool:
        columns = self.table_columns(table)
        if column in columns:
            return True
        self.error(path, f"table '{table}' has no column '{column}'{suggest(column, columns)}")
        return False

    def find_function(self, ref: str, path: Path) -> QualifiedName | None:
        ref = ref.removesuffix("()")
        parts = split_qualified(ref)
        qname = QualifiedName(*parts) if parts else None
        if qname in self.functions or qname in self.platform.functions:
            return qname
        known = [str(q) for q in [*self.functions, *self.platform.functions]]
        self.error(path, f"unknown function '{ref}'{suggest(ref, known)}")
        return None

    def find_trigger_function(self, ref: str, path: Path) -> QualifiedName | None:
        """A trigger's function: the spec's, the platform's, or one PostgreSQL or an extension of the
        spec provides, named with its schema (``pg_catalog.tsvector_update_trigger``,
        ``extensions.moddatetime``), which PostgreSQL checks where the spec is built."""
        parts = split_qualified(ref.removesuffix("()"))
        written_with_schema = len(split_name(ref.removesuffix("()")) or ()) == 2
        if (
            written_with_schema
            and parts
            and parts[0] in provided_function_schemas(e.schema_ for e in self.spec.extensions)
            and QualifiedName(*parts) not in self.functions
        ):
            return QualifiedName(*parts)
        if (
            not written_with_schema
            and parts
            and parts[1] in POSTGRES_TRIGGER_FUNCTIONS
            and QualifiedName(*parts) not in self.functions
        ):
            self.error(path, f"unknown function '{ref}'; PostgreSQL's own is written 'pg_catalog.{parts[1]}'")
            return None
        return self.find_function(ref, path)

    def role(self, role: str, path: Path) -> bool:
        """A role must exist: one the platform provides or one listed under 'roles'."""
        if role.lower() == "public" or role in self.roles:
            return True
        if not self.ident(role, path, key=False):
            return False
        hint = suggest(role, self.roles) or "; list the roles the database already has under 'roles'"
        self.error(path, f"unknown role '{role}'{hint}")
        return False
