from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label


@rule(
    "SC105",
    "tenant-fk-without-tenant",
    "error",
    "put the tenant column in the key on both sides: (tenant_id, x) references target (tenant_id, id), "
    "with a unique key on the target's (tenant_id, id)",
)
def tenant_fk_without_tenant(ctx):
    """
    ## What it does
    Reports a foreign key from a table with the tenant column (`tenant_id`
    by default; the `tenant_column` option) to another table with it, when
    the key does not pair the two tenant columns.

    Not reported: a key to a table without the tenant column (`profiles`,
    `auth.users`, the tenants table itself), whose rows are no tenant's; a
    key to a table the linted SQL does not create, whose columns are not
    known here.

    ## Why is this bad
    A foreign-key check ignores row level security: it looks the parent up
    as the table owner. With `vehicle_id -> vehicles (id)`, tenant A can
    attach a document to tenant B's vehicle by its id; the insert succeeds,
    which also tells A that B's id exists, and from then on B cannot delete
    its vehicle while A's row holds it (or deleting it cascades into A's
    rows). The delete-time lookup (`WHERE vehicle_id = $1`) also carries no
    tenant, so the tenant-first indexes of a tenant-scoped table cannot
    serve it before PostgreSQL 18.

    ## Example
    ```sql
    create table documents (
      id uuid primary key, tenant_id uuid not null references tenants,
      vehicle_id uuid not null references vehicles (id)
    );
    ```

    ## Use instead
    ```sql
    alter table vehicles add unique (tenant_id, id);
    create table documents (
      id uuid primary key, tenant_id uuid not null references tenants,
      vehicle_id uuid not null,
      foreign key (tenant_id, vehicle_id) references vehicles (tenant_id, id)
    );
    ```

    ## Fix safety
    Unsafe on existing data: the new key fails to validate where a row
    already references another tenant's row (find those first); the target
    needs the unique key before the foreign key can be added, and `ON
    DELETE SET NULL` must then name the columns it clears (`set null
    (vehicle_id)`, PostgreSQL 15) so that the tenant column stays.
    """
    tenant = ctx.config.tenant_column
    model = ctx.model
    for table in model.parent_tables():
        if tenant not in table.columns:
            continue
        for fk in table.foreign_keys:
            target = model.tables.get(fk.target)
            if target is None or not target.known or tenant not in target.columns:
                continue
            pk = target.primary_key
            referenced = fk.target_columns or (pk.columns if pk else ())
            if (tenant, tenant) in zip(fk.columns, referenced) or (not referenced and tenant in fk.columns):
                continue
            yield Hit(
                fk.stmt,
                fk.offset,
                f"foreign key {label(table.key)}{columns_text(fk.columns)} -> {label(target.key)} joins two "
                f"tenant-scoped tables without {tenant}, so a row can reference another tenant's row",
            )
