"""The kind registry (catalog/kinds.py): every catalog slot has its kinds, every object of a
spec finds its kind, and what the registry writes for an object is SQL that parses."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
from pglast import parser

from schemac.catalog import kinds
from schemac.catalog.objects import Catalog
from schemac.diff import changes as ch
from schemac.introspect.reader import BUILDERS
from schemac.pipeline import compile_text
from schemac.plan import drop_sql
from schemac.plan.alters import alter_steps
from schemac.render.sql import STATEMENTS_BY_SLOT, statements
from schemac.spec.models import Spec

SPECS = Path(__file__).parent / "specs" / "valid"
EVERY_KIND = SPECS / "every_kind.yaml"
# Catalog fields that hold objects, not facts about the catalog. What a database holds that
# schemac does not model (unmanaged) is only named, never planned; unwritable names objects of the slots, and so
# does a spec's leave_alone.
OBJECT_SLOTS = {f.name for f in fields(Catalog)} - {
    "source",
    "target_version",
    "flavor",
    "privileges",
    "unmanaged",
    "unwritable",
    "leave_alone",
    "read_as",
    "definitions",  # each object as PostgreSQL prints it (introspect.definitions), not objects of its own
}


def _catalog(path: Path) -> Catalog:
    return compile_text(path.read_text(), path.name, date(2026, 11, 26)).catalog


def _objects(catalog: Catalog) -> list:
    return [obj for slot in sorted(OBJECT_SLOTS) for obj in getattr(catalog, slot)]


def test_every_slot_of_the_catalog_has_a_kind_and_every_kind_a_slot() -> None:
    slots = {kind.slot for kind in kinds.KINDS}
    assert OBJECT_SLOTS <= slots, (
        f"Catalog fields without a kind: {OBJECT_SLOTS - slots}; add entries to catalog/kinds.py"
    )
    assert slots <= OBJECT_SLOTS, f"kinds whose slot is not a field of Catalog: {slots - OBJECT_SLOTS}"


def test_every_slot_is_rendered_and_kinds_that_share_a_slot_match_objects_alike() -> None:
    assert set(STATEMENTS_BY_SLOT) == OBJECT_SLOTS, (
        f"slots render/sql.py does not write: {OBJECT_SLOTS - set(STATEMENTS_BY_SLOT)}; "
        f"slots it writes that Catalog lacks: {set(STATEMENTS_BY_SLOT) - OBJECT_SLOTS}"
    )
    # compare matches a slot's objects by the identity of its first kind.
    catalog = _catalog(EVERY_KIND)
    for slot in OBJECT_SLOTS:
        sharing = [kind for kind in kinds.KINDS if kind.slot == slot]
        for obj in getattr(catalog, slot):
            assert {kind.identity(obj) for kind in sharing} == {kinds.of(obj).identity(obj)}


def test_every_slot_is_read_from_a_database() -> None:
    assert set(BUILDERS) == OBJECT_SLOTS, (
        f"slots no introspect builder reads: {OBJECT_SLOTS - set(BUILDERS)} (register one with reading.builds); "
        f"builders of slots Catalog lacks: {set(BUILDERS) - OBJECT_SLOTS}"
    )


def test_every_section_a_kind_names_is_a_section_of_the_spec() -> None:
    sections = [kind.section for kind in kinds.KINDS if kind.section]
    assert len(sections) == len(set(sections)), "two kinds name one section"
    assert set(sections) <= set(Spec.model_fields), set(sections) - set(Spec.model_fields)


def test_the_statement_creating_an_object_provides_the_dependency_key_of_its_kind() -> None:
    """What other statements require by a kind's key (kinds.RELATIONS.key(name), ...) is what the
    statement creating the object provides; every kind with a key is seen creating an object."""
    provided: set[str] = set()
    for path in [*sorted(SPECS.glob("*.yaml")), SPECS.parent / "citus" / "reference.yaml"]:
        for statement in statements(_catalog(path)):
            if statement.source is not None and statement.provides is not None:
                kind = kinds.of(statement.source)
                assert statement.provides == kind.provides(statement.source), statement.label
                provided.add(kind.noun)
    assert provided == {kind.noun for kind in kinds.KINDS if kind.namespace}


def test_kinds_that_share_a_class_tell_their_objects_apart() -> None:
    catalog = _catalog(EVERY_KIND)
    views = {kinds.of(v).noun: v for v in catalog.views}
    assert set(views) == {"view", "materialized view"}
    assert kinds.of(views["materialized view"]).keyword == "MATERIALIZED VIEW"
    assert kinds.of(views["view"]).keyword == "VIEW"


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_object_sits_in_its_kinds_slot_under_a_unique_identity(path: Path) -> None:
    catalog = _catalog(path)
    seen: dict[tuple, object] = {}
    for slot in OBJECT_SLOTS:
        for obj in getattr(catalog, slot):
            kind = kinds.of(obj)
            assert kind.slot == slot
            key = (kind.tag, kind.identity(obj))
            assert key not in seen, f"{kind.noun} {kind.name(obj)} shares its identity with {seen[key]}"
            seen[key] = obj
    rebuilt = kinds.catalog_of(_objects(catalog))
    for slot in OBJECT_SLOTS:
        assert getattr(rebuilt, slot) == getattr(catalog, slot)


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_drop_comment_and_grant_statements_of_every_object_parse(path: Path) -> None:
    for obj in _objects(_catalog(path)):
        kind = kinds.of(obj)
        parser.parse_sql(drop_sql(obj))
        if not kind.commented:
            continue
        [(_, comment)] = alter_steps(ch.SetComment(obj, "it's documented"), set())
        assert comment.sql.startswith(f"COMMENT ON {kind.keyword} {kind.sql_name(obj)} IS 'it''s documented'")
        parser.parse_sql(comment.sql)
        if kind.grant_keyword:
            [(_, grant)] = alter_steps(ch.ChangeGrants(obj, "reader", ("select",), ()), set())
            parser.parse_sql(grant.sql)
            assert grant.change.describe() == f"grant select on {kind.sql_name(obj)} for reader"
