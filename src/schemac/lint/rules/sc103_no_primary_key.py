from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule("SC103", "no-primary-key", "warning", "add a primary key")
def no_primary_key(ctx):
    """
    ## What it does
    Reports a table (not a partition: partitions inherit their parent's key)
    with no primary key.

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
    for table in ctx.model.parent_tables():
        if table.primary_key is None:
            yield Hit(table.stmt, table.offset, f"table {label(table.key)} has no primary key")
