import orjson

from schemac.lint.pgquery import ParseError, parse_json
from schemac.lint.registry import Hit, rule
from schemac.lint.tree import strings, walk

VACUUM_COLUMNS = {"last_vacuum", "last_autovacuum", "last_analyze", "last_autoanalyze"}
VACUUM_FUNCTIONS = {
    "pg_stat_get_last_vacuum_time",
    "pg_stat_get_last_autovacuum_time",
    "pg_stat_get_last_analyze_time",
    "pg_stat_get_last_autoanalyze_time",
}


@rule(
    "SC403",
    "mv-freshness-proxy",
    "warning",
    "record refreshes in a log table written by the refresh function, and read freshness from it",
)
def mv_freshness_proxy(ctx):
    """
    ## What it does
    Reports SQL (views, queries, SQL-language function bodies) that reads
    `last_vacuum`, `last_autovacuum`, `last_analyze` or `last_autoanalyze`
    (or the `pg_stat_get_last_*_time` functions), the statistics columns
    people use as a proxy for "when was this materialized view refreshed".

    Not reported: the other statistics of `pg_stat_*` views (`n_live_tup`,
    `seq_scan`, ...), which measure what they say; and statements that cannot
    hold a query (CREATE TABLE, policies, ...).

    ## Why is this bad
    `REFRESH MATERIALIZED VIEW` touches none of them. Vacuum and analyze
    run on autovacuum's schedule, so a view can be days stale while the
    monitor says it is fresh, or fresh while the monitor alarms. The seed's
    freshness check was built on `last_vacuum`.

    ## Example
    ```sql
    create view mv_freshness as
      select relname, last_vacuum as refreshed_at
      from pg_stat_user_tables where relname = 'timeline_summary';
    ```

    ## Use instead
    ```sql
    create table private.mv_refresh_log (
      view_name text primary key, refreshed_at timestamptz not null);
    -- the refresh function upserts (view_name, now()) after REFRESH
    create view mv_freshness as
      select view_name, refreshed_at from private.mv_refresh_log;
    ```

    ## Fix safety
    Unsafe: the refresh job has to start writing the log before the view
    can read it.
    """
    for stmt in ctx.of_kind(*_QUERYING):
        for location, name in _proxy_reads(stmt.node):
            yield Hit(stmt, stmt.at(location), f"freshness read from {name}; {_MESSAGE}")
        if stmt.kind == "CreateFunctionStmt":
            yield from _function_body(stmt)


# Statements that can hold a query; others (CREATE TABLE, policies, ...) cannot
# read the statistics views, and skipping them keeps the rule cheap on large dumps.
_QUERYING = (
    "ViewStmt",
    "CreateTableAsStmt",
    "SelectStmt",
    "CreateFunctionStmt",
    "InsertStmt",
    "UpdateStmt",
    "DeleteStmt",
    "MergeStmt",
    "DeclareCursorStmt",
    "ExplainStmt",
)

_MESSAGE = "refreshing a materialized view updates no vacuum or analyze statistic"


def _proxy_reads(node):
    for kind, body in walk(node):
        if kind == "ColumnRef":
            name = (strings(body.get("fields")) or [""])[-1]
            if name in VACUUM_COLUMNS:
                yield body.get("location"), name
        elif kind == "FuncCall":
            name = (strings(body.get("funcname")) or [""])[-1]
            if name in VACUUM_FUNCTIONS:
                yield body.get("location"), f"{name}()"


def _function_body(stmt):
    """A `language sql` body given as a string is parsed too; the finding points
    at the function, since positions inside the string are not the file's."""
    options = {o["DefElem"].get("defname"): o["DefElem"].get("arg") for o in stmt.node.get("options") or ()}
    language = (options.get("language") or {}).get("String", {}).get("sval")
    body = strings((options.get("as") or {}).get("List", {}).get("items"))
    if language != "sql" or not body:
        return
    try:
        tree = orjson.loads(parse_json(body[0]))
    except ParseError:
        return
    for _, name in _proxy_reads(tree):
        yield Hit(stmt, stmt.start, f"function body reads freshness from {name}; {_MESSAGE}")
        return
