from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label, requires_null
from schemac.lint.rules._policies import bypass_roles, constant_truth, only_for_bypassing_roles, requires_role
from schemac.lint.tree import conjuncts


def hides_deleted(expr: dict | None, column: str, bypassing: frozenset[str]) -> bool:
    """Does the expression require ``column IS NULL`` through top-level ANDs, or
    through an OR whose every branch either requires it or requires a role that
    bypasses row level security (``auth.role() = 'service_role' or deleted_at is null``)?"""
    if requires_null(expr, column):
        return True
    for term in conjuncts(expr):
        either = term.get("BoolExpr")
        if (
            either
            and either.get("boolop") == "OR_EXPR"
            and all(
                hides_deleted(branch, column, bypassing) or requires_role(branch, bypassing)
                for branch in either.get("args") or ()
            )
        ):
            return True
    return False


@rule(
    "SC205",
    "soft-delete-filter-missing",
    "error",
    "add `and deleted_at is null` to the policy's USING, or a restrictive policy that requires it",
)
def soft_delete_filter_missing(ctx):
    """
    ## What it does
    On a table with the soft-delete column (`deleted_at` by default; the
    `soft_delete_column` option), checks that every permissive SELECT or ALL
    policy requires `deleted_at IS NULL` in its USING expression, through
    top-level ANDs (or in each branch of an OR whose other branches let in
    only roles that bypass row level security). A restrictive SELECT or ALL
    policy that requires it covers every permissive one.

    Not reported: policies only for roles that bypass row level security
    (`service_role`, `postgres`, roles created WITH BYPASSRLS; the
    `bypass_rls_roles` option) or gated on them (`auth.role() =
    'service_role'`, `(auth.jwt() ->> 'role') = 'service_role'`,
    `current_user = ...`, or `= ANY (ARRAY[...])` of such roles, as pg_dump
    prints `in (...)`): those roles see deleted rows whatever the policy
    says, so it shows them to no one else. Nor policies that admit no row (no
    USING, or a constant false).

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
    bypassing = bypass_roles(ctx)
    for table in ctx.model.known_tables():
        if column not in table.columns:
            continue
        reads = [
            p
            for p in table.policies
            if p.command in ("select", "all") and p.using is not None and constant_truth(p.using) is not False
        ]
        if any(not p.permissive and hides_deleted(p.using, column, bypassing) for p in reads):
            continue
        for policy in reads:
            if not policy.permissive or hides_deleted(policy.using, column, bypassing):
                continue
            if not only_for_bypassing_roles(policy, bypassing):
                yield Hit(
                    policy.stmt,
                    policy.offset,
                    f"policy {policy.name} on {label(table.key)} lets {policy.command.upper()} "
                    f"see soft-deleted rows: its USING does not require {column} IS NULL",
                )
