from schemac.lint.registry import Hit, rule
from schemac.lint.rules._helpers import label


@rule(
    "SC208",
    "security-definer-search-path",
    "error",
    "add `set search_path = ''` and schema-qualify every name in the body",
)
def security_definer_search_path(ctx):
    """
    ## What it does
    Reports a SECURITY DEFINER function without a pinned `search_path`
    (`SET search_path` in its definition, or a later `ALTER FUNCTION ... SET
    search_path`).

    Not reported: SECURITY INVOKER functions, which run with the caller's own
    rights, so a search_path planted by the caller gains nothing.
    `SET search_path FROM CURRENT` counts as pinned.

    ## Why is this bad
    The function runs with its owner's privileges but resolves unqualified
    names through the caller's `search_path`. A caller who can create
    objects in any schema on that path can plant a table, function or
    operator the function will use, and run code as the owner.

    ## Example
    ```sql
    create function private.handle_new_user() returns trigger
      language plpgsql security definer
      as $$ begin insert into profiles (id) values (new.id); return new; end $$;
    ```

    ## Use instead
    ```sql
    create function private.handle_new_user() returns trigger
      language plpgsql security definer set search_path = ''
      as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
    ```

    ## Fix safety
    Unsafe until every name in the body is schema-qualified: with an empty
    search_path unqualified names no longer resolve.
    """
    for function in ctx.model.functions.values():
        if function.security_definer and not function.search_path_pinned:
            yield Hit(
                function.stmt,
                function.offset,
                f"SECURITY DEFINER function {label(function.key)} does not pin search_path",
            )
