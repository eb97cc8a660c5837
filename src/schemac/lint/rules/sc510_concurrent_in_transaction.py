from schemac.lint.registry import Hit, rule

_BEGIN = {"TRANS_STMT_BEGIN", "TRANS_STMT_START"}
_END = {
    "TRANS_STMT_COMMIT",
    "TRANS_STMT_ROLLBACK",
    "TRANS_STMT_PREPARE",
    "TRANS_STMT_COMMIT_PREPARED",
    "TRANS_STMT_ROLLBACK_PREPARED",
}


def is_concurrent(stmt) -> bool:
    node = stmt.node
    if stmt.kind in ("IndexStmt", "DropStmt"):
        return bool(node.get("concurrent"))
    if stmt.kind == "ReindexStmt":
        return any(p.get("DefElem", {}).get("defname") == "concurrently" for p in node.get("params") or ())
    return False


@rule(
    "SC510",
    "concurrent-in-transaction",
    "error",
    "run the concurrent statement outside BEGIN ... COMMIT, in its own migration step",
)
def concurrent_in_transaction(ctx):
    """
    ## What it does
    Reports `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` or
    `REINDEX ... CONCURRENTLY` between `BEGIN` and `COMMIT` in a file.

    Not reported: concurrent operations outside `BEGIN` ... `COMMIT`. A file
    with no explicit `BEGIN` is not known to run in a transaction, though a
    migration tool may wrap it in one.

    ## Why is this bad
    PostgreSQL refuses them in a transaction block ("cannot run inside a
    transaction block"), so the migration fails, often only when deployed.

    ## Example
    ```sql
    begin;
    create index concurrently documents_vehicle_idx on documents (tenant_id, vehicle_id);
    commit;
    ```

    ## Use instead
    ```sql
    create index concurrently documents_vehicle_idx on documents (tenant_id, vehicle_id);
    ```

    ## Fix safety
    Safe.
    """
    in_transaction: set[int] = set()
    for stmt in ctx.statements:
        source = id(stmt.source)
        if stmt.kind == "TransactionStmt":
            kind = stmt.node.get("kind")
            if kind in _BEGIN:
                in_transaction.add(source)
            elif kind in _END:
                in_transaction.discard(source)
        elif source in in_transaction and is_concurrent(stmt):
            yield Hit(stmt, stmt.start, "concurrent index operation inside a transaction block fails")
