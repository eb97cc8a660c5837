"""The columns the conventions add to a table, by name, read from the spec alone.

The resolver needs them before any expansion runs (a key, index or foreign
key may name ``tenant_id`` or ``created_at`` before the column exists); the
expansions add the columns themselves. Both read the names from here, so the
spec package never depends on the expansions.
"""

from __future__ import annotations

from . import models as m


def audit_parts(spec: m.Spec, table: m.TableSpec) -> dict[str, str]:
    """``{part: column name}`` of the audit columns ``table`` gets, in column order.

    The table's ``audit`` switch turns the convention's parts on and off; an
    append-only table has no ``updated_*`` columns (its rows never change).
    """
    switch = table.audit
    if switch is False:
        return {}
    convention = spec.conventions.audit
    out = {}
    for part in ("created_at", "created_by", "updated_at", "updated_by"):
        setting = getattr(convention, part)
        wanted = setting is not False
        if isinstance(switch, m.AuditSwitch) and getattr(switch, part) is not None:
            wanted = getattr(switch, part)
        if not wanted or (table.append_only and part.startswith("updated_")):
            continue
        if isinstance(setting, str):
            out[part] = setting
        elif isinstance(setting, m.AuditUserColumn) and setting.column:
            out[part] = setting.column
        else:
            out[part] = part
    return out


def tenant_column(spec: m.Spec, table: m.TableSpec) -> str | None:
    """The tenant column a tenant-scoped table gets, or None."""
    if table.tenancy is None or spec.conventions.tenancy is None:
        return None
    return spec.conventions.tenancy.column


def soft_delete_column(spec: m.Spec, table: m.TableSpec) -> str | None:
    if not table.soft_delete:
        return None
    return spec.conventions.soft_delete.column


def added_columns(spec: m.Spec, table: m.TableSpec) -> tuple[str, ...]:
    """Names of the columns the conventions add to ``table``, so the rest of the
    table (keys, indexes, foreign keys) may name them before they exist."""
    names = [tenant_column(spec, table), *audit_parts(spec, table).values(), soft_delete_column(spec, table)]
    return tuple(n for n in names if n)
