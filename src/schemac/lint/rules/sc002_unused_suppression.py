from schemac.lint.registry import rule


@rule("SC002", "unused-suppression", "info", "remove the suppression, or correct the rule name in it")
def unused_suppression(ctx):
    """
    ## What it does
    Reports a `-- schemac-ignore` comment that suppresses nothing: it names
    an unknown rule, or the rule it names found nothing in that statement
    (or file, for `-- schemac-ignore-file`).

    Not reported: a suppression of a rule that does not run (not selected, or
    ignored): it may well suppress something when the rule runs. Nor a
    suppression repeated on each statement of an object that matched a
    finding on one of them.

    ## Why is this bad
    A stale suppression hides the next real finding of that rule in that
    place, and a misspelt one silently suppresses nothing.

    ## Example
    ```sql
    -- schemac-ignore fk-unidexed  typo: nothing is suppressed
    create table documents (id uuid primary key, vehicle_id uuid references vehicles);
    ```

    ## Use instead
    ```sql
    -- schemac-ignore fk-unindexed  looked up through vehicle_events only
    create table documents (id uuid primary key, vehicle_id uuid references vehicles);
    ```

    ## Fix safety
    Removing an unused suppression is always safe.
    """
    return ()  # produced by the engine after suppressions are applied
