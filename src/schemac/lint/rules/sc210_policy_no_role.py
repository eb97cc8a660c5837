from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule("SC210", "policy-no-role", "warning", "add `to authenticated` (or the roles the policy is for)")
def policy_no_role(ctx):
    """
    ## What it does
    Reports a policy without a `TO` clause.

    Not reported: a policy written `TO public`: the choice was made in
    writing.

    ## Why is this bad
    A policy without `TO` applies to PUBLIC, which on Supabase includes
    `anon`: the policy's expression is evaluated for signed-out callers too,
    and one that is true for them (say `is_public`) exposes rows nobody
    meant to publish. It also costs every role the policy's evaluation.

    ## Example
    ```sql
    create policy vehicles_read on vehicles for select
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Use instead
    ```sql
    create policy vehicles_read on vehicles for select to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Fix safety
    Safe when the roles named are the ones that use the table.
    """
    for table in ctx.model.tables.values():
        for policy in table.policies:
            if not policy.has_to:
                yield Hit(
                    policy.stmt,
                    policy.offset,
                    f"policy {policy.name} on {label(table.key)} has no TO clause and applies to PUBLIC, anon included",
                )
