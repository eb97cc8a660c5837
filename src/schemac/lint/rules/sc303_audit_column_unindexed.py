from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label, leads
from schemac.lint.tree import column_refs


@rule(
    "SC303",
    "audit-column-unindexed",
    "warning",
    "create an index led by the audit column (after the tenant column on tenant-scoped tables)",
)
def audit_column_unindexed(ctx):
    """
    ## What it does
    Reports audit columns used for lookup (`created_by`, `updated_by`,
    `deleted_at` by default; the `audit_columns` option) with no index that
    leads with them. On a table with the tenant column an index led by
    `(tenant_id, created_by)` counts, and for a column an index's partial
    predicate mentions (`where deleted_at is null`) that index counts too.

    Not reported: an audit column that is by itself the column of a foreign key
    (`created_by references profiles`) is left to `fk-unindexed`, which
    reports the same missing index (one finding per column); this rule
    reports it only when that one is not selected.

    ## Why is this bad
    "What did this user change?" and "what was deleted?" are the questions
    audit columns exist to answer, and without an index each is a
    sequential scan; `created_by` also usually references `auth.users`, so
    deleting a user scans every table. The seed's audit columns had no
    indexes.

    ## Example
    ```sql
    create table documents (
      id uuid primary key, tenant_id uuid not null,
      created_by uuid references auth.users (id)
    );
    ```

    ## Use instead
    ```sql
    create index documents_created_by_idx on documents (tenant_id, created_by);
    ```

    ## Fix safety
    Safe; on a large existing table create the index `concurrently`.
    """
    tenant = ctx.config.tenant_column
    leave_to_fk = ctx.reported_by("fk-unindexed")
    for table in ctx.model.parent_tables():
        referencing = {fk.columns for fk in table.foreign_keys if fk.enforced} if leave_to_fk else set()
        for name in ctx.config.audit_columns:
            column = table.columns.get(name)
            if column is None or (name,) in referencing or leads(table, (name,), tenant):
                continue
            if any(_mentions(index.predicate, name) for index in table.indexes):
                continue
            yield Hit(
                column.stmt, column.offset, f"audit column {label(table.key)}.{name} has no index that leads with it"
            )


def _mentions(predicate, name):
    return predicate is not None and any(fields[-1:] == [name] for fields, _ in column_refs(predicate))
