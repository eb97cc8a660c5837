from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._policies import bypass_roles, constant_truth, only_for_bypassing_roles


@rule("SC211", "policy-always-true", "warning", "state the condition: the tenant and the owner the row must belong to")
def policy_always_true(ctx):
    """
    ## What it does
    Reports a permissive INSERT, UPDATE, DELETE or ALL policy for a client
    role whose USING or WITH CHECK is always true: `true`, and any constant
    expression that folds to true (`1 = 1`, `'a' = 'a'`, `not false`,
    `x or true`). One finding per policy, naming every such clause.

    The client roles are the roles untrusted callers act as: PUBLIC, `anon`
    and `authenticated` (the `client_roles` option). A policy that names
    only other roles is not reported: a `true` policy is how a dedicated
    role (a worker, an admin role granted to a few) is given a whole table
    under FORCE ROW LEVEL SECURITY, and who holds that role is decided by
    GRANTs, not by the policy. Not reported either: policies only for roles
    that bypass row level security (`service_role`, `postgres`, roles
    created WITH BYPASSRLS; the `bypass_rls_roles` option) or gated on them
    (`auth.role() = 'service_role'`), which change nothing; SELECT policies
    (a table readable by all is a choice, as for a public catalog);
    restrictive policies, which are ANDed and cannot widen access; and
    policies of a table created here whose row level security is not
    enabled, which do nothing yet (`policy-without-rls` reports them).

    ## Why is this bad
    A permissive policy is ORed with the others, so `true` opens the command
    to every row for the roles it names, whatever the other policies say.
    Often it is a placeholder from a prototype that reached production.

    ## Example
    ```sql
    create policy documents_write on documents for insert to authenticated
      with check (true);
    ```

    ## Use instead
    ```sql
    create policy documents_write on documents for insert to authenticated
      with check (tenant_id = (select private.current_tenant_id()));
    ```

    ## Fix safety
    Unsafe if clients rely on writing rows the new condition rejects.
    """
    bypassing = bypass_roles(ctx)
    clients = set(ctx.config.client_roles)
    for table in ctx.model.tables.values():
        if table.known and not table.rls_enabled:
            continue  # the policies do nothing yet: policy-without-rls says so
        for policy in table.policies:
            if policy.command == "select" or not policy.permissive or not clients & set(policy.roles):
                continue
            clauses = [
                clause
                for clause, expr in (("USING", policy.using), ("WITH CHECK", policy.check))
                if constant_truth(expr) is True
            ]
            if clauses and not only_for_bypassing_roles(policy, bypassing):
                yield Hit(
                    policy.stmt,
                    policy.offset,
                    f"write policy {policy.name} on {label(table.key)} has {' and '.join(clauses)} "
                    f"always true, which admits every row",
                )
