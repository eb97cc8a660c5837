from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule("SC202", "rls-not-forced", "warning", "alter table ... force row level security")
def rls_not_forced(ctx):
    """
    ## What it does
    Reports a table whose row level security is enabled but not forced.

    Not reported: a table whose RLS is not enabled at all (`rls-disabled` and
    `policy-without-rls` report that), and a table the linted SQL only alters
    (whether it is forced elsewhere is not known).

    ## Why is this bad
    Without `FORCE ROW LEVEL SECURITY` the table's owner bypasses every
    policy. Functions owned by that role (SECURITY DEFINER functions,
    views without `security_invoker`) then read and write all tenants'
    rows, which is rarely what their author meant.

    ## Example
    ```sql
    alter table vehicles enable row level security;
    ```

    ## Use instead
    ```sql
    alter table vehicles enable row level security;
    alter table vehicles force row level security;
    ```

    ## Fix safety
    Unsafe if the owner's code relies on seeing every row: give that code a
    role with BYPASSRLS instead.
    """
    for table in ctx.model.known_tables():
        if table.rls_enabled and not table.rls_forced:
            yield Hit(
                table.rls_stmt or table.stmt,
                table.rls_offset if table.rls_stmt else table.offset,
                f"row level security on {label(table.key)} is enabled but not forced; the table owner bypasses it",
            )
