from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.tree import relation_key


@rule("SC501", "index-not-concurrent", "warning", "use `create index concurrently` (outside a transaction)")
def index_not_concurrent(ctx):
    """
    ## What it does
    Reports `CREATE INDEX` without `CONCURRENTLY` on a table the file did
    not create (a table that already exists and holds data). Partitioned
    tables are skipped: PostgreSQL cannot build their indexes concurrently.

    Not reported: an index on a table (or materialized view) created earlier
    in the same file, which is empty, and on a partitioned table (see above).

    ## Why is this bad
    A plain `CREATE INDEX` holds a SHARE lock for the whole build: every
    insert, update and delete on the table waits, for minutes on a large
    table.

    ## Example
    ```sql
    create index documents_vehicle_idx on documents (tenant_id, vehicle_id);
    ```

    ## Use instead
    ```sql
    create index concurrently documents_vehicle_idx on documents (tenant_id, vehicle_id);
    ```

    ## Fix safety
    Safe, but a concurrent build cannot run in a transaction block, and a
    failed one leaves an invalid index to drop.
    """
    for stmt in ctx.of_kind("IndexStmt"):
        key = relation_key(stmt.node["relation"])
        table = ctx.model.tables.get(key)
        if stmt.node.get("concurrent") or ctx.model.is_new(key, stmt):
            continue
        if table is not None and table.partition_key:
            continue
        yield Hit(
            stmt,
            stmt.start,
            f"create index on existing table {label(key)} without concurrently blocks writes while it builds",
        )
