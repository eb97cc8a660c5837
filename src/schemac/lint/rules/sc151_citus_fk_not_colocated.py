from schemac.lint.registry import Hit, rule
from schemac.lint.rules._citus import colocation_group, label, placed


@rule(
    "SC151",
    "citus-fk-not-colocated",
    "error",
    "colocate the tables and pair their distribution columns: foreign key (tenant_id, x) references t (tenant_id, id)",
)
def citus_fk_not_colocated(ctx):
    """
    ## What it does
    Reports a foreign key between two distributed tables that are not
    colocated, or that does not pair their distribution columns at the same
    position of its column lists.

    Not reported: a foreign key to a reference table (allowed from any
    distributed table), and one between tables the file does not distribute.
    Colocation is followed through `colocate_with`; without it, Citus'
    default groups tables by the type of their distribution column.

    ## Why is this bad
    Citus checks a foreign key inside one node: the referencing row and the
    referenced row must sit in shards of the same colocation group, with the
    same distribution value. Otherwise it refuses the key ("cannot create
    foreign key constraint since relations are not colocated", or "foreign
    keys are supported in two cases").

    ## Example
    ```sql
    select create_distributed_table('vehicles', 'tenant_id');
    select create_distributed_table('events', 'tenant_id', colocate_with => 'none');
    alter table events add foreign key (vehicle_id) references vehicles (id);
    ```

    ## Use instead
    ```sql
    select create_distributed_table('events', 'tenant_id', colocate_with => 'vehicles');
    alter table events add foreign key (tenant_id, vehicle_id) references vehicles (tenant_id, id);
    ```

    ## Fix safety
    Unsafe: colocating again moves the table's rows, and the foreign key may
    need the distribution column added to the referenced key.
    """
    by_table = placed(ctx)
    for table in ctx.model.known_tables():
        source = by_table.get(table.key)
        if source is None or source.kind != "distributed":
            continue
        for fk in table.foreign_keys:
            target = by_table.get(fk.target)
            if target is None or target.kind != "distributed":
                continue
            if colocation_group(table.key, by_table, ctx.model.tables) != colocation_group(
                fk.target, by_table, ctx.model.tables
            ):
                yield Hit(
                    fk.stmt,
                    fk.offset,
                    f"foreign key from {label(table.key)} to {label(fk.target)} joins "
                    "distributed tables that are not colocated",
                )
                continue
            target_table = ctx.model.tables.get(fk.target)
            referenced = fk.target_columns or (
                target_table.primary_key.columns if target_table and target_table.primary_key else ()
            )
            pairs = dict(zip(fk.columns, referenced))
            if pairs.get(source.column) != target.column:
                yield Hit(
                    fk.stmt,
                    fk.offset,
                    f"foreign key from {label(table.key)} to {label(fk.target)} does not pair the "
                    f"distribution columns {source.column} and {target.column} at the same position",
                )
