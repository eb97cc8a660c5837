from schemac.lint.registry import rule


@rule("SC001", "syntax-error", "error", "fix the SQL so PostgreSQL can parse it")
def syntax_error(ctx):
    """
    ## What it does
    Reports SQL that PostgreSQL's parser (through pglast) rejects, at the
    place the parser stopped.

    Not reported: psql's meta-commands (`\\set`, `\\i`, `\\connect`, ...),
    psql variables (`:'name'`) and `COPY ... FROM stdin` data. psql reads
    them itself, not the server, so they are skipped as psql reads them (a
    meta-command ends at the end of its line) and a migration folder written
    for psql parses, with every location after them right.

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
