from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label


@rule("SC302", "index-not-tenant-first", "warning", "put the tenant column first: (tenant_id, ...)")
def index_not_tenant_first(ctx):
    """
    ## What it does
    On a table with the tenant column (`tenant_id` by default; the
    `tenant_column` option), reports a created index that does not start
    with that column. Primary keys and unique constraints are not indexes
    created for lookups and are left alone.

    Not reported: primary keys and unique constraints (see above), tables
    without the tenant column, and partitions, whose indexes come from their
    parent.

    ## Why is this bad
    Every query through RLS carries `tenant_id = ...`. An index led by the
    tenant column serves the policy and the query's own filter at once, and
    keeps each tenant's rows together; one led by another column makes the
    planner read every tenant's entries and filter them.

    ## Example
    ```sql
    create index vehicle_events_vehicle_idx on vehicle_events (vehicle_id, occurred_at);
    ```

    ## Use instead
    ```sql
    create index vehicle_events_vehicle_idx
      on vehicle_events (tenant_id, vehicle_id, occurred_at desc);
    ```

    ## Fix safety
    Safe; create the new index `concurrently` before dropping the old one.
    """
    column = ctx.config.tenant_column
    for table in ctx.model.parent_tables():
        if column not in table.columns:
            continue
        for index in table.indexes:
            if not index.constraint and index.columns[:1] != (column,):
                name = index.name or "index"
                yield Hit(
                    index.stmt,
                    index.offset,
                    f"{name} on {label(table.key)}{columns_text(index.columns)} does not start with "
                    f"the tenant column {column}",
                )
