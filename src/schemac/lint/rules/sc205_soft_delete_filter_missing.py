from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label, requires_null


@rule("SC205", "soft-delete-filter-missing", "error",
      "add `and deleted_at is null` to the policy's USING, or a restrictive policy that requires it")
def soft_delete_filter_missing(ctx):
    """
    ## What it does
    On a table with the soft-delete column (`deleted_at` by default; the
    `soft_delete_column` option), checks that every permissive SELECT or ALL
    policy requires `deleted_at IS NULL` in its USING expression, through
    top-level ANDs. A restrictive SELECT or ALL policy that requires it
    covers every permissive one.

    ## Why is this bad
    Soft-deleted rows stay readable through the API: the application hides
    them in its own queries, but anyone calling the database directly (the
    Supabase client, PostgREST) still sees them. It was one of the seed's
    critical bugs.

    ## Example
    ```sql
    create policy vehicles_read on vehicles for select to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Use instead
    ```sql
    create policy vehicles_read on vehicles for select to authenticated
      using (tenant_id = (select private.current_tenant_id())
             and deleted_at is null);
    ```

    ## Fix safety
    Safe for readers; a tool that must see deleted rows (an undelete screen)
    needs its own policy or a SECURITY DEFINER function.
    """
    column = ctx.config.soft_delete_column
    for table in ctx.model.known_tables():
        if column not in table.columns:
            continue
        reads = [p for p in table.policies if p.command in ("select", "all")]
        if any(not p.permissive and requires_null(p.using, column) for p in reads):
            continue
        for policy in reads:
            if policy.permissive and not requires_null(policy.using, column):
                yield Hit(policy.stmt, policy.offset,
                          f"policy {policy.name} on {label(table.key)} lets {policy.command.upper()} "
                          f"see soft-deleted rows: its USING does not require {column} IS NULL")
