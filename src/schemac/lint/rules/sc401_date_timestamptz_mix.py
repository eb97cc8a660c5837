from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label

# Names that mark a column as "when something happened". Calendar dates
# (due_on, birth_date, starts_on) are dates by nature and are left alone.
EVENT_TIME_SUFFIXES = ("_at", "_time", "_timestamp")
EVENT_TIME_PREFIXES = ("event_", "occurred_", "happened_")
EVENT_TIME_NAMES = ("date", "time", "timestamp", "occurred", "happened")


def is_event_time(name: str) -> bool:
    return name in EVENT_TIME_NAMES or name.endswith(EVENT_TIME_SUFFIXES) or name.startswith(EVENT_TIME_PREFIXES)


@rule("SC401", "date-timestamptz-mix", "warning", "type event times as timestamptz")
def date_timestamptz_mix(ctx):
    """
    ## What it does
    On a table with `timestamptz` columns, reports event-time columns (named
    `*_at`, `*_time`, `event_*`, `occurred_*`, `date`, ...) typed `date` or
    `timestamp` beside them; and any `*_at` column that is not `timestamptz`.
    Not reported: calendar dates such as `due_on` or `birth_date`, which are
    not event times. A `timestamp` column is left to `timestamp-without-tz`,
    which reports every one (one finding per column); this rule reports it
    only when that one is not selected.

    ## Why is this bad
    Comparing a `date` with a `timestamptz` casts through the session time
    zone, so the same query returns different rows in different time zones,
    and a timeline that sorts events by a mix of the two puts same-day
    events in the wrong order. The seed had DATE beside TIMESTAMPTZ on its
    event store, even in the primary key.

    ## Example
    ```sql
    create table vehicle_events (
      id uuid primary key,
      event_date date not null,
      created_at timestamptz not null default now()
    );
    ```

    ## Use instead
    ```sql
    create table vehicle_events (
      id uuid primary key,
      occurred_at timestamptz not null,
      created_at timestamptz not null default now()
    );
    ```

    ## Fix safety
    Unsafe: changing a column's type rewrites the table and changes what
    existing queries compare against.
    """
    left = {"timestamptz", "timestamp"} if ctx.reported_by("timestamp-without-tz") else {"timestamptz"}
    for table in ctx.model.parent_tables():
        has_tz = any(c.type == "timestamptz" for c in table.columns.values())
        for column in table.columns.values():
            if column.type in left:
                continue
            mixed = has_tz and column.type in ("date", "timestamp") and is_event_time(column.name)
            misnamed = column.name.endswith("_at")
            if mixed or misnamed:
                reason = "beside timestamptz columns" if mixed else "but named *_at"
                yield Hit(
                    column.stmt,
                    column.offset,
                    f"{label(table.key)}.{column.name} is {column.type or 'untyped'} {reason}; "
                    f"event times should be timestamptz",
                )
