from schemac.lint.registry import Hit, rule
from schemac.lint.rules._citus import label, placed
from schemac.lint.tree import func_name, walk


@rule(
    "SC250",
    "citus-policy-on-workers",
    "error",
    "call the function directly, without (select ...), and pass settings with SET LOCAL "
    "under citus.propagate_set_commands = 'local'",
)
def citus_policy_on_workers(ctx):
    """
    ## What it does
    Reports a policy on a distributed or reference table with a subquery
    (such as `(select auth.uid())`), or that reads `current_setting()`.

    Not reported: policies on tables the file does not distribute, where the
    `(select ...)` form is what makes row level security cheap, and a setting
    read inside a function the policy calls (the function is not known here).

    ## Why is this bad
    Citus refuses to create a policy with a subquery on its tables ("cannot
    create policy"), so the usual `(select f())` form fails the migration.
    And Citus runs the policies on the workers, which do not see a `SET` or
    a `set_config()` made on the coordinator: a policy reading a setting
    there finds none, returns no rows and refuses inserts.

    ## Example
    ```sql
    select create_distributed_table('notes', 'tenant_id');
    create policy notes_tenant on notes to app_user
      using (tenant_id = current_setting('app.tenant_id')::uuid);
    ```

    ## Use instead
    ```sql
    create policy notes_tenant on notes to app_user
      using (tenant_id = private.current_tenant_id());
    -- and per transaction: set local citus.propagate_set_commands = 'local';
    --                      set local app.tenant_id = '...';
    ```

    ## Fix safety
    Safe for the policy text; the application must pass the setting with
    `SET LOCAL` in a transaction for the workers to see it.
    """
    by_table = placed(ctx)
    for table in ctx.model.known_tables():
        if table.key not in by_table:
            continue
        kind = by_table[table.key].kind
        for policy in table.policies:
            for expr in (policy.using, policy.check):
                for name, body in walk(expr):
                    if name == "SubLink":
                        yield Hit(
                            policy.stmt,
                            policy.stmt.at(body.get("location")),
                            f"policy {policy.name} on {kind} table {label(table.key)} has a subquery, "
                            "which Citus refuses in a policy",
                        )
                        break
                    if name == "FuncCall" and func_name(body).removeprefix("pg_catalog.") == "current_setting":
                        yield Hit(
                            policy.stmt,
                            policy.stmt.at(body.get("location")),
                            f"policy {policy.name} on {kind} table {label(table.key)} reads "
                            "current_setting(), which the workers do not see after a SET on the coordinator",
                        )
                        break
