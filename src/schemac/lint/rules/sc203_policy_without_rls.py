from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule("SC203", "policy-without-rls", "error", "alter table ... enable row level security")
def policy_without_rls(ctx):
    """
    ## What it does
    Reports policies created on a table whose row level security is off.

    Not reported: policies on a table the linted SQL does not create: its RLS
    may have been enabled where it was created.

    ## Why is this bad
    Policies do nothing until RLS is enabled on their table. The schema
    reads as protected while every row is open: the most dangerous kind of
    security bug, because review passes it.

    ## Example
    ```sql
    create table vehicles (id uuid primary key, tenant_id uuid not null);
    create policy vehicles_read on vehicles for select to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Use instead
    ```sql
    alter table vehicles enable row level security;
    alter table vehicles force row level security;
    ```

    ## Fix safety
    Unsafe if some role relied on the missing protection; that is the point.
    """
    for table in ctx.model.known_tables():
        if table.policies and not table.rls_enabled:
            first = table.policies[0]
            names = ", ".join(p.name for p in table.policies)
            yield Hit(
                first.stmt,
                first.offset,
                f"{label(table.key)} has policies ({names}) but row level security is not enabled, "
                f"so they have no effect",
            )
