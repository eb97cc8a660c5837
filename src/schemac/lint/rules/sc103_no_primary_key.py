from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule("SC103", "no-primary-key", "warning", "add a primary key")
def no_primary_key(ctx):
    """
    ## What it does
    Reports a table (not a partition: partitions inherit their parent's key)
    with no primary key. A table partitioned by an expression, or with
    partitions partitioned by one, is left alone: PostgreSQL allows no
    primary key on it.

    Not reported: partitions, tables partitioned by an expression (see above),
    and materialized views or `CREATE TABLE AS` results, which declare no
    keys.

    ## Why is this bad
    Without a key, duplicate rows cannot be told apart or removed one at a
    time, nothing can reference the table, logical replication cannot
    replicate its updates and deletes, and Supabase's Data API cannot
    update or delete single rows.

    ## Example
    ```sql
    create table audit_log (tenant_id uuid not null, action text not null);
    ```

    ## Use instead
    ```sql
    create table audit_log (
      id bigint generated always as identity primary key,
      tenant_id uuid not null, action text not null);
    ```

    ## Fix safety
    Adding a key to an existing table fails if it holds duplicates, and
    builds an index under lock.
    """
    tables = ctx.model.tables
    # The trees with an expression in some key, each known by its top table.
    keyless = set()
    for table in tables.values():
        if table.partition_key and any(part.startswith("(") for part in table.partition_key):
            top, seen = table, set()
            while top.parent is not None and top.parent in tables and top.key not in seen:
                seen.add(top.key)
                top = tables[top.parent]
            keyless.add(top.key)
    for table in ctx.model.parent_tables():
        if table.primary_key is None and table.key not in keyless:
            yield Hit(table.stmt, table.offset, f"table {label(table.key)} has no primary key")
