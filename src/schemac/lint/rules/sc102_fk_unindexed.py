from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label


@rule(
    "SC102",
    "fk-unindexed",
    "warning",
    "create an index led by the foreign key's columns; between tenant-scoped tables, put the tenant "
    "column in the key, (tenant_id, x) -> (tenant_id, id), and a tenant-first index serves it",
)
def fk_unindexed(ctx):
    """
    ## What it does
    Reports a foreign key whose columns lead no index of its table. The
    columns may lead in any order, and a primary key or unique constraint
    counts; a partial index does not. An index led by other columns (the
    tenant column, say) and then the key's does not count either, unless
    those columns are part of the key.

    Not reported: a key declared `NOT ENFORCED` (PostgreSQL 18), which
    nothing looks up on deletes; partitions, which have their parent's
    indexes (the parent is reported).

    ## Why is this bad
    Every delete or key update on the referenced table looks up the
    referencing rows, `WHERE <key column> = $1 AND ...`: an equality on
    every column of the key and on nothing else. An index whose leading
    columns are exactly the key's serves that lookup in any order. A partial
    index does not (the lookup has no predicate to match it), and neither,
    before PostgreSQL 18, does an index with other columns in front:
    `(tenant_id, vehicle_id)` cannot find `vehicle_id = $1` without the
    tenant. PostgreSQL 18 can skip-scan such an index, one probe per
    distinct value of the leading columns, which is cheap while they are few
    and grows with them (one probe per tenant); the message says so when
    such an index exists. Without a usable index each lookup is a
    sequential scan of the referencing table, under a lock, for each row
    deleted.

    On tenant-scoped tables the better fix is the key itself: `(tenant_id,
    vehicle_id) -> vehicles (tenant_id, id)` makes the lookup carry the
    tenant, which the tenant-first index serves, and keeps references
    inside one tenant (see `tenant-fk-without-tenant`).

    ## Example
    ```sql
    create table documents (
      id uuid primary key, tenant_id uuid not null,
      vehicle_id uuid not null references vehicles (id)
    );
    create index on documents (tenant_id, vehicle_id);
    ```

    ## Use instead
    ```sql
    create index documents_vehicle_id_idx on documents (vehicle_id);
    -- or, between tenant-scoped tables:
    alter table documents add foreign key (tenant_id, vehicle_id)
      references vehicles (tenant_id, id);
    ```

    ## Fix safety
    Safe; on a large existing table create the index `concurrently`.
    """
    for table in ctx.model.parent_tables():
        for fk in table.foreign_keys:
            if fk.enforced and not _led_by(table, fk.columns):
                yield Hit(
                    fk.stmt,
                    fk.offset,
                    f"foreign key {label(table.key)}{columns_text(fk.columns)} -> "
                    f"{label(fk.target)} has no index that leads with its columns{_near_miss(table, fk.columns)}",
                )


def _full(table):
    return [index for index in table.indexes if index.predicate is None]


def _led_by(table, columns):
    wanted = set(columns)
    return any(set(index.columns[: len(wanted)]) == wanted for index in _full(table))


def _near_miss(table, columns):
    """What is said of an index that has the key's columns, but not in front."""
    wanted, n = set(columns), len(columns)
    for index in _full(table):
        cols = index.columns
        for start in range(1, len(cols) - n + 1):
            if set(cols[start : start + n]) == wanted:
                before = columns_text(cols[:start])
                return (
                    f"; {index.name or 'an index'} has them after {before}, which PostgreSQL before 18 cannot "
                    f"use for the key's lookups; 18 can skip-scan it, one probe per distinct {before}, cheap "
                    f"only while those are few"
                )
    partial = next((i for i in table.indexes if i.predicate is not None and set(i.columns[:n]) == wanted), None)
    if partial is not None:
        return f"; {partial.name or 'an index'} is partial, and the key's lookups have no predicate to use it"
    return ""
