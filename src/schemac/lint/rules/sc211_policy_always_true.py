from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.tree import const_value


@rule("SC211", "policy-always-true", "warning",
      "state the condition: the tenant and the owner the row must belong to")
def policy_always_true(ctx):
    """
    ## What it does
    Reports a permissive INSERT, UPDATE, DELETE or ALL policy whose USING or
    WITH CHECK is the constant `true`.

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
    for table in ctx.model.tables.values():
        for policy in table.policies:
            if policy.command == "select" or not policy.permissive:
                continue
            for clause, expr in (("USING", policy.using), ("WITH CHECK", policy.check)):
                if const_value(expr) is True:
                    yield Hit(policy.stmt, policy.offset,
                              f"write policy {policy.name} on {label(table.key)} has {clause} (true), "
                              f"which admits every row")
