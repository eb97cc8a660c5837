from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule("SC204", "rls-no-policy", "info", "add the policies the table needs, or suppress this if deny-all is intended")
def rls_no_policy(ctx):
    """
    ## What it does
    Reports a table with row level security enabled and no policy,
    partitions included: a partition can be queried by its own name, and
    then only its own policies apply. Deny-all is the usual choice for a
    partition (its rows are reached through the parent, under the parent's
    policies); suppress the finding with that reason, as schemac's
    conventions do, so that the choice is written down where Supabase's
    advisor, which reports such partitions too, will raise it.

    Not reported: tables the linted SQL does not create (their policies may
    live elsewhere).

    ## Why is this bad
    It denies every row to every role subject to RLS. That is sometimes the
    intent (a table only SECURITY DEFINER functions touch), and often a
    forgotten policy that shows up as an empty result, not an error.

    ## Example
    ```sql
    create table audit_log (id bigint generated always as identity primary key);
    alter table audit_log enable row level security;
    ```

    ## Use instead
    ```sql
    create policy audit_log_read on audit_log for select to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Fix safety
    Adding a policy opens rows; write it deliberately.
    """
    for table in ctx.model.known_tables():
        if table.rls_enabled and not table.policies:
            stmt = table.rls_stmt or table.stmt
            through = (
                f" queried by its own name (through {label(table.parent)}, its policies apply)" if table.parent else ""
            )
            yield Hit(
                stmt,
                table.rls_offset if table.rls_stmt else table.offset,
                f"row level security is enabled on {label(table.key)} but it has no policy, "
                f"so it denies every row{through}",
            )
