from schemac.lint.privileges import holds, members_of
from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label
from schemac.lint.rules._policies import SESSION_ROLES, bypass_roles


@rule(
    "SC213",
    "policy-without-privilege",
    "warning",
    "grant the command's privilege to the policy's roles, or drop the policy",
)
def policy_without_privilege(ctx):
    """
    ## What it does
    Reports a policy whose roles hold no privilege for its command on the
    table (`UPDATE` for a `for update` policy; any of `SELECT`, `INSERT`,
    `UPDATE`, `DELETE` for a `for all` one), after the linted SQL's
    `GRANT`, `REVOKE` and `ALTER DEFAULT PRIVILEGES`, and with the
    `supabase` option the platform's default privileges (every privilege on
    new tables in `public` to `anon`, `authenticated` and `service_role`).
    A role holds a privilege granted to it, to PUBLIC, or to a role it is a
    member of; a policy for a role also applies to the role's members, so a
    member holding the privilege keeps the policy alive.

    Not reported: tables created outside the linted SQL, and tables whose
    privileges it never mentions (no `GRANT` or `REVOKE` on them, no
    `ALTER DEFAULT PRIVILEGES ... ON TABLES` before them, no `supabase`
    option): their grants are taken to be managed elsewhere. Nor policies `TO public` (they apply to every role, and some
    role may hold the privilege), policies whose roles include
    `current_user` or `session_user`, roles that bypass row level security
    (the `bypass_rls_roles` option: their policies are never used), and a
    policy for several roles of which one holds the privilege. Column
    grants (`grant update (title) on ...`) count as the privilege.

    ## Why is this bad
    PostgreSQL checks the table privilege before it applies row level
    security: a command the role may not run fails with "permission
    denied for table" and no policy is ever consulted. The policy can
    never apply. Usually the grant was forgotten (the feature the policy
    was written for does not work), or the policy is dead and misleads
    whoever reads it about what the role can do.

    ## Example
    ```sql
    create table documents (id bigint primary key, tenant_id uuid not null, title text);
    alter table documents enable row level security;
    grant select on documents to authenticated;
    create policy documents_update on documents for update to authenticated
      using (tenant_id = (select private.current_tenant_id()));
    ```

    ## Use instead
    ```sql
    grant select, update on documents to authenticated;
    ```

    ## Fix safety
    Granting is unsafe until the policy has been reviewed: it starts to
    admit the rows it describes. Dropping a dead policy is safe.
    """
    bypassing = bypass_roles(ctx)
    model = ctx.model
    for table in model.known_tables():
        if not table.privileges_known:
            continue
        for policy in table.policies:
            roles = [role for role in policy.roles if role not in bypassing]
            if not roles or "public" in roles or SESSION_ROLES & set(roles):
                continue
            needed = set(policy.commands())
            if any(_reachable(ctx, table, role, needed) for role in roles):
                continue
            privilege = " or ".join(p.upper() for p in policy.commands())
            yield Hit(
                policy.stmt,
                policy.offset,
                f"policy {policy.name} on {label(table.key)} is for {policy.command} to {', '.join(roles)}, "
                f"which {'hold' if len(roles) > 1 else 'holds'} no {privilege} privilege on it: PostgreSQL refuses the command before any policy applies",
            )


def _reachable(ctx, table, role: str, needed: set[str]) -> bool:
    """Can ``role``, or a member of it (the policy applies to members too), run one of the commands?"""
    members = members_of(ctx.model, role)
    return table.owner in members or any(holds(ctx.model, table.privileges, m, needed) for m in members)
