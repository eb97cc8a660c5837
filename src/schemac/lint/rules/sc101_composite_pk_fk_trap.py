from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label


@rule(
    "SC101",
    "composite-pk-fk-trap",
    "error",
    "reference every column of the target's primary key (include the partition column), or reference a unique key",
)
def composite_pk_fk_trap(ctx):
    """
    ## What it does
    Checks that the columns a foreign key references are exactly the primary
    key or a unique constraint of the target table. Above all it catches the
    partitioned-table trap: a partitioned table's primary key must include
    the partition column, so `id` alone is not a key and cannot be referenced.

    Not reported: a foreign key to a table the linted SQL does not create (its
    keys are not known here), and one that names the key's columns in another
    order (PostgreSQL matches the referenced columns to a key as a set).

    ## Why is this bad
    PostgreSQL refuses the foreign key ("there is no unique constraint
    matching given keys for referenced table"), usually late, when the
    migration runs. Teams then drop the foreign key and lose the integrity
    it was meant to give, or add a global unique index that a partitioned
    table cannot have.

    ## Example
    ```sql
    create table vehicle_events (
      id uuid not null, occurred_at timestamptz not null,
      primary key (id, occurred_at)
    ) partition by range (occurred_at);
    create table documents (
      id uuid primary key,
      event_id uuid references vehicle_events (id)
    );
    ```

    ## Use instead
    ```sql
    create table documents (
      id uuid primary key,
      event_id uuid, event_occurred_at timestamptz,
      foreign key (event_id, event_occurred_at)
        references vehicle_events (id, occurred_at)
    );
    ```

    ## Fix safety
    Unsafe: the referencing table needs a new column, filled from the
    target, before the foreign key can be added.
    """
    model = ctx.model
    for table in model.known_tables():
        for fk in table.foreign_keys:
            target = model.tables.get(fk.target)
            if target is None or not target.known:
                continue
            pk = target.primary_key
            referenced = fk.target_columns or (pk.columns if pk else ())
            if not referenced:
                continue
            is_key = any(set(k.columns) == set(referenced) for k in target.keys)
            if is_key and len(fk.columns) == len(referenced):
                continue
            yield Hit(fk.stmt, fk.offset, _message(fk, target, referenced))


def _message(fk, target, referenced):
    pk = target.primary_key
    text = (
        f"foreign key {label(fk.table)}{columns_text(fk.columns)} references "
        f"{label(target.key)}{columns_text(referenced)}, which is not a primary key or unique "
        f"constraint of {label(target.key)}"
    )
    if pk:
        text += f"; its primary key is {columns_text(pk.columns)}"
        missing = [c for c in target.partition_key or () if c not in referenced]
        if missing:
            text += f", which includes the partition column {', '.join(missing)}"
    return text
