from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.tree import relation_key


@rule("SC507", "rename-column", "warning", "add the new column, write both, move readers, then drop the old one")
def rename_column(ctx):
    """
    ## What it does
    Reports `ALTER TABLE ... RENAME COLUMN` on an existing table.

    Not reported: renaming a column of a table created earlier in the same
    file: no client uses the old name yet.

    ## Why is this bad
    Clients that use the old name fail from the moment the migration
    commits until they are redeployed; policies and views follow the rename
    but application code does not.

    ## Example
    ```sql
    alter table vehicles rename column vin to vehicle_identification_number;
    ```

    ## Use instead
    ```sql
    -- expand / contract over releases, or keep the name and document it
    ```

    ## Fix safety
    Unsafe: breaks running clients.
    """
    for stmt in ctx.of_kind("RenameStmt"):
        node = stmt.node
        if node.get("renameType") == "OBJECT_COLUMN" and node.get("relation"):
            key = relation_key(node["relation"])
            if not ctx.model.is_new(key, stmt):
                yield Hit(
                    stmt,
                    stmt.start,
                    f"renaming {label(key)}.{node.get('subname')} to "
                    f"{node.get('newname')} breaks clients using the old name",
                )
