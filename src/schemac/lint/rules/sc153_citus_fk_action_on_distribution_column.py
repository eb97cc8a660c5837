from schemac.lint.registry import Hit, rule
from schemac.lint.rules._citus import fk_actions, label, placed

ACTIONS = {"n": "SET NULL", "d": "SET DEFAULT", "c": "CASCADE"}


@rule(
    "SC153",
    "citus-fk-action-on-distribution-column",
    "error",
    "use on delete cascade, restrict or no action, and no on update action",
)
def citus_fk_action_on_distribution_column(ctx):
    """
    ## What it does
    Reports `ON DELETE SET NULL` / `SET DEFAULT`, or an `ON UPDATE` action,
    on a foreign key of a distributed table that includes its distribution
    column.

    Not reported: `ON DELETE CASCADE`, `RESTRICT` and `NO ACTION`, which
    Citus allows, and any action on a key without the distribution column.

    ## Why is this bad
    The action would change the distribution column of the referencing row,
    which would move the row to another shard; Citus refuses such a key
    ("SET NULL or SET DEFAULT is not supported in ON DELETE operation when
    distribution key is included in the foreign constraint").

    ## Example
    ```sql
    alter table events add foreign key (tenant_id, vehicle_id)
      references vehicles (tenant_id, id) on delete set null;
    ```

    ## Use instead
    ```sql
    alter table events add foreign key (tenant_id, vehicle_id)
      references vehicles (tenant_id, id) on delete cascade;
    ```

    ## Fix safety
    Unsafe: cascade deletes the rows that set null kept.
    """
    by_table = placed(ctx)
    for table in ctx.model.known_tables():
        source = by_table.get(table.key)
        if source is None or source.kind != "distributed" or not source.column:
            continue
        for fk in table.foreign_keys:
            if source.column not in fk.columns:
                continue
            on_delete, on_update = fk_actions(fk)
            if on_delete in ("n", "d"):
                what = f"on delete {ACTIONS[on_delete].lower()}"
            elif on_update in ACTIONS:
                what = f"on update {ACTIONS[on_update].lower()}"
            else:
                continue
            yield Hit(
                fk.stmt,
                fk.offset,
                f"{what} on the foreign key of {label(table.key)} would change its "
                f"distribution column {source.column}, which Citus refuses",
            )
