"""The round trip, proved on PostgreSQL: a spec applied to an empty database reads back as the source.

Both sides are read the same way (``introspect`` with the same schemas, the
platform's left out), so the comparison is ``diff.compare`` between two
catalogs PostgreSQL printed: no change means ``schemac plan`` from a
database made by the spec to the source database is empty. Then each object's
definition as PostgreSQL prints it is compared too (``introspect.definitions``):
what the catalog does not model yet is lost in the round trip just the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path


from .. import live, scratch
from ..catalog.objects import Catalog
from ..diff import changes as ch
from ..diff import compare, for_spec, partitions_own_left_alone
from ..diff.unheld import without_listed
from ..introspect.definitions import Unmodelled, unmodelled
from ..pipeline import build_date, compile_text
from ..redact import redact


def read(url: str, schemas: Sequence[str] | None = None) -> tuple[Catalog, scratch.TargetFacts]:
    """The catalog of the database at ``url`` (only ``schemas``, when given), as a plan to a spec reads it: what
    a spec cannot write named as not managed instead (``diff.for_spec``); and what a spec imported from it
    relies on there (see ``scratch.built``). One session reads both."""
    with live.connect(url) as conn:
        return for_spec(scratch.catalog(conn, schemas, source=redact(url))), scratch.target_facts(conn)


def read_sql(path: Path, server_url: str, schemas: Sequence[str] | None = None) -> tuple[Catalog, scratch.TargetFacts]:
    """The catalog an SQL file makes when built on a scratch database, and what a spec imported from it relies
    on there, as :func:`target_facts` reads a database: the collations the file made (its search_path is the
    scratch database's, which the spec's is too)."""
    goal = scratch.load(path)
    with scratch.built(goal, server_url) as built:
        facts = scratch.target_facts(built.conn)
        return for_spec(built.catalog(schemas, source=goal.label)), scratch.TargetFacts(facts.collations)


def applied(
    text: str,
    server_url: str,
    schemas: Sequence[str] | None = None,
    file: str = "schema.yaml",
    target: scratch.TargetFacts | None = None,
) -> Catalog:
    """The catalog of an empty database after the spec ``text`` is built and applied to it (``target``: what
    the spec relies on in the source database: see ``scratch.built``).

    Raises ``SpecError`` when the spec does not build, ``LiveError`` when its SQL does not apply.
    """
    goal = scratch.Goal.of_compiled(compile_text(text, file, build_date()), file)
    with scratch.built(goal, server_url, target=target) as built:
        return replace(built.catalog(schemas, source=file), leave_alone=goal.leave_alone)


def differences(source: Catalog, made: Catalog) -> list[ch.Change | Unmodelled]:
    """What a plan from the database the spec made to the source database would change, but for the triggers
    a partition of the source has of its own, which the spec cannot make and a plan to it leaves alone, and
    what the spec's leave_alone names (``made.leave_alone``), which a plan to the spec leaves alone too; when
    nothing, the objects whose definitions still differ where the catalog does not look."""
    source, made = without_listed(partitions_own_left_alone(source, made), made.leave_alone), without_listed(made)
    return compare(made, source) or unmodelled(source, made)
