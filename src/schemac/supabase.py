"""The Supabase platform as schemac sees it: the schemas it owns, and a local stand-in for its surface.

``NOT_MANAGED`` is the one list of schemas a plan never reads or touches (Citus' among them).
The stand-in (roles, auth schema, auth functions) is used only where a
database has no ``auth`` schema, so that a ``supabase`` flavored schema
applies and its policies run on a plain PostgreSQL.
"""

from __future__ import annotations

import functools

import psycopg

# schemac's own bookkeeping (the apply history).
HISTORY_SCHEMA = "schemac"

# Schemas the platform (Supabase, and the extensions it ships: pg_cron, pg_net,
# pgmq, pg_tle, ...) owns. A spec never manages them, so a plan must never read
# them as the spec's objects, nor drop what they hold. Left out whatever the
# flavor: a plain PostgreSQL with pg_cron or pgmq has the same schemas.
PLATFORM_SCHEMAS: tuple[str, ...] = (
    "_analytics",
    "_realtime",
    "_supavisor",
    "auth",
    "cron",
    "extensions",
    "graphql",
    "graphql_public",
    "net",
    "pgbouncer",
    "pgmq",
    "pgsodium",
    "pgsodium_masks",
    "pgtle",
    "realtime",
    "storage",
    "supabase_functions",
    "supabase_migrations",
    "vault",
)

# Citus' own: its schemas (its functions and views, in them and in public, and its pg_dist_*
# tables in pg_catalog, are the citus extension's, which no plan reads), the columnar access
# method's, and the shards, which Citus hides from catalog queries. A table's placement is read
# from Citus' tables as the table's (Catalog.distributions), never as objects of their own.
CITUS_SCHEMAS: tuple[str, ...] = ("citus", "citus_internal", "columnar", "columnar_internal")

NOT_MANAGED: tuple[str, ...] = tuple(sorted((HISTORY_SCHEMA, *PLATFORM_SCHEMAS, *CITUS_SCHEMAS)))

# The platform's schemas whose objects the stand-in makes (templates/supabase_standin.sql): SQL naming one of
# them needs it first.
STANDIN_SCHEMAS: tuple[str, ...] = ("auth", "realtime", "storage")
# The roles whose default privileges on a Supabase database are the platform's (FOR ROLE supabase_admin,
# or postgres when a project applies as another role): read as unmanaged, never planned.
PLATFORM_CREATORS: tuple[str, ...] = (
    "dashboard_user",
    "postgres",
    "supabase_admin",
    "supabase_auth_admin",
    "supabase_functions_admin",
    "supabase_realtime_admin",
    "supabase_storage_admin",
)


# The functions of the extensions every Supabase database has (in its schema extensions) that schemac's
# stand-ins of them leave out, because core PostgreSQL has no identical function: all of pgcrypto's but
# gen_random_uuid() (schemac imitates no cryptographic function), and uuid-ossp's time and name based UUIDs.
STANDIN_LACKS: dict[str, str] = {
    **{
        name: "pgcrypto"
        for name in (
            "armor", "crypt", "dearmor", "decrypt", "decrypt_iv", "digest", "encrypt", "encrypt_iv", "fips_mode",
            "gen_random_bytes", "gen_salt", "hmac", "pgp_armor_headers", "pgp_key_id", "pgp_pub_decrypt",
            "pgp_pub_decrypt_bytea", "pgp_pub_encrypt", "pgp_pub_encrypt_bytea", "pgp_sym_decrypt",
            "pgp_sym_decrypt_bytea", "pgp_sym_encrypt", "pgp_sym_encrypt_bytea",
        )
    },
    **{name: "uuid-ossp" for name in ("uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v3", "uuid_generate_v5")},
}  # fmt: skip


def lacking_extension(missing_function: str) -> str | None:
    """The extension (pgcrypto or uuid-ossp) whose function PostgreSQL reports missing in ``missing_function``
    (its message: 'function extensions.crypt(text, text) does not exist'), when the stand-in leaves it out."""
    words = missing_function.split(" ", 1)
    if len(words) < 2 or words[0] != "function" or "(" not in words[1]:
        return None
    return STANDIN_LACKS.get(words[1].split("(", 1)[0].rsplit(".", 1)[-1].strip('"'))


def roles_sql() -> str:
    """The stand-in's roles (anon, authenticated, service_role), made where they do not exist."""
    from .render.sql import template_dir  # the renderer is not needed to know the platform's schemas

    return (template_dir() / "supabase_roles.sql").read_text()


def standin_sql(with_roles: bool = True) -> str:
    """The stand-in: its roles (unless ``with_roles`` is false: made beforehand by a role that may), its auth
    schema and functions, its grants."""
    from .render.sql import template_dir

    rest = (template_dir() / "supabase_standin.sql").read_text()
    return roles_sql() + "\n" + rest if with_roles else rest


def has_auth_schema(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth')").fetchone()[0]


def install_standin(conn: psycopg.Connection, with_roles: bool = True) -> bool:
    """Install the stand-in unless ``auth`` exists; return whether it was installed. Without ``with_roles``,
    its roles must exist already (see :func:`roles_sql`)."""
    if has_auth_schema(conn):
        return False
    with conn.transaction():
        conn.execute(standin_sql(with_roles))
    return True


# The platform's roles for API requests: what the platform grants them on its own objects is theirs.
API_ROLES: tuple[str, ...] = ("anon", "authenticated", "service_role")


@functools.cache
def platform_grants() -> tuple[tuple[str, str, str, str], ...]:
    """What the platform grants the API roles on its own schemas, tables and functions, as the stand-in does:
    ``(kind, object, role, privileges)``, kind ``schema``/``table``/``function``, the object as
    ``to_regnamespace``/``to_regclass``/``to_regprocedure`` read it, privileges comma-separated or ``ALL``."""
    from pglast import ast, enums, parse_sql

    from .render.sql import template_dir

    kinds = {enums.ObjectType.OBJECT_SCHEMA: "schema", enums.ObjectType.OBJECT_TABLE: "table",
             enums.ObjectType.OBJECT_FUNCTION: "function"}  # fmt: skip
    out = []
    for raw in parse_sql((template_dir() / "supabase_standin.sql").read_text()):
        grant = raw.stmt
        if not (isinstance(grant, ast.GrantStmt) and grant.is_grant and grant.objtype in kinds):
            continue
        if grant.targtype != enums.GrantTargetType.ACL_TARGET_OBJECT:
            continue
        privileges = ",".join(p.priv_name.upper() for p in grant.privileges) if grant.privileges else "ALL"
        for target in grant.objects:
            if isinstance(target, ast.String):
                name = target.sval
            elif isinstance(target, ast.RangeVar):
                name = f"{target.schemaname}.{target.relname}"
            else:
                types = ", ".join(".".join(n.sval for n in t.names) for t in target.objargs or ())
                name = ".".join(n.sval for n in target.objname) + f"({types})"
            for grantee in grant.grantees:
                if grantee.rolename in API_ROLES:
                    out.append((kinds[grant.objtype], name, grantee.rolename, privileges))
    return tuple(out)
