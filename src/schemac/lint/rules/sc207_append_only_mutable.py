from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import is_append_only, label


@rule("SC207", "append-only-mutable", "error",
      "drop UPDATE/DELETE/ALL policies and add a BEFORE UPDATE OR DELETE trigger that raises")
def append_only_mutable(ctx):
    """
    ## What it does
    Finds tables meant to be append-only (`append_only: true` in the spec;
    in SQL, a table comment containing "append-only", or the
    `append_only_tables` option) that have an UPDATE, DELETE or ALL policy,
    or no BEFORE trigger covering both UPDATE and DELETE.

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
                yield Hit(policy.stmt, policy.offset,
                          f"append-only table {label(table.key)} can be rewritten through its "
                          f"{policy.command.upper()} policy {policy.name}")
        guarded = set()
        for trigger in table.triggers:
            if trigger.timing in ("before", "instead"):
                guarded |= trigger.events & {"update", "delete"}
        missing = sorted({"update", "delete"} - guarded)
        if missing:
            yield Hit(table.stmt, table.offset,
                      f"append-only table {label(table.key)} has no BEFORE trigger rejecting "
                      f"{' and '.join(m.upper() for m in missing)}; roles that bypass RLS can rewrite it")
