from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule("SC402", "timestamp-without-tz", "warning", "use timestamptz")
def timestamp_without_tz(ctx):
    """
    ## What it does
    Reports columns typed `timestamp` (without time zone), and attributes of
    composite types (`create type ... as (...)`) typed so: a column of the
    type stores them.

    Not reported: `timestamp[]` arrays and `time` (a time of day, not an
    instant).

    ## Why is this bad
    A `timestamp` stores a wall-clock reading with no zone: the same
    instant is stored differently by clients in different zones, and
    comparing it with `now()` (a `timestamptz`) converts through the
    session's `TimeZone`. `timestamptz` stores the instant and takes the
    same 8 bytes.

    ## Example
    ```sql
    create table vehicle_events (id uuid primary key, occurred_at timestamp not null);
    ```

    ## Use instead
    ```sql
    create table vehicle_events (id uuid primary key, occurred_at timestamptz not null);
    ```

    ## Fix safety
    Unsafe: converting existing values needs the zone they were written in
    (`alter column ... type timestamptz using occurred_at at time zone 'UTC'`),
    and rewrites the table.
    """
    for table in ctx.model.parent_tables():
        for column in table.columns.values():
            if column.type == "timestamp":
                yield Hit(
                    column.stmt, column.offset, f"{label(table.key)}.{column.name} is timestamp without time zone"
                )
    for key, attributes in ctx.model.composite_types.items():
        for attribute in attributes.values():
            if attribute.type == "timestamp":
                yield Hit(
                    attribute.stmt,
                    attribute.offset,
                    f"attribute {attribute.name} of type {label(key)} is timestamp without time zone",
                )
