from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import exposed, label


@rule("SC201", "rls-disabled", "error", "alter table ... enable row level security (and force it), then add policies")
def rls_disabled(ctx):
    """
    ## What it does
    Reports a table in an exposed schema (`public` by default; the
    `exposed_schemas` option) on which row level security is never enabled.
    Partitions count: a partition can be queried directly, and then only its
    own RLS applies.

    Not reported: tables in schemas the API does not expose, which clients
    cannot reach, and tables the linted SQL only alters. A table that has
    policies is left to `policy-without-rls`, which says the same thing with the policies it names (one finding per table); this
    rule reports it only when that one is not selected.

    ## Why is this bad
    Supabase's Data API (PostgREST) serves every table in an exposed schema
    to the `anon` and `authenticated` roles. Without RLS every row is
    readable, and usually writable, by anyone holding the public anon key.

    ## Example
    ```sql
    create table public.vehicles (id uuid primary key, tenant_id uuid not null);
    ```

    ## Use instead
    ```sql
    create table public.vehicles (id uuid primary key, tenant_id uuid not null);
    alter table public.vehicles enable row level security;
    alter table public.vehicles force row level security;
    ```

    ## Fix safety
    Unsafe until policies exist: enabling RLS with no policy denies every
    row to every role that does not bypass RLS.
    """
    leave_to_policies = ctx.reported_by("policy-without-rls")
    for table in ctx.model.known_tables():
        if table.policies and leave_to_policies:
            continue
        if exposed(table.key, ctx.config) and not table.rls_enabled:
            what = "partition" if table.parent else "table"
            yield Hit(
                table.stmt,
                table.offset,
                f"{what} {label(table.key)} is in exposed schema {table.key[0]} without row level security",
            )
