from schemac.lint.privileges import holds
from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._policies import SESSION_ROLES, bypass_roles
from schemac.lint.tree import func_name, names_key, walk


@rule(
    "SC214",
    "policy-function-not-executable",
    "error",
    "grant execute on the function to the policy's roles",
)
def policy_function_not_executable(ctx):
    """
    ## What it does
    Reports a call, in a policy's `USING` or `WITH CHECK` (subqueries
    included), to a function created in the linted SQL that one of the
    policy's roles cannot EXECUTE: its EXECUTE was revoked from PUBLIC (by
    `REVOKE`, or by global `ALTER DEFAULT PRIVILEGES` before it was
    created) and not granted to the role, to a role it is a member of, or,
    with the `supabase` option, left to the API roles by the platform's
    default privileges on functions in `public`. For a policy `TO public`,
    the roles it is checked for are those holding the command's privilege
    on the table. SECURITY DEFINER makes no difference: it changes whose
    rights the body runs with, not who may call it.

    Not reported: roles that bypass row level security (the
    `bypass_rls_roles` option: the policy is never evaluated for them),
    roles that hold no privilege for the policy's command on the table
    (`policy-without-privilege` reports that; the policy never runs for
    them), functions created outside the linted SQL, and policies `TO
    public` on a table whose privileges the linted SQL does not tell (see
    `policy-without-privilege`). `USAGE` on the function's schema, which
    the caller needs as well, is not checked.

    ## Why is this bad
    The policy's expression runs with the rights of the user running the
    query. If that user may not execute a function in it, every query the
    policy applies to fails with "permission denied for function", rather
    than returning the rows the user may see. A revoke meant to hide a
    helper from the API breaks every read of the table.

    ## Example
    ```sql
    create function private.is_member(t uuid) returns boolean
      language sql stable security definer set search_path = ''
      as $$ select exists (select 1 from public.memberships m where m.tenant_id = t and m.user_id = auth.uid()) $$;
    revoke execute on function private.is_member(uuid) from public;
    create policy documents_read on documents for select to authenticated
      using ((select private.is_member(tenant_id)));
    ```

    ## Use instead
    ```sql
    revoke execute on function private.is_member(uuid) from public;
    grant execute on function private.is_member(uuid) to authenticated;
    ```

    ## Fix safety
    Safe: the grant lets the role call the function, which it already
    tried to do through the policy. A SECURITY DEFINER function becomes
    callable directly too; make sure that is harmless.
    """
    model = ctx.model
    restricted = {key: f for key, f in model.functions.items() if "execute" not in f.grants.get("public", ())}
    bypassing = bypass_roles(ctx)
    # roles -> {function key: the roles that may not execute it}; only a policy
    # whose roles are refused some function needs its expressions walked
    refusals: dict[tuple[str, ...], dict] = {}
    for table in model.tables.values():
        for policy in table.policies:
            roles = tuple(_roles_checked(ctx, table, policy, bypassing)) if restricted else ()
            if roles not in refusals:
                refusals[roles] = {
                    key: refused
                    for key, function in restricted.items()
                    if (refused := [r for r in roles if not holds(model, function.grants, r, {"execute"})])
                }
            refused_by_function = refusals[roles]
            if not refused_by_function:
                continue
            seen = set()
            for expr in (policy.using, policy.check):
                for kind, call in walk(expr):
                    key = names_key(call.get("funcname")) if kind == "FuncCall" else None
                    if key not in refused_by_function or key in seen:
                        continue
                    seen.add(key)
                    names = ", ".join("PUBLIC" if role == "public" else role for role in refused_by_function[key])
                    yield Hit(
                        policy.stmt,
                        policy.stmt.at(call.get("location")),
                        f"policy {policy.name} on {label(table.key)} calls {func_name(call)}(), "
                        f"which {names} may not execute: every {policy.command} under the policy "
                        f"fails with permission denied",
                    )


def _roles_checked(ctx, table, policy, bypassing: frozenset[str]) -> list[str]:
    """The policy's roles the expression runs for: not bypassing row level
    security, and passing the table's privilege check when its privileges are known."""
    roles = [role for role in policy.roles if role not in bypassing]
    if SESSION_ROLES & set(roles):
        return []
    if not (table.known and table.privileges_known):
        return [] if "public" in roles else roles
    needed = set(policy.commands())
    if "public" in roles:
        return sorted(r for r, held in table.privileges.items() if held & needed and r not in bypassing)
    return [role for role in roles if holds(ctx.model, table.privileges, role, needed)]
