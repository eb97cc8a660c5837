"""The round trip, proved on PostgreSQL: a spec applied to an empty database reads back as the source.

Both sides are read the same way (``introspect`` with the same schemas, the
platform's left out), so the comparison is ``diff.compare`` between two
catalogs PostgreSQL printed: no change means ``schemac plan`` from a
database made by the spec to the source database is empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .. import devdb, live
from ..catalog.objects import Catalog
from ..diff import changes as ch
from ..diff import compare
from ..introspect import introspect
from ..pipeline import build_date, compile_text
from ..supabase import install_standin


@contextmanager
def server(dev_db: str | None) -> Iterator[str]:
    """The URL of a server to make scratch databases on: ``dev_db``, or an embedded PostgreSQL for the duration."""
    if dev_db:
        yield dev_db
        return
    try:
        cluster = devdb.Cluster()
    except devdb.DevDBError as exc:
        raise live.LiveError(f"{exc}; give a PostgreSQL server to work in with --dev-db URL") from None
    with cluster:
        yield cluster.url()


def read(url: str, schemas: Sequence[str] | None = None) -> Catalog:
    """The catalog of the database at ``url`` (only ``schemas``, when given)."""
    with live.connect(url) as conn:
        return introspect(conn, schemas=schemas or None, exclude_schemas=live.NOT_MANAGED, source=live.redact(url))


def read_sql(path: Path, server_url: str, schemas: Sequence[str] | None = None) -> Catalog:
    """The catalog an SQL file makes when run on an empty database (with the Supabase stand-in if it uses auth)."""
    try:
        script = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise live.LiveError(f"cannot read {path}: {exc}") from None
    with live.scratch_database(server_url) as url, live.connect(url) as conn:
        if live.uses_auth(script):
            install_standin(conn)
        live.apply_script(conn, script, str(path))
        catalog = introspect(conn, schemas=schemas or None, exclude_schemas=live.NOT_MANAGED, source=str(path))
    return catalog


def applied(text: str, server_url: str, schemas: Sequence[str] | None = None, file: str = "schema.yaml") -> Catalog:
    """The catalog of an empty database after the spec ``text`` is built and applied to it.

    Raises ``SpecError`` when the spec does not build, ``LiveError`` when its SQL does not apply.
    """
    compiled = compile_text(text, file, build_date())
    with live.scratch_database(server_url) as url, live.connect(url) as conn:
        if compiled.catalog.flavor == "supabase":
            install_standin(conn)
        live.apply_script(conn, compiled.sql, file)
        return introspect(conn, schemas=schemas or None, exclude_schemas=live.NOT_MANAGED, source=file)


def differences(source: Catalog, made: Catalog) -> list[ch.Change]:
    """What a plan from the database the spec made to the source database would change."""
    return compare(made, source)
