from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._migration import existing_alters

_DEFAULTS = {"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"}


@rule(
    "SC503",
    "not-null-without-default",
    "error",
    "add the column nullable, backfill it, then set not null (or give it a default)",
)
def not_null_without_default(ctx):
    """
    ## What it does
    Reports `ALTER TABLE ... ADD COLUMN ... NOT NULL` without a default on
    an existing table.

    Not reported: a NOT NULL column with a default, an identity or a
    generated column (PostgreSQL fills them in), and columns added to a table
    created earlier in the same file.

    ## Why is this bad
    If the table has rows the statement fails ("column contains null
    values"); if it is empty today it fails in production, where it is not.

    ## Example
    ```sql
    alter table vehicles add column fleet_id uuid not null;
    ```

    ## Use instead
    ```sql
    alter table vehicles add column fleet_id uuid;
    update vehicles set fleet_id = ...;  -- in batches
    alter table vehicles alter column fleet_id set not null;
    ```

    ## Fix safety
    Unsafe: the right value for existing rows is a product decision.
    """
    for stmt, key, cmd in existing_alters(ctx, "AT_AddColumn"):
        coldef = (cmd.get("def") or {}).get("ColumnDef", {})
        kinds = {c["Constraint"].get("contype") for c in coldef.get("constraints") or () if "Constraint" in c}
        if kinds & {"CONSTR_NOTNULL", "CONSTR_PRIMARY"} and not kinds & _DEFAULTS:
            yield Hit(
                stmt,
                stmt.at(coldef.get("location")),
                f"column {coldef.get('colname')} added to existing table {label(key)} as not null "
                f"without a default fails if the table has rows",
            )
