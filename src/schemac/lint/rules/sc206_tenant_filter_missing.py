from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import filter_of, label
from schemac.lint.tree import column_refs, conjuncts


def constrains(expr, column: str, table_name: str) -> bool:
    """Does a top-level AND term of ``expr`` use the table's own ``column``?
    References inside subqueries do not count: there an unqualified name may
    belong to the subquery's table (``tenant_memberships.tenant_id``)."""
    for term in conjuncts(expr):
        for fields, _ in column_refs(term, outside_subqueries=True):
            if fields == [column] or fields == [table_name, column]:
                return True
    return False


@rule("SC206", "tenant-filter-missing", "error",
      "add `tenant_id = (select private.current_tenant_id())` to the policy")
def tenant_filter_missing(ctx):
    """
    ## What it does
    On a table with the tenant column (`tenant_id` by default; the
    `tenant_column` option), checks that every permissive policy constrains
    that column in a top-level AND term of its USING (WITH CHECK for
    INSERT). A restrictive policy that constrains it covers the permissive
    policies of the commands it applies to.

    ## Why is this bad
    Tenant isolation is the promise of a multi-tenant schema. A policy that
    checks only the user (`created_by = auth.uid()`) or a role lets rows of
    one tenant be read or written from another as soon as a user belongs to
    two tenants, or a row is created with the wrong tenant.

    ## Example
    ```sql
    create policy documents_read on documents for select to authenticated
      using (created_by = (select auth.uid()));
    ```

    ## Use instead
    ```sql
    create policy documents_read on documents for select to authenticated
      using (tenant_id = (select private.current_tenant_id())
             and created_by = (select auth.uid()));
    ```

    ## Fix safety
    Unsafe if rows were written with a wrong tenant: they disappear from view.
    """
    column = ctx.config.tenant_column
    for table in ctx.model.known_tables():
        if column not in table.columns:
            continue
        name = table.key[1]
        covered = set()
        for policy in table.policies:
            if not policy.permissive and constrains(filter_of(policy), column, name):
                covered |= set(policy.commands())
        for policy in table.policies:
            if not policy.permissive or set(policy.commands()) <= covered:
                continue
            if not constrains(filter_of(policy), column, name):
                yield Hit(policy.stmt, policy.offset,
                          f"policy {policy.name} on {label(table.key)} does not constrain {column}, "
                          f"so it admits rows of every tenant")
