from schemac.lint.registry import rule


@rule("SC001", "syntax-error", "error", "fix the SQL so PostgreSQL can parse it")
def syntax_error(ctx):
    """
    ## What it does
    Reports SQL that PostgreSQL's parser (through pglast) rejects, at the
    place the parser stopped.

    ## Why is this bad
    A statement that does not parse will fail when applied, and none of the
    other rules can look at it. The rest of the file is still linted: the
    file is split at top-level semicolons and each statement parsed alone.

    ## Example
    ```sql
    create tabel vehicles (id uuid primary key);
    ```

    ## Use instead
    ```sql
    create table vehicles (id uuid primary key);
    ```

    ## Fix safety
    No automatic fix.
    """
    return ()  # produced by the engine from parse errors
