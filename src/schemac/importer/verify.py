"""The round trip, proved on PostgreSQL: a spec applied to an empty database reads back as the source.

Both sides are read the same way (``introspect`` with the same schemas, the
platform's left out), so the comparison is ``diff.compare`` between two
catalogs PostgreSQL printed: no change means ``schemac plan`` from a
database made by the spec to the source database is empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from .. import live, scratch, versions
from ..catalog.objects import Catalog, QualifiedName
from ..diff import changes as ch
from ..diff import compare
from ..introspect.reader import query
from ..pipeline import build_date, compile_text
from ..redact import redact


# What the spec cannot hold, by identity (as importer.common.identity and the table
# builder name it) -> why: left out of the spec, with a comment where it was.
Refused = dict[tuple, str]


def temporal_constraints(conn: psycopg.Connection, catalog: Catalog) -> Refused:
    """PostgreSQL 18's keys WITHOUT OVERLAPS and foreign keys with PERIOD, which the catalog
    reads as plain keys: the importer leaves them out and says so, rather than writing
    a key that no longer excludes overlaps."""
    if conn.info.server_version // 10000 < versions.TEMPORAL:
        return {}
    tables = {t.qname for t in catalog.tables}
    out: Refused = {}
    for row in conn.cursor(row_factory=dict_row).execute(query("periods")):
        table = QualifiedName(row["schema"], row["table"])
        if table not in tables:
            continue
        if row["type"] == "f":
            out[("fk", table, row["name"])] = (
                f"foreign key {row['name']} uses PERIOD (a temporal foreign key of "
                "PostgreSQL 18), which the spec cannot hold; left out"
            )
        else:
            kind = "primary key" if row["type"] == "p" else "unique constraint"
            out[("constraint", table, row["name"])] = (
                f"the {kind} {row['name']} is WITHOUT OVERLAPS (a temporal key of PostgreSQL 18), which the "
                "spec cannot hold; left out"
            )
    return out


def read(url: str, schemas: Sequence[str] | None = None) -> tuple[Catalog, Refused]:
    """The catalog of the database at ``url`` (only ``schemas``, when given), and what the spec cannot hold."""
    with live.connect(url) as conn:
        catalog = scratch.catalog(conn, schemas, source=redact(url))
        return catalog, temporal_constraints(conn, catalog)


def read_sql(path: Path, server_url: str, schemas: Sequence[str] | None = None) -> tuple[Catalog, Refused]:
    """The catalog an SQL file makes when built on a scratch database, and what the spec cannot hold."""
    goal = scratch.load(path)
    with scratch.built(goal, server_url) as built:
        catalog = built.catalog(schemas, source=goal.label)
        return catalog, temporal_constraints(built.conn, catalog)


def applied(text: str, server_url: str, schemas: Sequence[str] | None = None, file: str = "schema.yaml") -> Catalog:
    """The catalog of an empty database after the spec ``text`` is built and applied to it.

    Raises ``SpecError`` when the spec does not build, ``LiveError`` when its SQL does not apply.
    """
    goal = scratch.Goal.of_compiled(compile_text(text, file, build_date()), file)
    with scratch.built(goal, server_url) as built:
        return built.catalog(schemas, source=file)


def differences(source: Catalog, made: Catalog) -> list[ch.Change]:
    """What a plan from the database the spec made to the source database would change."""
    return compare(made, source)
