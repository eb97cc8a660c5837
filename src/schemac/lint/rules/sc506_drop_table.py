from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._migration import dropped_tables


@rule("SC506", "drop-table", "warning", "make sure nothing uses the table and its data is not needed")
def drop_table(ctx):
    """
    ## What it does
    Reports `DROP TABLE` of a table the file did not create.

    Not reported: dropping a table created earlier in the same file, which
    holds no data yet.

    ## Why is this bad
    The data is gone, and every client, view and function still using the
    table breaks.

    ## Example
    ```sql
    drop table vehicle_notes;
    ```

    ## Use instead
    ```sql
    alter table vehicle_notes rename to vehicle_notes_deprecated;
    -- drop it in a later release, after a backup
    ```

    ## Fix safety
    Unsafe: data loss.
    """
    for stmt in ctx.of_kind("DropStmt"):
        for key in dropped_tables(stmt):
            if not ctx.model.is_new(key, stmt):
                yield Hit(stmt, stmt.start, f"dropping table {label(key)} loses its data")
