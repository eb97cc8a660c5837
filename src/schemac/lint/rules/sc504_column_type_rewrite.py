from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._migration import existing_alters
from schemac.lint.tree import type_name


@rule(
    "SC504",
    "column-type-rewrite",
    "warning",
    "add a new column, backfill it in batches, and switch over; or confirm the change is binary-compatible",
)
def column_type_rewrite(ctx):
    """
    ## What it does
    Reports `ALTER COLUMN ... TYPE` on an existing table.

    Not reported: type changes on a table created earlier in the same file.
    Reported even where PostgreSQL needs no rewrite (`varchar(20)` to `text`):
    which changes are binary-compatible depends on the types, and the
    statement still takes an ACCESS EXCLUSIVE lock.

    ## Why is this bad
    Most type changes rewrite the whole table and rebuild its indexes under
    an ACCESS EXCLUSIVE lock, which blocks reads as well as writes. Only a
    few changes (such as widening a `varchar`) are binary-compatible.

    ## Example
    ```sql
    alter table vehicle_events alter column occurred_at type timestamptz;
    ```

    ## Use instead
    ```sql
    alter table vehicle_events add column occurred_at_tz timestamptz;
    -- backfill in batches, switch readers, then drop the old column
    ```

    ## Fix safety
    Unsafe: a multi-step change that clients must follow.
    """
    for stmt, key, cmd in existing_alters(ctx, "AT_AlterColumnType"):
        coldef = (cmd.get("def") or {}).get("ColumnDef", {})
        yield Hit(
            stmt,
            stmt.at(coldef.get("location")),
            f"changing {label(key)}.{cmd.get('name')} to {type_name(coldef.get('typeName'))} may rewrite "
            f"the table under an ACCESS EXCLUSIVE lock",
        )
