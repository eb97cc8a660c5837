from schemac.lint.registry import Hit, rule
from schemac.lint.rules._citus import label, placements


@rule(
    "SC550",
    "citus-distribution-order",
    "error",
    "distribute the partitioned parent (its partitions follow), and referenced tables before their children",
)
def citus_distribution_order(ctx):
    """
    ## What it does
    Reports `create_distributed_table` or `create_reference_table` called on
    a partition rather than on its partitioned table, and a table
    distributed while a table its foreign keys reference is not yet a
    distributed or reference table.

    Not reported: a foreign key added after both calls (Citus checks it then),
    and one to a table the file does not create.

    ## Why is this bad
    Citus refuses both: a partition is distributed with its parent ("cannot
    distribute relation which is partition of"), and a table cannot be
    distributed while it references a plain table ("referenced table must
    be a distributed table or a reference table").

    ## Example
    ```sql
    create table vehicles (tenant_id uuid, id uuid, primary key (tenant_id, id));
    create table events (tenant_id uuid, vehicle_id uuid,
                         foreign key (tenant_id, vehicle_id) references vehicles);
    select create_distributed_table('events', 'tenant_id');
    select create_distributed_table('vehicles', 'tenant_id');
    ```

    ## Use instead
    ```sql
    select create_distributed_table('vehicles', 'tenant_id');
    select create_distributed_table('events', 'tenant_id', colocate_with => 'vehicles');
    ```

    ## Fix safety
    Safe: the same calls in another order.
    """
    done = set()
    for placement in placements(ctx):
        table = ctx.model.tables.get(placement.key)
        if table is not None and table.parent is not None:
            yield Hit(
                placement.stmt,
                placement.offset,
                f"{label(placement.key)} is a partition of {label(table.parent)}: distribute the "
                "partitioned table, and its partitions follow",
            )
        elif table is not None:
            for fk in table.foreign_keys:
                target = ctx.model.tables.get(fk.target)
                if (
                    fk.target != placement.key
                    and fk.target not in done
                    and target is not None
                    and target.known
                    and fk.stmt.source is placement.stmt.source
                    and fk.stmt.index < placement.stmt.index
                ):
                    yield Hit(
                        placement.stmt,
                        placement.offset,
                        f"{label(placement.key)} is distributed before {label(fk.target)}, which its "
                        "foreign key references; distribute that one first",
                    )
                    break
        done.add(placement.key)
