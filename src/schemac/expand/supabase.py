"""signup (Supabase): every new auth user gets its profile row.

``conventions.signup: {table: profiles, columns: {email: email}}`` generates

- ``<schema>.handle_new_user()``, a SECURITY DEFINER trigger function with
  ``search_path`` pinned to ``''``, that inserts the profile (its primary key
  from ``auth.users.id``, and each listed column from a column of
  ``auth.users``, or from a key of ``raw_user_meta_data`` /
  ``raw_app_meta_data`` written ``raw_user_meta_data.full_name``), skipping a
  profile that already exists;
- EXECUTE on it revoked from PUBLIC, anon and authenticated: only the
  trigger runs it;
- the trigger ``on_auth_user_created``, AFTER INSERT on ``auth.users``.

The function runs as its owner, so the profile is written whatever the
profile table's policies say; on Supabase the owner is ``postgres``, which
bypasses row level security.
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..render.quoting import ident, literal
from ..spec import models as m
from ..spec.names import split_qualified, suggest
from ..spec.platform import SUPABASE
from .common import Draft, Issues, function_body, helper

AUTH_USERS = QualifiedName("auth", "users")
JSON_COLUMNS = ("raw_user_meta_data", "raw_app_meta_data")


def signup(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    convention = spec.conventions.signup_workflow
    if convention is None:
        return catalog
    issues = Issues()
    path = ("conventions", "signup")
    if spec.target.flavor != "supabase":
        issues.add(
            path,
            "the sign-up workflow creates profiles for Supabase's auth.users; it needs target: {flavor: supabase}",
            key=True,
        )
        issues.raise_if_any(catalog)
    draft = Draft(catalog)
    parts = split_qualified(convention.table)
    table = draft.table(QualifiedName(*parts)) if parts else None
    if table is None:
        known = [t.qname.name if t.qname.schema == "public" else str(t.qname) for t in catalog.tables]
        issues.add(path + ("table",), f"unknown table '{convention.table}'{suggest(convention.table, known)}")
        issues.raise_if_any(catalog)
    if not table.primary_key or len(table.primary_key.columns) != 1:
        issues.add(
            path + ("table",),
            f"table '{table.qname.name}' needs a one-column primary key to hold the "
            "user's id (id uuid primary key references auth.users)",
        )
        issues.raise_if_any(catalog)
    key = table.primary_key.columns[0]
    users = SUPABASE.tables[AUTH_USERS][1]
    columns = [key]
    values = ["new.id"]
    names = [c.name for c in table.columns]
    for column, source in convention.columns.items():
        if column not in names:
            issues.add(
                path + ("columns", column),
                f"table '{table.qname.name}' has no column '{column}'{suggest(column, names)}",
                key=True,
            )
            continue
        if column == key:
            issues.add(
                path + ("columns", column), f"'{column}' is the primary key; it is always auth.users.id", key=True
            )
            continue
        head, _, field = source.partition(".")
        if head not in users or (field and head not in JSON_COLUMNS):
            choices = [*users, *(f"{c}.<key>" for c in JSON_COLUMNS)]
            issues.add(
                path + ("columns", column),
                f"'{source}' is not a column of auth.users{suggest(source, choices)}; "
                f"write a column ({', '.join(users[:3])}, ...) or "
                "raw_user_meta_data.<key>",
            )
            continue
        columns.append(column)
        values.append(f"new.{ident(head)} ->> {literal(field)}" if field else f"new.{ident(head)}")
    issues.raise_if_any(catalog)

    function = helper(spec, "handle_new_user")
    draft.ensure_schema(function.schema)
    draft.add_function(
        cat.Function(
            function,
            (),
            "trigger",
            "plpgsql",
            function_body("handle_new_user", table=table.qname, columns=columns, values=values, key=key),
            security_definer=True,
            search_path="''",
            grants=(cat.Grant(("execute",), ("public", "anon", "authenticated"), revoke=True),),
            comment=f"Creates the {table.qname.name} row of every new auth user (sign-up convention).",
        )
    )
    draft.triggers.append(cat.Trigger("on_auth_user_created", AUTH_USERS, function, "after", ("insert",)))
    return draft.done()
