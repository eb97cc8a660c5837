from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label


@rule("SC104", "deferrable-key-upsert", "warning",
      "make the key not deferrable, or add a unique key on the same columns that is not")
def deferrable_key_upsert(ctx):
    """
    ## What it does
    Reports a primary key or unique constraint declared `DEFERRABLE`
    (initially deferred or not) when no key on the same columns is
    checked at once.

    ## Why is this bad
    PostgreSQL cannot use a deferrable key to decide `INSERT ... ON
    CONFLICT`: the statement fails with "ON CONFLICT does not support
    deferrable unique constraints/exclusion constraints as arbiters". Every
    upsert on those columns breaks, including Supabase's Data API (PostgREST
    `Prefer: resolution=merge-duplicates`, `supabase-js` `.upsert()`).
    A foreign key cannot reference a deferrable key either.

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
    Making a key not deferrable changes when duplicates are reported: a
    transaction that swaps two values row by row must then do it in one
    statement. Replacing the constraint rebuilds its index under lock.
    """
    for table in ctx.model.parent_tables():
        immediate = {frozenset(k.columns) for k in table.keys if not k.deferrable}
        for key in table.keys:
            if key.deferrable and frozenset(key.columns) not in immediate:
                kind = "primary key" if key.primary else "unique key"
                yield Hit(key.stmt, key.offset,
                          f"deferrable {kind} {label(table.key)}{columns_text(key.columns)} cannot serve "
                          "INSERT ... ON CONFLICT: upserts on these columns fail")
