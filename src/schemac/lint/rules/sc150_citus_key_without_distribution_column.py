from schemac.lint.registry import Hit, rule
from schemac.lint.rules._citus import label, placed
from schemac.lint.rules._helpers import columns_text


@rule(
    "SC150",
    "citus-key-without-distribution-column",
    "error",
    "put the distribution column in the key: primary key (tenant_id, id)",
)
def citus_key_without_distribution_column(ctx):
    """
    ## What it does
    Reports a primary key, unique constraint or unique index of a table the
    file distributes with `create_distributed_table` that does not include
    the distribution column.

    Not reported: keys of tables the file does not distribute (reference
    tables and local tables keep any key), and of a table distributed
    elsewhere (its distribution column is not known here).

    ## Why is this bad
    Citus keeps each shard's rows on one node and can check uniqueness only
    inside a shard, so it refuses the table ("cannot create constraint"),
    when the migration runs: either `create_distributed_table` fails, or the
    later `ALTER TABLE` / `CREATE UNIQUE INDEX` does.

    ## Example
    ```sql
    create table vehicles (tenant_id uuid not null, id uuid primary key);
    select create_distributed_table('vehicles', 'tenant_id');
    ```

    ## Use instead
    ```sql
    create table vehicles (tenant_id uuid not null, id uuid not null,
                           primary key (tenant_id, id));
    select create_distributed_table('vehicles', 'tenant_id');
    ```

    ## Fix safety
    Unsafe on a table with data: the key is rebuilt, and foreign keys that
    reference it must reference the new key, distribution column included.
    """
    for key, placement in placed(ctx).items():
        table = ctx.model.tables.get(key)
        if placement.kind != "distributed" or table is None or not placement.column:
            continue
        for index in table.indexes:
            if not index.unique or placement.column in index.columns:
                continue
            what = (
                "primary key"
                if any(k.primary and k.columns == index.columns and k.stmt is index.stmt for k in table.keys)
                else "unique key"
                if index.constraint
                else "unique index"
            )
            yield Hit(
                index.stmt,
                index.offset,
                f"{what} {columns_text(index.columns)} of {label(key)} does not include its distribution "
                f"column {placement.column}; Citus can check uniqueness only inside one shard",
            )
