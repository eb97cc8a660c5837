"""What each kind of catalog object is, in one place: how messages name it, how two
objects are matched, where a catalog holds it and where the spec writes it, the SQL
keyword and name it is written with, how it is dropped and what dropping it risks, and
the dependency key it provides; and, by its place in ``KINDS``, where a script creates it.

diff (matching, messages, the kinds compared on their own), plan (drops, the catalog of
a set of objects), render (the order of the script, dependency keys, comments and
grants), the importer (identities, sections, what hangs off a table) and docs read
these entries; a new kind of object is one more entry here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..hazards import BREAKS_CLIENTS, DATA_LOSS, LONG_LOCK, TABLE_REWRITE, WIDENS_ACCESS
from ..render.quoting import ident
from . import objects as cat
from .objects import QualifiedName

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Namespace:
    """Names PostgreSQL resolves alike, and the dependency keys (catalog.graph) of the statements that
    create and name them: 'rel:public.notes'. Kinds share one where PostgreSQL does: a table, a view,
    a sequence and an index are all relations, so a name read from SQL is one key whichever it is."""

    prefix: str

    def key(self, name: QualifiedName | str) -> str:
        return f"{self.prefix}:{name}"


RELATIONS = Namespace("rel")
ROUTINES = Namespace("fn")  # functions, procedures and aggregates
TYPES = Namespace("type")  # enums, domains and composite types


@dataclass(frozen=True)
class Kind:
    cls: type
    noun: str  # in messages: 'foreign key', 'materialized view'
    slot: str  # its field of Catalog
    keyword: str  # in SQL: DROP <keyword> ..., COMMENT ON <keyword> ...
    # Objects of one tag are told apart by their identity alone: an enum and a domain are both types.
    tag: str
    # How two objects of the kind are matched between catalogs (diff, importer).
    identity: Callable[[Any], Any]
    # The object in messages: 'public.notes', 'notes_pkey on public.notes', 'f(integer)'.
    name: Callable[[Any], str]
    # The object as SQL names it after its keyword, quoted: 'public.notes', 'p ON public.notes'.
    sql_name: Callable[[Any], str]
    # The namespace of the dependency key the statement creating it provides, if it provides one,
    # and the name that key is of.
    namespace: Namespace | None = None
    keyed: Callable[[Any], Any] = lambda obj: obj.qname
    # The relations it belongs to and is dropped with, the one it is declared on first
    # (an index's table; a foreign key's table and the table it references).
    on: Callable[[Any], tuple[QualifiedName, ...]] | None = None
    # What dropping it risks: a set, or a function of the object (why each: plan/hazards.py).
    drop_hazards: frozenset[str] | Callable[[Any], frozenset[str]] = _NONE
    # GRANT ... ON <grant_keyword>: a view is granted on as a TABLE.
    grant_keyword: str | None = None
    # A drop statement other than DROP <keyword> <sql_name>: (macro of changes.sql.j2, arguments).
    dropped_by: Callable[[Any], tuple] | None = None
    # For kinds that share a class: whether ``obj`` is of this one.
    applies: Callable[[Any], bool] = lambda obj: True
    # The spec's section that holds the kind's objects by name (a field of spec.models.Spec), if it has one;
    # an index, a key, a policy, ... is written under its table.
    section: str | None = None
    # The object after GRANT ... ON <grant_keyword>, when not its sql_name: an aggregate of no
    # arguments is agg(*) to DROP and COMMENT ON, agg() to GRANT.
    grant_name: Callable[[Any], str] | None = None

    def granted_as(self, obj: Any) -> str:
        return self.grant_name(obj) if self.grant_name else self.sql_name(obj)

    # Whether COMMENT ON takes it.
    commented: bool = True

    def key(self, name: QualifiedName | str) -> str:
        """The dependency key of the object of this kind called ``name``."""
        assert self.namespace is not None, f"a {self.noun} provides no dependency key"
        return self.namespace.key(name)

    def provides(self, obj: Any) -> str | None:
        """The dependency key the statement creating ``obj`` provides, if any."""
        return self.namespace.key(self.keyed(obj)) if self.namespace else None

    def hazards_of_drop(self, obj: Any) -> frozenset[str]:
        return self.drop_hazards(obj) if callable(self.drop_hazards) else self.drop_hazards

    def drop(self, obj: Any) -> tuple:
        """The drop statement: a macro of changes.sql.j2 and its arguments."""
        return self.dropped_by(obj) if self.dropped_by else ("drop", self.keyword, self.sql_name(obj))


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


def constraint_sql_name(on: QualifiedName, name: str, domain: bool = False) -> str:
    """A constraint of a table, or of a domain, as COMMENT ON CONSTRAINT names it: ``"c" ON "public"."t"``,
    ``"c" ON DOMAIN "public"."d"``."""
    return f"{ident(name)} ON {'DOMAIN ' if domain else ''}{ident(on)}"


def _sql_qname(obj: Any) -> str:
    return ident(obj.qname)


def _sql_name(obj: Any) -> str:
    return ident(obj.name)


def _function_name(function: cat.Function) -> str:
    return f"{function.qname}({function.signature})"


def _function_sql_name(function: cat.Function) -> str:
    return f"{ident(function.qname)}({function.signature})"


def trigger_state(trigger: cat.Trigger) -> str:
    """``disable trigger t on public.x``, ``enable always trigger ...``: a trigger's enabled state, as an action."""
    verb = {"origin": "enable", "always": "enable always", "replica": "enable replica", "disabled": "disable"}
    return f"{verb[trigger.enabled]} trigger {trigger.name} on {trigger.table}"


def _table_of(obj: Any) -> tuple[QualifiedName, ...]:
    return (obj.table,)


def _index_qname(index: cat.Index) -> QualifiedName:
    """An index lives in its table's schema."""
    return QualifiedName(index.table.schema, index.name)


_ROWS = frozenset({DATA_LOSS, BREAKS_CLIENTS})  # what it holds goes with it
_USED = frozenset({BREAKS_CLIENTS})  # clients name it


SCHEMA = Kind(
    cat.Schema,
    noun="schema",
    slot="schemas",
    keyword="SCHEMA",
    tag="schema",
    identity=_name,
    name=_name,
    sql_name=_sql_name,
    namespace=Namespace("schema"),
    keyed=_name,
    drop_hazards=_USED,
    grant_keyword="SCHEMA",
    section="schemas",
)
EXTENSION = Kind(
    cat.Extension,
    noun="extension",
    slot="extensions",
    keyword="EXTENSION",
    tag="extension",
    identity=_name,
    name=_name,
    sql_name=_sql_name,
    namespace=Namespace("ext"),
    keyed=_name,
)
ENUM = Kind(
    cat.Enum,
    noun="enum",
    slot="enums",
    keyword="TYPE",
    tag="type",
    identity=_qname,
    name=_qualified,
    sql_name=_sql_qname,
    namespace=TYPES,
    drop_hazards=_USED,
    grant_keyword="TYPE",
    section="enums",
)
DOMAIN = Kind(
    cat.Domain,
    noun="domain",
    slot="domains",
    keyword="DOMAIN",
    tag="type",
    identity=_qname,
    name=_qualified,
    sql_name=_sql_qname,
    namespace=TYPES,
    drop_hazards=_USED,
    grant_keyword="DOMAIN",
    section="domains",
)
COMPOSITE_TYPE = Kind(
    cat.CompositeType,
    noun="composite type",
    slot="composite_types",
    keyword="TYPE",
    tag="type",
    identity=_qname,
    name=_qualified,
    sql_name=_sql_qname,
    namespace=TYPES,
    drop_hazards=_USED,
    grant_keyword="TYPE",
    section="composite_types",
)
SEQUENCE = Kind(
    cat.Sequence,
    noun="sequence",
    slot="sequences",
    keyword="SEQUENCE",
    tag="sequence",
    identity=_qname,
    name=_qualified,
    sql_name=_sql_qname,
    namespace=RELATIONS,
    drop_hazards=_ROWS,
    grant_keyword="SEQUENCE",
    section="sequences",
)
TABLE = Kind(
    cat.Table,
    noun="table",
    slot="tables",
    keyword="TABLE",
    tag="table",
    identity=_qname,
    name=_qualified,
    sql_name=_sql_qname,
    namespace=RELATIONS,
    drop_hazards=_ROWS,
    grant_keyword="TABLE",
    section="tables",
)
PARTITION = Kind(
    cat.Partition,
    noun="partition",
    slot="partitions",
    keyword="TABLE",
    tag="partition",
    identity=_qname,
    name=_qualified,
    sql_name=_sql_qname,
    namespace=RELATIONS,
    on=lambda p: (p.parent,),
    drop_hazards=_ROWS,
    grant_keyword="TABLE",
)
FOREIGN_KEY = Kind(
    cat.ForeignKey,
    noun="foreign key",
    slot="foreign_keys",
    keyword="CONSTRAINT",
    tag="fk",
    identity=_on_table,
    name=_named_on_table,
    sql_name=_sql_on_table,
    on=lambda fk: tuple(dict.fromkeys((fk.table, fk.ref_table))),
    drop_hazards=_USED,
    dropped_by=lambda fk: ("drop_constraint", fk.table, fk.name),
)
INDEX = Kind(
    cat.Index,
    noun="index",
    slot="indexes",
    keyword="INDEX",
    tag="index",
    identity=lambda i: (i.table.schema, i.name),
    name=_named_on_table,
    sql_name=lambda i: ident(_index_qname(i)),
    namespace=RELATIONS,
    keyed=_index_qname,
    on=_table_of,
    drop_hazards=lambda i: _USED if i.unique else _NONE,
)
POLICY = Kind(
    cat.Policy,
    noun="policy",
    slot="policies",
    keyword="POLICY",
    tag="policy",
    identity=_on_table,
    name=_named_on_table,
    sql_name=_sql_on_table,
    on=_table_of,
    drop_hazards=lambda p: _USED if p.permissive else frozenset({WIDENS_ACCESS}),
)
TRIGGER = Kind(
    cat.Trigger,
    noun="trigger",
    slot="triggers",
    keyword="TRIGGER",
    tag="trigger",
    identity=_on_table,
    name=_named_on_table,
    sql_name=_sql_on_table,
    on=_table_of,
    drop_hazards=_USED,
)


def _view(noun: str, keyword: str, section: str, materialized: bool) -> Kind:
    """A view or a materialized view: one class, told apart by ``materialized``; both granted on as a TABLE."""
    return Kind(
        cat.View,
        noun=noun,
        slot="views",
        keyword=keyword,
        tag="view",
        identity=_qname,
        name=_qualified,
        sql_name=_sql_qname,
        namespace=RELATIONS,
        drop_hazards=_USED,
        grant_keyword="TABLE",
        applies=lambda v: v.materialized == materialized,
        section=section,
    )


VIEW = _view("view", "VIEW", "views", materialized=False)
MATERIALIZED_VIEW = _view("materialized view", "MATERIALIZED VIEW", "materialized_views", materialized=True)


def _routine(noun: str, keyword: str, section: str, procedure: bool) -> Kind:
    """A function or a procedure: one class and one namespace (pg_proc), told apart by ``procedure``."""
    return Kind(
        cat.Function,
        noun=noun,
        slot="functions",
        keyword=keyword,
        tag="function",
        identity=lambda f: (f.qname, f.signature),
        name=_function_name,
        sql_name=_function_sql_name,
        namespace=ROUTINES,
        drop_hazards=_USED,
        grant_keyword=keyword,
        applies=lambda f: f.procedure == procedure,
        section=section,
    )


FUNCTION = _routine("function", "FUNCTION", "functions", procedure=False)
PROCEDURE = _routine("procedure", "PROCEDURE", "procedures", procedure=True)

AGGREGATE = Kind(
    cat.Aggregate,
    noun="aggregate",
    slot="aggregates",
    keyword="AGGREGATE",
    tag="function",
    identity=lambda a: (a.qname, a.signature),
    name=lambda a: f"{a.qname}({a.signature})",
    sql_name=lambda a: f"{ident(a.qname)}({a.signature})",
    # Views and functions that call it name it as they name a function.
    namespace=ROUTINES,
    drop_hazards=_USED,
    grant_keyword="FUNCTION",
    section="aggregates",
    grant_name=lambda a: f"{ident(a.qname)}({', '.join(arg.type for arg in a.args)})",
)

PUBLICATION = Kind(
    cat.Publication,
    noun="publication",
    slot="publications",
    keyword="PUBLICATION",
    tag="publication",
    identity=_name,
    name=_name,
    sql_name=_sql_name,
    namespace=Namespace("pub"),
    keyed=_name,
    drop_hazards=_USED,
    section="publications",
)

# Citus' placement of a table: made by create_distributed_table / create_reference_table,
# dropped by undistribute_table (the rows come back to the coordinator; none is lost).
DISTRIBUTION = Kind(
    cat.Distribution,
    noun="Citus distribution",
    slot="distributions",
    keyword="TABLE",
    tag="distribution",
    identity=lambda d: d.table,
    name=lambda d: str(d.table),
    sql_name=lambda d: ident(d.table),
    namespace=Namespace("dist"),
    keyed=lambda d: d.table,
    on=_table_of,
    drop_hazards=frozenset({LONG_LOCK, TABLE_REWRITE}),
    dropped_by=lambda d: ("undistribute", d.table),
)


def _default_privileges_name(entry: cat.DefaultPrivileges) -> str:
    """'default privileges on tables in schema app for role owner'; without a schema, of every schema."""
    where = f"in schema {entry.schema}" if entry.schema else "in every schema"
    whose = f" for role {entry.for_role}" if entry.for_role else ""
    return f"default privileges on {entry.on} {where}{whose}"


def default_privileges_clause(entry: cat.DefaultPrivileges) -> str:
    """What follows ALTER DEFAULT PRIVILEGES: 'FOR ROLE owner IN SCHEMA app', either part left out."""
    parts = ([f"FOR ROLE {ident(entry.for_role)}"] if entry.for_role else []) + (
        [f"IN SCHEMA {ident(entry.schema)}"] if entry.schema else []
    )
    return " ".join(parts)


# ALTER DEFAULT PRIVILEGES: one entry per creator, schema (or every schema) and type of object. It is
# never created or dropped as such: each role's privileges in it change (ChangeDefaultPrivileges), and
# its schema takes it along when dropped. Its "drop" puts back what PostgreSQL holds without it.
DEFAULT_PRIVILEGES = Kind(
    cat.DefaultPrivileges,
    noun="default privileges",
    slot="default_privileges",
    keyword="DEFAULT PRIVILEGES",
    tag="default privileges",
    identity=lambda d: (d.for_role, d.schema, d.on),
    name=_default_privileges_name,
    sql_name=default_privileges_clause,
    dropped_by=lambda d: (
        "reset_default_privileges",
        d,
        sorted(cat.acl(d.grants)) or ["public"],
        sorted(cat.default_acl(None, d.on, d.schema).get("public", ())),
    ),
    commented=False,
)


# In the order a script creates them: render writes each slot's statements in this order (ties in the
# dependency order keep it), and compare compares the kinds that need no code of their own in it.
KINDS = (
    SCHEMA,
    EXTENSION,
    ENUM,
    DOMAIN,
    COMPOSITE_TYPE,
    SEQUENCE,
    FUNCTION,
    PROCEDURE,
    AGGREGATE,
    TABLE,
    PARTITION,
    DISTRIBUTION,
    INDEX,
    FOREIGN_KEY,
    VIEW,
    MATERIALIZED_VIEW,
    POLICY,
    TRIGGER,
    PUBLICATION,
    DEFAULT_PRIVILEGES,
)

# A kind for each slot, in the order of KINDS: of kinds that share a slot (views and materialized
# views, functions and procedures), the first, as they match objects alike.
BY_SLOT: dict[str, Kind] = {}
for _kind in KINDS:
    BY_SLOT.setdefault(_kind.slot, _kind)
# The kinds (one per slot) whose objects carry grants.
GRANTED = tuple(kind for kind in BY_SLOT.values() if kind.grant_keyword)

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


def by_relation(catalog: cat.Catalog) -> dict[str, dict[QualifiedName, list[Any]]]:
    """What is declared on each relation, by slot: a table's indexes, keys, policies, triggers,
    partitions and placement, in catalog order (a foreign key under the table it is declared on)."""
    out: dict[str, dict[QualifiedName, list[Any]]] = {}
    for kind in KINDS:
        if kind.on is not None:
            on = out.setdefault(kind.slot, defaultdict(list))
            for obj in getattr(catalog, kind.slot):
                on[kind.on(obj)[0]].append(obj)
    return out
