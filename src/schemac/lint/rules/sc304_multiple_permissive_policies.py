from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule(
    "SC304",
    "multiple-permissive-policies",
    "warning",
    "merge the policies into one (OR their conditions), or make the extra ones restrictive",
)
def multiple_permissive_policies(ctx):
    """
    ## What it does
    Reports a table with more than one permissive policy for the same role
    and command (an ALL policy counts for each command).

    Not reported: restrictive policies (they are ANDed, not ORed), and
    permissive policies that share no role and command.

    ## Why is this bad
    PostgreSQL evaluates every permissive policy that applies and ORs them,
    so each extra policy is another expression per row; and conditions
    spread over several policies are hard to review: one lax policy opens
    what the strict one closes.

    ## Example
    ```sql
    create policy read_own on documents for select to authenticated
      using (created_by = (select auth.uid()));
    create policy read_tenant on documents for select to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Use instead
    ```sql
    create policy documents_read on documents for select to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Fix safety
    Merging must keep the OR of the conditions, or access changes.
    """
    for table in ctx.model.known_tables():
        first = {}
        for policy in table.policies:
            if not policy.permissive:
                continue
            clashes = []
            for role in policy.roles:
                for command in policy.commands():
                    earlier = first.setdefault((role, command), policy)
                    if earlier is not policy and earlier.name not in clashes:
                        clashes.append(earlier.name)
            if clashes:
                yield Hit(
                    policy.stmt,
                    policy.offset,
                    f"policy {policy.name} on {label(table.key)} is another permissive policy for a "
                    f"role and command already covered by {', '.join(clashes)}",
                )
