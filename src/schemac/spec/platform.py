"""What a platform provides before schemac runs: objects a spec may use but does not manage."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog.objects import QualifiedName


@dataclass(frozen=True)
class Platform:
    schemas: frozenset[str]
    # table -> (primary key columns, all columns)
    tables: dict[QualifiedName, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    functions: dict[QualifiedName, str] = field(default_factory=dict)  # name -> return type
    roles: frozenset[str] = frozenset({"public"})
    # Publications the platform creates; a spec may list tables in them, and a plan never
    # creates or drops them.
    publications: frozenset[str] = frozenset()
    # (schema, type) of the default privileges the platform gives to the role that applies a spec (on
    # Supabase, postgres; the stand-in's, to the role that installs it): a spec that manages default
    # privileges but lists no such entry takes from its roles what the platform gave them there.
    default_privileges: tuple[tuple[str, str], ...] = ()


POSTGRES = Platform(schemas=frozenset({"public", "pg_catalog", "information_schema"}))

# The parts of Supabase's surface that user schemas refer to. The local
# stand-in (templates/supabase_standin.sql) provides exactly these.
SUPABASE = Platform(
    schemas=POSTGRES.schemas | {"auth", "storage", "extensions", "realtime", "graphql", "vault"},
    tables={
        QualifiedName("auth", "users"): (
            ("id",),
            (
                "id",
                "email",
                "phone",
                "raw_user_meta_data",
                "raw_app_meta_data",
                "created_at",
                "updated_at",
                "deleted_at",
            ),
        ),
    },
    functions={
        QualifiedName("auth", "uid"): "uuid",
        QualifiedName("auth", "jwt"): "jsonb",
        QualifiedName("auth", "role"): "text",
        QualifiedName("auth", "email"): "text",
    },
    roles=frozenset({"public", "anon", "authenticated", "service_role", "postgres", "supabase_admin"}),
    publications=frozenset({"supabase_realtime"}),  # what Realtime's postgres_changes reads
    default_privileges=(("public", "tables"), ("public", "sequences"), ("public", "functions")),
)


def platform_for(flavor: str) -> Platform:
    return SUPABASE if flavor == "supabase" else POSTGRES
