from schemac.lint.registry import Hit, rule
from schemac.lint.rules._citus import label, placed


@rule(
    "SC152",
    "citus-fk-to-distributed",
    "error",
    "distribute the referencing table too, colocated with the one it references",
)
def citus_fk_to_distributed(ctx):
    """
    ## What it does
    Reports a foreign key to a table the file distributes, from a reference
    table or from a table left on the coordinator (a local table).

    Not reported: foreign keys to tables distributed elsewhere than in the
    linted file, which are not known to be distributed here.

    ## Why is this bad
    From a reference table Citus refuses the key: every node holds the whole
    reference table but only some shards of the distributed one. From a
    local table it is worse: Citus accepts the key and never enforces it,
    so deleting the referenced row succeeds and leaves dangling rows behind.

    ## Example
    ```sql
    create table tenants (id uuid primary key);
    select create_distributed_table('tenants', 'id');
    create table exports (id bigint primary key, tenant_id uuid references tenants (id));
    ```

    ## Use instead
    ```sql
    create table exports (tenant_id uuid not null references tenants (id), id bigint not null,
                          primary key (tenant_id, id));
    select create_distributed_table('exports', 'tenant_id', colocate_with => 'tenants');
    ```

    ## Fix safety
    Unsafe: distributing a table moves its rows to the workers, and its keys
    must include the distribution column.
    """
    by_table = placed(ctx)
    for table in ctx.model.known_tables():
        source = by_table.get(table.key)
        if source is not None and source.kind == "distributed":
            continue
        for fk in table.foreign_keys:
            target = by_table.get(fk.target)
            if target is None or target.kind != "distributed":
                continue
            if source is None:
                yield Hit(
                    fk.stmt,
                    fk.offset,
                    f"local table {label(table.key)} has a foreign key to distributed table "
                    f"{label(fk.target)}: Citus accepts it and never enforces it, so deletes leave "
                    "dangling rows",
                )
            else:
                yield Hit(
                    fk.stmt,
                    fk.offset,
                    f"reference table {label(table.key)} cannot have a foreign key to "
                    f"distributed table {label(fk.target)}",
                )
