from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label


@rule(
    "SC104",
    "deferrable-key-upsert",
    "warning",
    "make the key not deferrable: nothing else lets INSERT ... ON CONFLICT use these columns",
)
def deferrable_key_upsert(ctx):
    """
    ## What it does
    Reports a primary key or unique constraint declared `DEFERRABLE`
    (initially deferred or immediate, or only `INITIALLY DEFERRED`, which
    implies it).

    Not reported: deferrable foreign keys and exclusion constraints: an
    `ON CONFLICT` arbiter is a unique index, so only deferrable primary keys
    and unique constraints break upserts.

    ## Why is this bad
    PostgreSQL cannot decide `INSERT ... ON CONFLICT` with a deferrable key:
    the statement fails with "ON CONFLICT does not support deferrable unique
    constraints/exclusion constraints as arbiters". It takes every unique
    index on the conflict columns as an arbiter, so another, immediate key on
    the same columns does not help, and `ON CONFLICT DO NOTHING` without
    columns fails on any table with a deferrable key. Every upsert breaks,
    Supabase's Data API included (PostgREST's
    `Prefer: resolution=merge-duplicates`, `supabase-js`'s `.upsert()`). A
    foreign key cannot reference a deferrable key either.

    ## Example
    ```sql
    create table devices (
      id uuid primary key,
      serial text not null unique deferrable initially deferred);
    ```

    ## Use instead
    ```sql
    create table devices (
      id uuid primary key,
      serial text not null unique);
    ```

    ## Fix safety
    Without `DEFERRABLE` PostgreSQL checks the key row by row, so an update
    that shifts values (`set position = position + 1`) can fail halfway
    where it passed before: move such rows through a temporary value.
    Replacing the constraint rebuilds its index under lock.
    """
    for table in ctx.model.parent_tables():
        for key in table.keys:
            if key.deferrable:
                kind = "primary key" if key.primary else "unique key"
                yield Hit(
                    key.stmt,
                    key.offset,
                    f"deferrable {kind} {label(table.key)}{columns_text(key.columns)}: INSERT ... ON CONFLICT "
                    "on these columns fails, and ON CONFLICT DO NOTHING on the table",
                )
