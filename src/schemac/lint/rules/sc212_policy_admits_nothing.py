from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._policies import constant_truth


@rule(
    "SC212",
    "policy-admits-nothing",
    "warning",
    "give the policy the expression it was meant to have: USING for reads, WITH CHECK for INSERT",
)
def policy_admits_nothing(ctx):
    """
    ## What it does
    Reports a permissive policy that can admit no row for some of its
    commands: a `FOR INSERT` policy without `WITH CHECK`, a `FOR SELECT`,
    `UPDATE` or `DELETE` policy without `USING`, an `ALL` policy without
    `USING` (with only `WITH CHECK` it admits new rows but lets no row be
    read, updated or deleted), or an expression that is a constant false
    (`false`, `1 = 2`).

    PostgreSQL treats a missing expression as false, not as true (checked on
    PostgreSQL 15 and 18: with only `create policy p on t for insert to u`,
    an INSERT by `u` fails with "new row violates row-level security
    policy"; with only `create policy p on t for update to u with check
    (true)`, an UPDATE by `u` changes no row; with only `create policy p on
    t for all to u with check (...)`, a SELECT by `u` returns no row). So a
    `FOR INSERT` policy without `WITH CHECK` does not open the table to every
    row: it opens it to none (Supabase's splinter, lint 0024, counts it as
    always true; PostgreSQL does not). Not reported: `using (false)` on a
    restrictive policy (it closes the table on purpose, and reads as such),
    an `ALL` or `UPDATE` policy with only `USING` (its `USING` checks new
    rows too), and policies of a table created here whose row level security
    is not enabled (`policy-without-rls` reports them).

    ## Why is this bad
    The policy reads as a grant of access and grants none: the feature it
    was written for fails with a policy violation, and the next person to
    "fix" it is likely to write `with check (true)`.

    ## Example
    ```sql
    create policy documents_insert on documents for insert to authenticated;
    ```

    ## Use instead
    ```sql
    create policy documents_insert on documents for insert to authenticated
      with check (tenant_id = (select private.current_tenant_id()));
    ```

    ## Fix safety
    Unsafe: the policy starts admitting rows; write the condition they must meet.
    """
    for table in ctx.model.tables.values():
        if table.known and not table.rls_enabled:
            continue  # the policies do nothing yet: policy-without-rls says so
        for policy in table.policies:
            if not policy.permissive:
                continue
            reason = _why_nothing(policy)
            if reason:
                yield Hit(
                    policy.stmt, policy.offset, f"policy {policy.name} on {label(table.key)} admits no row: {reason}"
                )


def _why_nothing(policy) -> str | None:
    using, check = policy.using, policy.check
    if policy.command == "insert":
        if check is None:
            return "a FOR INSERT policy without WITH CHECK is false, not true"
        return "its WITH CHECK is always false" if constant_truth(check) is False else None
    if using is None and policy.command == "all" and check is not None:
        return (
            "a FOR ALL policy without USING admits no row to SELECT, UPDATE or DELETE (WITH CHECK only checks new rows)"
        )
    if using is None:
        return f"a FOR {policy.command.upper()} policy without USING is false, not true"
    if using is not None and constant_truth(using) is False:
        return "its USING is always false"
    if check is not None and constant_truth(check) is False:
        return "its WITH CHECK is always false"
    return None
