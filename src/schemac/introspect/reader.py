"""Read a live database into a :class:`~schemac.catalog.objects.Catalog`.

One query per object kind (``queries/<kind>.sql``) for the whole database,
all in one read-only, repeatable-read transaction with a fixed
``search_path`` and fixed output settings (``queries/session.sql``), so that
two reads of equal databases print every expression, type and default the
same way. The rows become catalog objects in :mod:`.schema_objects`,
:mod:`.relations`, :mod:`.routines` and :mod:`.security`; every tuple is
sorted, so equal databases give equal catalogs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from ..catalog import kinds
from ..catalog.objects import Catalog, QualifiedName, Unmanaged
from ..supabase import NOT_MANAGED, PLATFORM_CREATORS, PLATFORM_SCHEMAS, platform_grants
from . import relations, routines, schema_objects, security, unheld  # noqa: F401 - their builders register
from .reading import BUILDERS, Reading

QUERY_DIR = Path(__file__).resolve().parent / "queries"

# Schemas a plan never reads: the platform's and schemac's own (one list, in supabase.py).
DEFAULT_EXCLUDE_SCHEMAS: tuple[str, ...] = NOT_MANAGED

# Every query of the folder but the session's settings and the server's facts, "schemas" first:
# the others read only from the schemas it returns. A new kind adds its query file here and its
# builder (reading.builds) beside the others.
QUERIES = (
    "schemas",
    *sorted(path.stem for path in QUERY_DIR.glob("*.sql") if path.stem not in ("schemas", "session", "server")),
)

Row = dict[str, Any]
# The queries whose rows are relations: what hangs off a relation (keys, indexes, policies, triggers)
# names it by oid.
RELATIONS = ("tables", "partitions", "views")


@cache
def query(kind: str) -> str:
    """The SQL of ``queries/<kind>.sql``."""
    return (QUERY_DIR / f"{kind}.sql").read_text()


@dataclass(frozen=True)
class Rows:
    """What the catalog queries returned, by kind, plus facts about the server."""

    by_kind: dict[str, list[Row]]
    major_version: int
    has_auth_schema: bool
    read_as: str | None = None  # current_user

    def __getitem__(self, kind: str) -> list[Row]:
        return self.by_kind[kind]


def _names(names: Iterable[str]) -> list[str]:
    """Schema names as a sorted list; one name given as a string is one name, not its letters."""
    return [names] if isinstance(names, str) else sorted(set(names))


def read_rows(
    conn: psycopg.Connection,
    schemas: Iterable[str] | None = None,
    exclude_schemas: Iterable[str] = DEFAULT_EXCLUDE_SCHEMAS,
) -> Rows:
    """Run every catalog query in one snapshot and return the rows.

    On an idle connection this is its own read-only, repeatable-read
    transaction; inside the caller's transaction it is a savepoint. Either
    way it is rolled back at the end, so the settings it makes never leak.
    """
    selection = {
        "schemas": None if schemas is None else _names(schemas),
        "exclude": _names(exclude_schemas),
    }
    top_level = conn.info.transaction_status == TransactionStatus.IDLE
    with conn.transaction():
        if top_level:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute(query("session"))
        with conn.cursor(row_factory=dict_row) as cur:
            server = cur.execute(query("server")).fetchone()
            # The schemas query applies the selection; every other query
            # reads only from the schemas it returned.
            by_kind = {"schemas": cur.execute(query("schemas"), selection).fetchall()}
            # And the platform's schemas not read: the project's policies and triggers on their tables are.
            platform = [name for name in selection["exclude"] if name in PLATFORM_SCHEMAS]
            namespaces = {"namespaces": [row["oid"] for row in by_kind["schemas"]], "platform": platform}
            given = platform_grants()
            for at, key in enumerate(("given_kinds", "given_objects", "given_roles", "given_privileges")):
                namespaces[key] = [row[at] for row in given]
            for kind in QUERIES[1:]:
                if kind == "distributions" and not server["has_citus"]:
                    by_kind[kind] = []
                    continue
                by_kind[kind] = cur.execute(query(kind), namespaces).fetchall()
        raise psycopg.Rollback()
    return Rows(by_kind, server["major_version"], server["has_auth_schema"], server["read_as"])


def introspect(
    conn: psycopg.Connection,
    *,
    schemas: Iterable[str] | None = None,
    exclude_schemas: Iterable[str] = DEFAULT_EXCLUDE_SCHEMAS,
    source: str = "database",
) -> Catalog:
    """The catalog of what ``conn``'s database holds that schemac manages.

    ``schemas``: only these schemas (default: every schema). ``exclude_schemas``:
    never these (default: the platform's, :data:`DEFAULT_EXCLUDE_SCHEMAS`).
    PostgreSQL's own schemas and everything an extension created are always
    left out. ``source`` becomes ``Catalog.source``. ``flavor`` is
    ``"supabase"`` when the database has an ``auth`` schema, and
    ``target_version`` is the server's major version.
    """
    return build_catalog(read_rows(conn, schemas, exclude_schemas), source)


def build_catalog(rows: Rows, source: str = "database") -> Catalog:
    """The catalog of the rows read: each slot of the kind registry from its builder (reading.BUILDERS)."""
    names = {row["oid"]: QualifiedName(row["schema"], row["name"]) for query in RELATIONS for row in rows[query]}
    platform_creators = PLATFORM_CREATORS if rows.has_auth_schema else ()
    read = Reading(rows.by_kind, security.grants(rows["grants"]), names, platform_creators)
    return Catalog(
        source=source,
        target_version=rows.major_version,
        flavor="supabase" if rows.has_auth_schema else "postgres",
        **{slot: BUILDERS[slot](read) for slot in kinds.BY_SLOT},
        unmanaged=(
            *(Unmanaged(row["kind"], row["name"], row["reason"]) for row in rows["unmanaged"]),
            # Only where the platform is: a plain database may have a schema called extensions of its own.
            *(
                Unmanaged(r["kind"], r["name"], r["reason"])
                for r in rows["platform_privileges"]
                if rows.has_auth_schema
            ),
            *security.default_privileges_unmanaged(rows["default_privileges"], platform_creators),
        ),
        unwritable=unheld.unwritable(rows["unheld"]),
        read_as=rows.read_as,
        definitions=tuple((row["object"], row["definition"]) for row in rows["definitions"]),
    )
