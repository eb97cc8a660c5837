from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._migration import existing_alters


@rule("SC505", "drop-column", "warning", "stop reading and writing the column first, deploy, then drop it")
def drop_column(ctx):
    """
    ## What it does
    Reports `ALTER TABLE ... DROP COLUMN` on an existing table.

    Not reported: dropping a column of a table created earlier in the same
    file, which holds no data yet.

    ## Why is this bad
    The data is gone, and clients still selecting the column (or inserting
    into it) fail as soon as the migration commits.

    ## Example
    ```sql
    alter table vehicles drop column legacy_code;
    ```

    ## Use instead
    ```sql
    -- release 1: clients stop using legacy_code
    -- release 2:
    alter table vehicles drop column legacy_code;
    ```

    ## Fix safety
    Unsafe: data loss.
    """
    for stmt, key, cmd in existing_alters(ctx, "AT_DropColumn"):
        yield Hit(
            stmt,
            stmt.start,
            f"dropping column {cmd.get('name')} of {label(key)} loses its data and breaks clients that still use it",
        )
