from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import exposed, label

# Trigger functions cannot be called directly, so who may EXECUTE them does not matter.
_NOT_CALLABLE = {"trigger", "event_trigger"}


@rule(
    "SC209",
    "security-definer-executable",
    "error",
    "revoke execute on function ... from public, anon; grant it to the roles that need it",
)
def security_definer_executable(ctx):
    """
    ## What it does
    Reports a SECURITY DEFINER function in an exposed schema whose EXECUTE
    is not revoked from PUBLIC (by `REVOKE ... ON FUNCTION`, `... ON ALL
    FUNCTIONS IN SCHEMA` or `ALTER DEFAULT PRIVILEGES` without `IN SCHEMA`
    before it: PUBLIC's EXECUTE is a global default, which a per-schema
    REVOKE does not take back), or that is granted to `anon`. With the
    `supabase` option, where default privileges grant EXECUTE to `anon`
    directly, it must be revoked from `anon` as well. Trigger functions are
    skipped: they cannot be called directly.

    Not reported: SECURITY DEFINER functions in schemas the API does not
    expose (clients cannot call them through it), and trigger functions (see
    above).

    ## Why is this bad
    PostgreSQL grants EXECUTE to PUBLIC on every new function, and Supabase
    publishes functions in exposed schemas as RPC endpoints. A SECURITY
    DEFINER function there runs with its owner's rights, usually bypassing
    RLS, for anyone holding the anon key.

    ## Example
    ```sql
    create function public.tenant_stats() returns bigint
      language sql security definer set search_path = ''
      as $$ select count(*) from public.vehicles $$;
    ```

    ## Use instead
    ```sql
    revoke execute on function public.tenant_stats() from public, anon;
    grant execute on function public.tenant_stats() to authenticated;
    ```

    ## Fix safety
    Unsafe if clients call the function as `anon` today.
    """
    for function in ctx.model.functions.values():
        if not function.security_definer or function.returns in _NOT_CALLABLE:
            continue
        if not exposed(function.key, ctx.config):
            continue
        callers = {role for role in ("public", "anon") if "execute" in function.grants.get(role, ())}
        if callers:
            yield Hit(
                function.stmt,
                function.offset,
                f"SECURITY DEFINER function {label(function.key)} in exposed schema {function.key[0]} "
                f"is executable by {', '.join('PUBLIC' if r == 'public' else r for r in sorted(callers))}",
            )
