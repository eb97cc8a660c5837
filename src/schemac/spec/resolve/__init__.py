"""Spec models -> catalog objects, with every name, reference and SQL fragment checked.

``resolve`` declares the spec's names in a :class:`~.scope.Scope` (tables and
functions first, so that references may point forward), then asks each part
(one module per kind: ``schemas``, ``types`` (enums, domains, composite
types), ``sequences``, ``functions``, ``tables`` with its ``inheritance``,
``constraints``, ``indexes``, ``partitioning``,
``policies`` and ``triggers``, ``foreign_keys``, ``views``, ``aggregates``, ``publications``,
``platform_tables``, ``default_privileges``)
for the catalog objects it builds. All problems are collected in the scope
(each with its path in the spec, placed at its line and column) and raised
together as one :class:`SpecError`. The conventions are not expanded here:
the expansions (``schemac.expand``) build on the catalog returned.
"""

from __future__ import annotations

from datetime import date

from ...catalog import objects as cat
from ...errors import SpecError
from .. import models as m
from ..loader import Positions
from .aggregates import aggregates
from .default_privileges import default_privileges
from .foreign_keys import foreign_keys
from .partition_own import partitions_own
from .functions import UNPINNED, declare_procedures, function_of
from .inheritance import declare_parents
from .platform_tables import platform_tables
from .publications import publications
from .schemas import extensions, schemas, settings
from .scope import Scope
from .sequences import sequences
from .tables import ResolvedTable, primary_key_columns, table_of
from .typed import declare_typed_tables
from .types import composite_types, declare_composite_types, domains, enums
from .views import views

__all__ = ["UNPINNED", "Scope", "resolve"]


def resolve(spec: m.Spec, positions: Positions, today: date | None = None) -> cat.Catalog:
    """Check every name, reference and SQL fragment of ``spec``; return its catalog."""
    scope = Scope(spec, positions, today or date.today())
    schema_objects = schemas(scope)
    settings(scope)
    extension_objects = extensions(scope)
    enum_objects = enums(scope)
    composites = declare_composite_types(scope)
    # Names of tables and functions first, so references may point forward.
    for key, table in spec.tables.items():
        qname = scope.qualify(key, ("tables", key), declare=True)
        if qname:
            scope.tables[qname] = (("tables", key), table)
            scope.user_types[qname] = "table"  # its row type, e.g. `returns: setof vehicles`
    for key, function in spec.functions.items():
        qname = scope.qualify(key, ("functions", key))
        if qname:
            scope.functions[qname] = (("functions", key), function)
    # Each table's parents, before anything reads its columns (a child's are its parents' and its own).
    parents_first = declare_parents(scope)
    domain_objects = domains(scope)
    composite_objects = composite_types(scope, composites)
    declare_typed_tables(scope, composite_objects)
    sequence_objects = sequences(scope)
    procedures = declare_procedures(scope)
    function_objects = tuple(
        function_of(scope, q, p, f) for q, (p, f) in [*scope.functions.items(), *procedures.items()]
    )
    aggregate_objects = aggregates(scope)
    for qname, (path, table) in scope.tables.items():
        scope.primary_keys[qname] = primary_key_columns(table)
    resolved: dict[cat.QualifiedName, ResolvedTable] = {}
    for qname in parents_first:
        path, table = scope.tables[qname]
        parents = [resolved[p].table for p in scope.parents[qname]]
        resolved[qname] = table_of(scope, qname, path, table, parents)
    tables = [resolved[qname] for qname in scope.tables]
    fks = [fk for qname, (path, table) in scope.tables.items() for fk in foreign_keys(scope, qname, path, table)]
    # A partition's own after its table's: PostgreSQL would take one made first as the copy of the table's.
    own = [partitions_own(scope, qname, path, table) for qname, (path, table) in scope.tables.items()]
    fks += [fk for o in own for fk in o.foreign_keys]
    view_objects, view_indexes = views(scope)
    publication_objects = publications(scope)
    platform_policies, platform_triggers = platform_tables(scope)
    default_privilege_entries = default_privileges(scope)
    if scope.problems:
        raise SpecError(scope.problems)
    return cat.Catalog(
        source=positions.file,
        target_version=spec.target.postgres,
        flavor=spec.target.flavor,
        schemas=schema_objects,
        extensions=extension_objects,
        enums=enum_objects,
        domains=domain_objects,
        composite_types=composite_objects,
        sequences=sequence_objects,
        tables=tuple(t.table for t in tables),
        partitions=tuple(o.partition(p) for t, o in zip(tables, own) for p in t.partitions),
        foreign_keys=tuple(fks),
        indexes=tuple(i for t in tables for i in t.indexes) + tuple(i for o in own for i in o.indexes) + view_indexes,
        policies=tuple(p for t in tables for p in t.policies) + tuple(platform_policies),
        triggers=tuple(t for table in tables for t in table.triggers) + tuple(platform_triggers),
        views=view_objects,
        functions=function_objects,
        aggregates=aggregate_objects,
        publications=publication_objects,
        default_privileges=default_privilege_entries,
        leave_alone=tuple(spec.leave_alone),
    )
