"""Table constraints from the spec: keys' DEFERRABLE state, checks, exclusion constraints."""

from __future__ import annotations

from ... import versions
from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from .. import models as m
from ..names import default_name, key_name, suggest
from .coverage import coverage
from .fragments import collation_name, expression, opclass_name, operator, storage_parameters
from .scope import Scope
from .types import base_type

# Types whose values gist compares only through the btree_gist extension.
BTREE_GIST_TYPES = frozenset(
    """
    int2 int4 int8 float4 float8 numeric money oid text varchar bpchar bytea bool uuid
    date time timetz timestamp timestamptz interval inet cidr macaddr macaddr8 bit varbit
""".split()
)
GIST_EXTENSION = "btree_gist"


def deferrable(value: bool | str) -> dict[str, bool]:
    """The spec's ``deferrable`` as the catalog's two flags; ``true`` is INITIALLY DEFERRED."""
    return {"deferrable": value is not False, "initially_deferred": value in (True, "initially deferred")}


def checks(scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec) -> list[cat.Check]:
    checks = []
    for name, column in table.columns.items():
        if column.check:
            checks.append(cat.Check(default_name(qname, (name,), "check"), column.check))
    for name, written in table.checks.items():
        cpath = path + ("checks", name)
        check = written if isinstance(written, m.CheckSpec) else m.CheckSpec(expression=written)
        scope.ident(name, cpath)
        epath = cpath + ("expression",) if isinstance(written, m.CheckSpec) else cpath
        if name in {c.name for c in checks}:
            scope.error(
                cpath, f"constraint '{name}' is already the name of a column's check; choose another name", key=True
            )
        elif expression(scope, check.expression, epath, "a check constraint") is not None:
            checks.append(
                cat.Check(
                    name,
                    check.expression,
                    **enforcement(scope, check, cpath),
                    no_inherit=check.no_inherit,
                    comment=check.comment,
                )
            )
    return checks


def enforcement(
    scope: Scope, written: m.CheckSpec | m.ForeignKeySpec | m.ColumnReference, path: Path
) -> dict[str, bool]:
    """``valid`` and ``enforced`` of a check or foreign key as the catalog holds them. A constraint
    NOT ENFORCED (PostgreSQL 18) checks no row, ever: PostgreSQL records it NOT VALID too."""
    if written.enforced:
        return {"valid": written.valid, "enforced": True}
    kind = "check" if isinstance(written, m.CheckSpec) else "foreign key"
    scope.needs_version(versions.NOT_ENFORCED, f"a NOT ENFORCED {kind} ('enforced: false')", path + ("enforced",))
    if "valid" in written.model_fields_set and written.valid:
        scope.error(
            path + ("valid",),
            "a constraint that is not enforced is never valid: PostgreSQL checks "
            "no row for it and records it NOT VALID; drop 'valid: true'",
        )
    return {"valid": False, "enforced": False}


def exclusions(scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec, names) -> list[cat.Exclusion]:
    out = []
    for i, spec in enumerate(table.exclude):
        built = exclusion_of(scope, qname, path + ("exclude", i), table, spec, names)
        if built is not None:
            out.append(built)
    return out


def exclusion_of(
    scope: Scope, qname: QualifiedName, path: Path, table: m.TableSpec, spec: m.ExclusionSpec, names
) -> cat.Exclusion | None:
    ok = True
    elements = []
    for j, element in enumerate(spec.columns):
        epath = path + ("columns", j)
        # `room_id with =` or a mapping: point at the key where there is one.
        at = lambda key: epath + (key,) if epath + (key,) in scope.positions.keys else epath
        if element.column is not None and element.column not in names:
            scope.error(at("column"), f"unknown column '{element.column}'{suggest(element.column, names)}")
            ok = False
        if (
            element.expression is not None
            and expression(scope, element.expression, epath + ("expression",), "an exclusion element") is None
        ):
            ok = False
        if not operator(scope, element.with_, at("with")):
            ok = False
        opclass = (
            opclass_name(scope, element.opclass, epath + ("opclass",), spec.method)
            if element.opclass is not None
            else None
        )
        if element.opclass is not None and opclass is None:
            ok = False
        if element.collation is not None and collation_name(scope, element.collation, epath + ("collation",)) is None:
            ok = False
        key = cat.IndexKey(element.column, element.expression, element.order, element.nulls, opclass, element.collation)
        elements.append(cat.ExclusionElement(key, element.with_))
    for j, column in enumerate(spec.include):
        if column not in names:
            scope.error(path + ("include", j), f"unknown column '{column}'{suggest(column, names)}")
            ok = False
    if spec.where is not None and expression(scope, spec.where, path + ("where",), "an exclusion predicate") is None:
        ok = False
    if spec.method == "gist" and ok:
        ok = gist_types(scope, table, spec, path)
    if table.partition and ok:
        ok = partitioned_exclusion(scope, table, spec, path)
    if spec.name:
        ok = scope.ident(spec.name, path + ("name",), key=False) and ok
    name = spec.name or key_name(qname, spec.columns, "excl")
    if not scope.qualified(qname.schema, name, path + ("name",) if spec.name else path, declare=True):
        ok = False
    if not ok:
        return None
    return cat.Exclusion(
        name,
        tuple(elements),
        spec.method,
        tuple(spec.include),
        spec.where,
        **deferrable(spec.deferrable),
        storage_parameters=storage_parameters(spec.storage_parameters),
        comment=spec.comment,
    )


def gist_types(scope: Scope, table: m.TableSpec, spec: m.ExclusionSpec, path: Path) -> bool:
    """A gist exclusion on a scalar column (``room_id with =``) needs btree_gist's operator classes."""
    if GIST_EXTENSION in scope.extensions:
        return True
    for j, element in enumerate(spec.columns):
        column = table.columns.get(element.column) if element.column else None
        if column is None or element.opclass:
            continue
        base = base_type(scope, column.type)
        if base is not None and base[0] not in scope.user_types and base[1].base in BTREE_GIST_TYPES:
            scope.error(
                path + ("columns", j),
                f"column '{element.column}' is {column.type}, which gist compares only with the extension "
                f"'{GIST_EXTENSION}'; add it under 'extensions'",
            )
            return False
    return True


def partitioned_exclusion(scope: Scope, table: m.TableSpec, spec: m.ExclusionSpec, path: Path) -> bool:
    """PostgreSQL 17 allows an exclusion constraint on a partitioned table that compares every
    partition key column (its partitions' keys included) with equality, so that each partition
    can enforce it alone; a key expression rules it out."""
    if not scope.needs_version(
        versions.EXCLUSION_ON_PARTITIONED, "an exclusion constraint on a partitioned table", path
    ):
        return False
    # OPERATOR(pg_catalog.=) is '=' written out.
    equal = {e.column for e in spec.columns if e.column is not None and e.with_ in ("=", "OPERATOR(pg_catalog.=)")}
    gap = coverage(table.partition, table, equal)
    if gap is None:
        return True
    if gap.expression is not None:
        scope.error(
            path,
            f"an exclusion constraint cannot be on a table partitioned by the expression "
            f"{gap.expression}: PostgreSQL enforces it per partition, which needs every key column "
            "compared with '='; partition by a column instead",
        )
    elif gap.collated is not None:
        column, collation = gap.collated
        scope.error(
            path,
            f"an exclusion constraint cannot be on a table partitioned by '{column}' with collation "
            f"{collation}: the constraint compares '{column}' by the column's own collation, so "
            "PostgreSQL cannot enforce it per partition; drop the partition key's collation or give "
            "the column that collation",
        )
    elif gap.own:
        need = " and ".join(f"'{c} with ='" for c in gap.own)
        scope.error(
            path,
            f"an exclusion constraint on a table partitioned by {gap.by} must include {need}; "
            "PostgreSQL enforces it per partition",
        )
    else:
        column, partition = gap.below
        scope.error(
            path,
            f"an exclusion constraint must include '{column} with =': the partition "
            f"'{partition}' is partitioned by it, and PostgreSQL enforces it per partition",
        )
    return False
