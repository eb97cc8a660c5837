from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.tree import relation_key


@rule(
    "SC508",
    "rename-table",
    "warning",
    "create the new name as a view over the table while clients move, or keep the name",
)
def rename_table(ctx):
    """
    ## What it does
    Reports `ALTER TABLE ... RENAME TO` on an existing table.

    Not reported: renaming a table created earlier in the same file: no
    client uses the old name yet.

    ## Why is this bad
    Clients using the old name fail from the moment the migration commits
    until they are redeployed.

    ## Example
    ```sql
    alter table vehicle_events rename to events;
    ```

    ## Use instead
    ```sql
    -- keep the name, or rename and create a view with the old name until
    -- every client has moved
    ```

    ## Fix safety
    Unsafe: breaks running clients.
    """
    for stmt in ctx.of_kind("RenameStmt"):
        node = stmt.node
        if node.get("renameType") == "OBJECT_TABLE" and node.get("relation"):
            key = relation_key(node["relation"])
            if not ctx.model.is_new(key, stmt):
                yield Hit(
                    stmt,
                    stmt.start,
                    f"renaming table {label(key)} to {node.get('newname')} breaks clients using the old name",
                )
