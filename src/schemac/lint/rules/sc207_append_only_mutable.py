import orjson

from schemac.lint.pgquery import ParseError, parse_plpgsql_json
from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import is_append_only, label
from schemac.lint.tree import walk

_ERROR = 21  # elog level of RAISE EXCEPTION (PostgreSQL's elog.h)


@rule(
    "SC207",
    "append-only-mutable",
    "error",
    "drop UPDATE/DELETE/ALL policies and add a BEFORE UPDATE OR DELETE trigger that raises",
)
def append_only_mutable(ctx):
    """
    ## What it does
    Finds tables meant to be append-only (`append_only: true` in the spec;
    in SQL, a table comment containing "append-only", or the
    `append_only_tables` option) that have an UPDATE, DELETE or ALL policy,
    or no BEFORE trigger covering both UPDATE and DELETE. When the trigger's
    PL/pgSQL function is in the linted SQL, it must reject the change: raise
    an exception, or return NULL (which skips the row).

    Not reported: tables not marked append-only, and a guard trigger whose
    function is not in the linted SQL (it is taken to reject the change, as
    it cannot be read).

    ## Why is this bad
    An event store that can be rewritten is not an event store. Policies
    only bind roles subject to RLS: the table owner, `service_role` and any
    role with BYPASSRLS can still update or delete rows unless a trigger
    rejects it. The seed shipped an UPDATE policy on `vehicle_events`.

    ## Example
    ```sql
    comment on table vehicle_events is 'append-only event store';
    create policy events_update on vehicle_events for update to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Use instead
    ```sql
    comment on table vehicle_events is 'append-only event store';
    create trigger vehicle_events_append_only
      before update or delete on vehicle_events
      for each row execute function private.reject_change();
    ```

    ## Fix safety
    Unsafe if the application updates these rows today: it must write a
    correcting event instead.
    """
    for table in ctx.model.parent_tables():
        if not is_append_only(table, ctx.config):
            continue
        for policy in table.policies:
            if policy.command in ("update", "delete", "all"):
                yield Hit(
                    policy.stmt,
                    policy.offset,
                    f"append-only table {label(table.key)} can be rewritten through its "
                    f"{policy.command.upper()} policy {policy.name}",
                )
        guarded = set()
        for trigger in table.triggers:
            if trigger.timing not in ("before", "instead") or not trigger.events & {"update", "delete"}:
                continue
            function = ctx.model.functions.get(trigger.function)
            if function is not None and not _rejects(function):
                yield Hit(
                    trigger.stmt,
                    trigger.offset,
                    f"trigger {trigger.name} on append-only table {label(table.key)} calls "
                    f"{label(function.key)}, which neither raises an exception nor returns NULL",
                )
                continue
            guarded |= trigger.events & {"update", "delete"}
        missing = sorted({"update", "delete"} - guarded)
        if missing:
            yield Hit(
                table.stmt,
                table.offset,
                f"append-only table {label(table.key)} has no BEFORE trigger rejecting "
                f"{' and '.join(m.upper() for m in missing)}; roles that bypass RLS can rewrite it",
            )


def _rejects(function) -> bool:
    """Does a PL/pgSQL trigger function raise an error or return NULL somewhere?
    Functions in other languages (C, ...) cannot be read, so they are trusted."""
    if function.language != "plpgsql":
        return True
    stmt = function.stmt
    text = stmt.source.data[stmt.start : stmt.end].decode("utf-8", "replace")
    try:
        tree = orjson.loads(parse_plpgsql_json(text))
    except (ParseError, ValueError):
        return True  # unreadable: the syntax-error rule or PostgreSQL will say so
    for name, body in walk(tree):
        if name == "PLpgSQL_stmt_raise" and body.get("elog_level", _ERROR) >= _ERROR:
            return True
        if name == "PLpgSQL_stmt_return":
            query = body.get("expr", {}).get("PLpgSQL_expr", {}).get("query", "")
            if query.strip().lower() == "null":
                return True
    return False
