from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._migration import locks_existing_table


@rule("SC509", "lock-timeout-missing", "warning", "start the migration with `set lock_timeout = '5s'`")
def lock_timeout_missing(ctx):
    """
    ## What it does
    Reports the first statement in a file that locks an existing table
    (ALTER TABLE, CREATE INDEX without CONCURRENTLY, DROP, RENAME) when the
    file has not set `lock_timeout` before it. Reported once per file.

    Not reported: a file that sets `lock_timeout` before its first such
    statement, statements on tables the file creates, and any statement after
    the first in a file (one finding per file).

    ## Why is this bad
    A DDL statement waiting for its lock (behind one long-running query)
    makes every later query on the table queue behind it: a migration that
    would take milliseconds takes the application down. With a lock
    timeout it fails fast and can be retried.

    ## Example
    ```sql
    alter table vehicles add column fleet_id uuid;
    ```

    ## Use instead
    ```sql
    set lock_timeout = '5s';
    alter table vehicles add column fleet_id uuid;
    ```

    ## Fix safety
    Safe; the migration may then fail on a busy table and need a retry.
    """
    done = set()
    for stmt in ctx.statements:
        source = id(stmt.source)
        if source in done:
            continue
        if stmt.kind == "VariableSetStmt" and stmt.node.get("name") == "lock_timeout":
            done.add(source)
            continue
        key = locks_existing_table(ctx, stmt)
        if key is not None:
            done.add(source)
            yield Hit(
                stmt,
                stmt.start,
                f"this statement locks existing table {label(key)} and no lock_timeout was set before it",
            )
