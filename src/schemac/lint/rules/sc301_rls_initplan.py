from schemac.lint.registry import Hit, rule
from schemac.lint.rules._citus import placed
from schemac.lint.rules._helpers import label
from schemac.lint.rules._policies import bypass_roles
from schemac.lint.tree import SUBQUERY, func_name, walk


@rule("SC301", "rls-initplan", "warning", "wrap the call in a scalar subquery: `(select auth.uid())`")
def rls_initplan(ctx):
    """
    ## What it does
    Reports calls to `auth.uid()`, `auth.jwt()`, `auth.role()`,
    `auth.email()` or `current_setting()` (the `initplan_functions` option;
    add your own, such as `private.current_tenant_id`) in a policy
    expression that are not inside a subquery (under a SubLink).

    Not reported: policies of a table created here whose row level security
    is not enabled (they cost nothing until it is, and
    `policy-without-rls` already reports them), and policies only for roles
    that bypass row level security (the `bypass_rls_roles` option), which
    are never evaluated.

    ## Why is this bad
    PostgreSQL evaluates a bare function call in a policy once per row. In
    a scalar subquery `(select auth.uid())` the planner evaluates it once,
    as an InitPlan, and can use an index on the compared column. Measured
    on 1M rows: 1.0-1.1x the cost of no RLS wrapped, 4-50x unwrapped.

    ## Example
    ```sql
    create policy profiles_read on profiles for select to authenticated
      using (id = auth.uid());
    ```

    ## Use instead
    ```sql
    create policy profiles_read on profiles for select to authenticated
      using (id = (select auth.uid()));
    ```

    On a table the file makes a Citus distributed or reference table, the
    advice differs: Citus refuses a policy with a subquery (`citus-policy-on-workers`
    reports one), and evaluates the policy on the shards. The finding then
    says to keep the bare call, written so that it stays cheap per row: a
    `language sql stable` function PostgreSQL can inline, and queries that
    name the tenant, so that each runs on one shard. A `current_setting()`
    there is left to `citus-policy-on-workers`, which says what it needs.

    ## Fix safety
    Safe: the result is the same, computed once.
    """
    wanted = set(ctx.config.initplan_functions)
    bypassing = bypass_roles(ctx)
    on_citus = placed(ctx)
    for table in ctx.model.tables.values():
        if table.known and not table.rls_enabled:
            continue
        for policy in table.policies:
            if set(policy.roles) <= bypassing:
                continue
            for expr in (policy.using, policy.check):
                for name, body in walk(expr, SUBQUERY):
                    if name != "FuncCall":
                        continue
                    called = func_name(body)
                    if called not in wanted and called.removeprefix("pg_catalog.") not in wanted:
                        continue
                    citus = on_citus.get(table.key)
                    if citus is not None:
                        if called.removeprefix("pg_catalog.") == "current_setting" and ctx.reported_by(
                            "citus-policy-on-workers"
                        ):
                            continue
                        yield Hit(
                            policy.stmt,
                            policy.stmt.at(body.get("location")),
                            f"{called}() in policy {policy.name} on {label(table.key)} runs once per row on "
                            f"the shards; Citus refuses (select {called}()) in a policy of a {citus.kind} table",
                            "keep the call (Citus needs it bare): make it a `language sql stable` function "
                            "PostgreSQL can inline, and name the tenant in queries so that each runs on one shard",
                        )
                    else:
                        yield Hit(
                            policy.stmt,
                            policy.stmt.at(body.get("location")),
                            f"{called}() in policy {policy.name} on {label(table.key)} runs once per "
                            f"row; wrap it as (select {called}())",
                        )
