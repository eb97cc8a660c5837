"""Every hazard rule of a plan, in one place.

A step carries the hazards of what it does: dropping an object carries its
kind's (``catalog.kinds``), and every other hazardous step is one line of
``RULES`` below, looked up by the step that does it.

Why each kind's drop carries what it does (the sets sit in its ``catalog.kinds`` entry):

- table, partition, sequence: data-loss and breaks-clients; what it holds goes with it.
- schema, enum, domain, composite type, view, materialized view, function, procedure,
  aggregate: breaks-clients; clients and other objects name it.
- permissive policy: breaks-clients; the rows it admitted are no longer readable or
  writable for its roles (with RLS on, the last one gone leaves the table deny-all).
- restrictive policy: widens-access; the rows it kept out become reachable.
- trigger: breaks-clients; what it did on every write (a timestamp, an audit row, a
  check that raises) silently stops.
- foreign key: breaks-clients; rows it refused are accepted, its ON DELETE/ON UPDATE
  actions stop.
- unique index: breaks-clients; duplicates are accepted and ON CONFLICT on its columns
  fails. A plain index: none; queries get slower, but no row or client is lost, and a
  hazard on every index would drown the ones that are.
- extension: none of its own; what uses it is dropped by its own step.
- publication: breaks-clients; its subscribers stop receiving changes (Supabase Realtime
  among them, for supabase_realtime).
- Citus distribution: long-lock and table-rewrite (undistribute_table copies the rows back
  to the coordinator while writes wait; none is lost).

A drop inside a Replace (made again in the same transaction) holds nothing a client
misses, unless it holds rows (``of_drop``).
"""

from __future__ import annotations

from typing import Any

from ..catalog import kinds
from ..catalog import objects as cat
from ..diff import changes as ch
from ..hazards import BREAKS_CLIENTS, DATA_LOSS, HAZARDS, LONG_LOCK, TABLE_REWRITE, WIDENS_ACCESS

__all__ = [
    "BREAKS_CLIENTS",
    "DATA_LOSS",
    "HAZARDS",
    "LONG_LOCK",
    "RULES",
    "TABLE_REWRITE",
    "WIDENS_ACCESS",
    "of_create",
    "of_drop",
    "rule",
]

# What a step does (by the change it comes from) -> its hazards. Steps not listed carry none.
RULES: dict[str, frozenset[str]] = {
    k: frozenset(v)
    for k, v in {
        # AddColumn, DropColumn, AlterColumn, RenameColumn
        "add a generated column": {TABLE_REWRITE},  # computed and stored for every row
        "drop a column": {DATA_LOSS, BREAKS_CLIENTS},
        "change a column's type": {TABLE_REWRITE, LONG_LOCK},
        "compute a stored generated column again": {TABLE_REWRITE, LONG_LOCK},  # SET EXPRESSION
        # An insert or update that gives the column a value fails (without OVERRIDING SYSTEM VALUE)
        "make a column GENERATED ALWAYS": {BREAKS_CLIENTS},
        "rename a column": {BREAKS_CLIENTS},
        # AlterPartitionColumns: DETACH locks the table, ATTACH scans the partition (and a default
        # partition beside it) before the lock is released
        "detach a partition and attach it again": {LONG_LOCK},
        # RenameTable
        "rename a table": {BREAKS_CLIENTS},
        # AddConstraint: a key or exclusion builds its index under an ACCESS EXCLUSIVE lock
        "add a key or exclusion to a table with rows": {LONG_LOCK},
        # Create: a unique index a new foreign key references, built in the transaction (so the
        # key finds it) rather than concurrently after it, under a lock that blocks writes
        "build a unique index a new foreign key needs, on a table with rows": {LONG_LOCK},
        # DropConstraint, unless added again: rows it refused are accepted (and ON CONFLICT on a key fails)
        "drop a key, check or exclusion for good": {BREAKS_CLIENTS},
        # AlterConstraint: its ON DELETE / ON UPDATE actions stop with it
        "stop enforcing a foreign key that has actions": {BREAKS_CLIENTS},
        # Create (or made again): before PostgreSQL 18 a partitioned table takes no NOT VALID key,
        # so every row is checked as it is added, under a lock that blocks writes
        "add a foreign key to a partitioned table with rows, before PostgreSQL 18": {LONG_LOCK},
        "add a foreign key again, to a table rebuilt empty": {BREAKS_CLIENTS},
        "create a permissive policy": {WIDENS_ACCESS},
        # Create, or Replace in place: the planner may run it ahead of row level security's filters,
        # so what it lets out (an error message that quotes its argument) is read from rows RLS hides
        "declare a function leakproof": {WIDENS_ACCESS},
        # A sequence past the bound it counts towards has no value left; one started again may give
        # values that rows already hold.
        "narrow a sequence's bounds": {BREAKS_CLIENTS},
        # Create (again): a caller that names the argument (PostgREST's RPC does) no longer finds it
        "rename a function's argument": {BREAKS_CLIENTS},
        # AlterDomain: SET NOT NULL checks every column of the domain's type
        "set a domain NOT NULL": {LONG_LOCK},
        # AlterCompositeType: the values columns hold lose it, and clients that name it break. (Retyping
        # one rewrites nothing: PostgreSQL refuses it while a column holds the type.)
        "drop an attribute of a composite type": {DATA_LOSS, BREAKS_CLIENTS},
        # SetRowSecurity, AlterPolicy, ChangeGrants
        "disable row level security": {WIDENS_ACCESS},
        "stop forcing row level security": {WIDENS_ACCESS},
        "alter a permissive policy": {WIDENS_ACCESS},
        "grant a privilege": {WIDENS_ACCESS},
        # a client that used the privilege (a default one the spec does not grant, too) is refused
        "revoke a privilege": {BREAKS_CLIENTS},
        # ChangeDefaultPrivileges: the roles get the privilege on every object made from now on (by a
        # migration, a dashboard, another tool). Revoking one: none; no object made so far changes.
        "grant a default privilege": {WIDENS_ACCESS},
        # AlterPublication, and a publication created with tables: subscribers receive the rows
        # (like a grant); stopping leaves them without the changes they replicate.
        "publish a table": {WIDENS_ACCESS},
        "stop publishing a table": {BREAKS_CLIENTS},
        "stop publishing an operation": {BREAKS_CLIENTS},
        # AlterPublication of a table's column list or row filter: a column or rows sent that were not
        # (like a grant), or no longer sent (subscribers lose them; an UPDATE or DELETE on the table
        # fails where the replica identity is no longer among the columns sent or covers the filter).
        "publish more of a table": {WIDENS_ACCESS},
        "publish less of a table": {BREAKS_CLIENTS},
        # SetReplicaIdentity from full, or to nothing: subscribers (Supabase Realtime's old
        # records) lose the old row's columns; with nothing, UPDATE and DELETE on a published
        # table fail.
        "send less of the old row to subscribers": {BREAKS_CLIENTS},
        # Citus (Create, Drop, Replace of a distribution; AlterDistribution). Each call copies the
        # table's rows (to shards, to every node, back to the coordinator) while writes wait.
        # Distributed, queries Citus cannot route or push down (a join with a table of the
        # coordinator alone, some subqueries) fail; apart, tables can no longer be joined or keyed.
        "distribute a table with rows": {LONG_LOCK, TABLE_REWRITE, BREAKS_CLIENTS},
        "make a table with rows a reference table": {LONG_LOCK, TABLE_REWRITE},
        "undistribute a table": {LONG_LOCK, TABLE_REWRITE},
        "redistribute a table": {LONG_LOCK, TABLE_REWRITE},
        "move a table to another colocation group": {BREAKS_CLIENTS},
        # EnableTrigger, to disabled or replica only: what it did on every write stops, as if dropped
        "stop a trigger firing": {BREAKS_CLIENTS},
        # SetLogged: the table is written again whole (and, made logged, into the WAL) under an
        # ACCESS EXCLUSIVE lock
        "make a table logged or unlogged": {TABLE_REWRITE, LONG_LOCK},
        # SetInheritance: a query on the parent reads the child's rows too, as the parent's privileges and
        # policies allow (not the child's); once the link is gone, it no longer sees them.
        "inherit from a table": {WIDENS_ACCESS},
        "stop inheriting from a table": {BREAKS_CLIENTS},
        # SetInheritance: a parent's check added to a table that joins it is checked on every row at once,
        # under an ACCESS EXCLUSIVE lock (INHERIT refuses one added NOT VALID)
        "check a table's rows for a parent's check": {LONG_LOCK},
        # SetTypedTable: the table's columns then change with its type's attributes (ALTER TYPE ... CASCADE),
        # or no longer; its rows and columns stay as they are.
        "make a table typed": set(),
        "make a table no longer typed": set(),
        # AlterCompositeType with tables of the type (ALTER TYPE ... CASCADE): their column goes with the
        # attribute, values and all; or is retyped with it, each row written again under an ACCESS EXCLUSIVE lock.
        "drop a typed table's column": {DATA_LOSS, BREAKS_CLIENTS},
        "retype a typed table's column": {TABLE_REWRITE, LONG_LOCK},
        # Drop: the kind's drop hazards (catalog.kinds), and for a partition, detached first:
        "detach a partition": {BREAKS_CLIENTS},
    }.items()
}


def rule(situation: str, applies: bool = True) -> frozenset[str]:
    """The hazards of ``situation`` (a key of RULES) when it applies, else none."""
    return RULES[situation] if applies else frozenset()


def of_drop(obj: Any, change: ch.Change | None) -> frozenset[str]:
    """Dropping ``obj``: its kind's hazards. An object that holds no rows, dropped to be made
    again in the same transaction (a Replace), is never missing for a client."""
    hazards = kinds.of(obj).hazards_of_drop(obj)
    if (
        isinstance(change, ch.Replace)
        and DATA_LOSS not in hazards
        and not (isinstance(obj, cat.Publication) and _publishes_more(obj, change.after))
    ):
        hazards = hazards - {BREAKS_CLIENTS}
    return hazards


def sends_more(before: cat.TableFilter | None, after: cat.TableFilter | None) -> bool:
    """Whether a publication that sent a table's columns and rows as ``before`` says (None: all of them)
    sends some that it did not, sending them as ``after`` says."""
    before_columns = set(before.columns) if before and before.columns else None
    after_columns = set(after.columns) if after and after.columns else None
    more_columns = before_columns is not None and (after_columns is None or bool(after_columns - before_columns))
    before_where, after_where = before and before.where, after and after.where
    return more_columns or (before_where is not None and before_where != after_where)


def _publishes_more(a: cat.Publication, b: cat.Publication) -> bool:
    """Whether ``a`` sends changes of a table that ``b`` does not."""
    return not b.all_tables and (a.all_tables or bool(set(a.tables) - set(b.tables)))


def of_create(obj: Any, change: ch.Change | None) -> frozenset[str]:
    """Creating ``obj``: a permissive policy widens access, unless it is made again as it was
    (same roles, type and expressions) around another change; so does a publication that
    publishes tables."""
    if isinstance(obj, cat.Publication):
        before = change.before if isinstance(change, ch.Replace) else cat.Publication(obj.name)
        return rule("publish a table", _publishes_more(obj, before))
    if isinstance(obj, cat.Function):
        before = change.before if isinstance(change, ch.Replace) else None
        return rule("declare a function leakproof", obj.leakproof and not getattr(before, "leakproof", False))
    if not (isinstance(obj, cat.Policy) and obj.permissive):
        return frozenset()
    before = change.before if isinstance(change, ch.Replace) else None
    unchanged = isinstance(before, cat.Policy) and (
        before.roles,
        before.permissive,
        before.using,
        before.with_check,
    ) == (obj.roles, obj.permissive, obj.using, obj.with_check)
    return rule("create a permissive policy", not unchanged)
