"""What each kind of catalog object is, in one place: how messages name it, how two
objects are matched, where a catalog holds it, the SQL keyword and name it is written
with, how it is dropped and what dropping it risks, and the dependency key it provides.

diff (matching, messages), plan (drops, the catalog of a set of objects), render
(dependency keys, comments and grants), the importer (identities) and docs read
these entries; a new kind of object is one more entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..hazards import BREAKS_CLIENTS, DATA_LOSS, WIDENS_ACCESS
from ..render.quoting import ident
from . import objects as cat
from .graph import extension_key, function_key, relation_key, schema_key, type_key
from .objects import QualifiedName

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Kind:
    cls: type
    noun: str  # in messages: 'foreign key', 'materialized view'
    slot: str  # its field of Catalog
    keyword: str  # in SQL: DROP <keyword> ..., COMMENT ON <keyword> ...
    # Objects of one tag share a namespace: an enum and a domain are both types.
    tag: str
    # How two objects of the kind are matched between catalogs (diff, importer).
    identity: Callable[[Any], Any]
    # The object in messages: 'public.notes', 'notes_pkey on public.notes', 'f(integer)'.
    name: Callable[[Any], str]
    # The object as SQL names it after its keyword, quoted: 'public.notes', 'p ON public.notes'.
    sql_name: Callable[[Any], str]
    # The dependency key the statement creating it provides, if any (catalog.graph).
    provides: Callable[[Any], str | None] = lambda obj: None
    # The relation it belongs to and is dropped with (a table's index, a partition's parent).
    on: Callable[[Any], QualifiedName] | None = None
    # What dropping it risks: a set, or a function of the object.
    drop_hazards: frozenset[str] | Callable[[Any], frozenset[str]] = _NONE
    # GRANT ... ON <grant_keyword>: a view is granted on as a TABLE.
    grant_keyword: str | None = None
    # For kinds that share a class: whether ``obj`` is of this one.
    applies: Callable[[Any], bool] = lambda obj: True

    def hazards_of_drop(self, obj: Any) -> frozenset[str]:
        return self.drop_hazards(obj) if callable(self.drop_hazards) else self.drop_hazards

    def drop(self, obj: Any) -> tuple:
        """The drop statement as a macro of changes.sql.j2 and its arguments."""
        if self.cls is cat.ForeignKey:
            return ("drop_constraint", obj.table, obj.name)
        return ("drop", self.keyword, self.sql_name(obj))


def _qname(obj: Any) -> QualifiedName:
    return obj.qname


def _name(obj: Any) -> str:
    return obj.name


def _qualified(obj: Any) -> str:
    return str(obj.qname)


def _on_table(obj: Any) -> tuple[QualifiedName, str]:
    return (obj.table, obj.name)


def _named_on_table(obj: Any) -> str:
    return f"{obj.name} on {obj.table}"


def _sql_on_table(obj: Any) -> str:
    return f"{ident(obj.name)} ON {ident(obj.table)}"


def _sql_qname(obj: Any) -> str:
    return ident(obj.qname)


def _sql_name(obj: Any) -> str:
    return ident(obj.name)


def _function_name(function: cat.Function) -> str:
    return f"{function.qname}({function.signature})"


def _function_sql_name(function: cat.Function) -> str:
    return f"{ident(function.qname)}({function.signature})"


def _table_of(obj: Any) -> QualifiedName:
    return obj.table


def _relation(obj: Any) -> str:
    return relation_key(obj.qname)


_ROWS = frozenset({DATA_LOSS, BREAKS_CLIENTS})  # what it holds goes with it
_USED = frozenset({BREAKS_CLIENTS})  # clients name it


SCHEMA = Kind(cat.Schema, "schema", "schemas", "SCHEMA", "schema", _name, _name, _sql_name,
              provides=lambda s: schema_key(s.name), drop_hazards=_USED, grant_keyword="SCHEMA")
EXTENSION = Kind(cat.Extension, "extension", "extensions", "EXTENSION", "extension", _name, _name, _sql_name,
                 provides=lambda e: extension_key(e.name))
ENUM = Kind(cat.Enum, "enum", "enums", "TYPE", "type", _qname, _qualified, _sql_qname,
            provides=lambda e: type_key(e.qname), drop_hazards=_USED)
DOMAIN = Kind(cat.Domain, "domain", "domains", "DOMAIN", "type", _qname, _qualified, _sql_qname,
              provides=lambda d: type_key(d.qname), drop_hazards=_USED)
SEQUENCE = Kind(cat.Sequence, "sequence", "sequences", "SEQUENCE", "sequence", _qname, _qualified, _sql_qname,
                provides=_relation, drop_hazards=_ROWS, grant_keyword="SEQUENCE")
TABLE = Kind(cat.Table, "table", "tables", "TABLE", "table", _qname, _qualified, _sql_qname,
             provides=_relation, drop_hazards=_ROWS, grant_keyword="TABLE")
PARTITION = Kind(cat.Partition, "partition", "partitions", "TABLE", "partition", _qname, _qualified, _sql_qname,
                 provides=_relation, on=lambda p: p.parent, drop_hazards=_ROWS)
FOREIGN_KEY = Kind(cat.ForeignKey, "foreign key", "foreign_keys", "CONSTRAINT", "fk", _on_table, _named_on_table,
                   _sql_on_table, on=_table_of)
INDEX = Kind(cat.Index, "index", "indexes", "INDEX", "index", lambda i: (i.table.schema, i.name), _named_on_table,
             lambda i: ident(QualifiedName(i.table.schema, i.name)),
             provides=lambda i: relation_key(QualifiedName(i.table.schema, i.name)), on=_table_of)
POLICY = Kind(cat.Policy, "policy", "policies", "POLICY", "policy", _on_table, _named_on_table, _sql_on_table,
              on=_table_of, drop_hazards=lambda p: _NONE if p.permissive else frozenset({WIDENS_ACCESS}))
TRIGGER = Kind(cat.Trigger, "trigger", "triggers", "TRIGGER", "trigger", _on_table, _named_on_table, _sql_on_table,
               on=_table_of)
VIEW = Kind(cat.View, "view", "views", "VIEW", "view", _qname, _qualified, _sql_qname, provides=_relation,
            drop_hazards=_USED, grant_keyword="TABLE", applies=lambda v: not v.materialized)
MATERIALIZED_VIEW = Kind(cat.View, "materialized view", "views", "MATERIALIZED VIEW", "view", _qname, _qualified, _sql_qname,
                         provides=_relation, drop_hazards=_USED, grant_keyword="TABLE", applies=lambda v: v.materialized)
FUNCTION = Kind(cat.Function, "function", "functions", "FUNCTION", "function", lambda f: (f.qname, f.signature),
                _function_name, _function_sql_name, provides=lambda f: function_key(f.qname), drop_hazards=_USED,
                grant_keyword="FUNCTION")

KINDS = (SCHEMA, EXTENSION, ENUM, DOMAIN, SEQUENCE, TABLE, PARTITION, FOREIGN_KEY, INDEX, POLICY, TRIGGER, VIEW,
         MATERIALIZED_VIEW, FUNCTION)

_BY_CLASS: dict[type, tuple[Kind, ...]] = {}
for _kind in KINDS:
    _BY_CLASS[_kind.cls] = (*_BY_CLASS.get(_kind.cls, ()), _kind)


def of(obj: Any) -> Kind:
    """The kind of a catalog object."""
    candidates = _BY_CLASS[type(obj)]
    return candidates[0] if len(candidates) == 1 else next(k for k in candidates if k.applies(obj))


def catalog_of(objects: Any, **fields: Any) -> cat.Catalog:
    """A catalog holding just ``objects`` (each in its kind's slot), in their order."""
    slots: dict[str, list[Any]] = {}
    for obj in objects:
        slots.setdefault(of(obj).slot, []).append(obj)
    return cat.Catalog(**fields, **{slot: tuple(items) for slot, items in slots.items()})
