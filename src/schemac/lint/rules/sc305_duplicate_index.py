from schemac.lint.fold import expression_key
from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import columns_text, label


@rule("SC305", "duplicate-index", "warning", "drop the duplicate index")
def duplicate_index(ctx):
    """
    ## What it does
    Reports an index with the same method, columns (or expressions) and
    predicate as an earlier index or primary key / unique constraint on the
    same table.

    ## Why is this bad
    The duplicate serves no query the first does not, while every insert
    and update maintains both, and both take space in memory and on disk.

    ## Example
    ```sql
    create table vehicles (id uuid primary key);
    create index vehicles_id_idx on vehicles (id);
    ```

    ## Use instead
    ```sql
    create table vehicles (id uuid primary key);
    ```

    ## Fix safety
    Safe unless a constraint or a query hint names the dropped index.
    """
    for table in ctx.model.parent_tables():
        seen = {}
        for index in table.indexes:
            predicate = expression_key(index.predicate) if index.predicate else None
            # A deferrable key's index and an immediate unique index on the same
            # columns do different work: only the immediate one can be referenced.
            key = (index.method, index.columns, predicate, index.deferrable)
            first = seen.setdefault(key, index)
            if first is not index and not index.constraint:
                yield Hit(index.stmt, index.offset,
                          f"{index.name or 'index'} on {label(table.key)}{columns_text(index.columns)} "
                          f"duplicates {first.name or 'an earlier index'}")
