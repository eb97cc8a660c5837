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

    Not reported, because they serve other queries or enforce other
    things: a different collation (`name collate "C"` beside `name`: only
    the first serves `like 'abc%'` and byte-order sorts), operator class
    (`text_pattern_ops`, `jsonb_path_ops`) or column order (`(a, b desc)`
    beside `(a, b)`; a one-column index read backwards is the same index),
    INCLUDE columns, NULLS NOT DISTINCT, predicate or expression. Of a plain
    and a unique index on the same columns, the plain one is reported,
    whichever comes first: the unique one also enforces, so it is the one to
    keep. Nor an index created under a name an index of the schema already
    has (`create index if not exists`, or each branch of a psql `\\if`):
    PostgreSQL makes no second index of it.

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
            key = (index.method, index.columns, index.variant, predicate, index.deferrable)
            first = seen.setdefault(key, index)
            if first is index:
                continue
            if index.unique and not first.unique:  # the unique one is the one to keep: it also enforces
                seen[key], first, index = index, index, first
            if not index.constraint:
                yield Hit(
                    index.stmt,
                    index.offset,
                    f"{index.name or 'index'} on {label(table.key)}{columns_text(index.columns)} "
                    f"duplicates {first.name or 'another index'}",
                )
