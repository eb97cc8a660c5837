from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label, leads


@rule("SC102", "fk-unindexed", "warning",
      "create an index led by the foreign key's columns (after the tenant column on tenant-scoped tables)")
def fk_unindexed(ctx):
    """
    ## What it does
    Reports a foreign key whose columns lead no index (in any order). On a
    table with the tenant column, an index led by the tenant column and then
    the foreign key's columns counts. A key declared `NOT ENFORCED`
    (PostgreSQL 18) is left alone: nothing looks it up on deletes.

    ## Why is this bad
    Every delete or key update on the referenced table looks up the
    referencing rows; without an index that is a sequential scan of the
    referencing table, under a lock, for each row deleted. Joins along the
    foreign key pay the same price.

    ## Example
    ```sql
    create table documents (
      id uuid primary key,
      vehicle_id uuid not null references vehicles (id)
    );
    ```

    ## Use instead
    ```sql
    create index documents_vehicle_id_idx on documents (vehicle_id);
    ```

    ## Fix safety
    Safe; on a large existing table create the index `concurrently`.
    """
    tenant = ctx.config.tenant_column
    for table in ctx.model.parent_tables():
        scoped = tenant if tenant in table.columns else None
        for fk in table.foreign_keys:
            if fk.enforced and not leads(table, fk.columns, scoped):
                yield Hit(fk.stmt, fk.offset,
                          f"foreign key {label(table.key)}{columns_text(fk.columns)} -> "
                          f"{label(fk.target)} has no index that leads with its columns")
