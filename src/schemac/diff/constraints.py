"""Changes of constraints: keys, checks and exclusion constraints of a table, and foreign keys.

Three facts of PostgreSQL shape them. A constraint's DEFERRABLE state can be
altered in place only for a foreign key (ALTER CONSTRAINT); any other kind
is dropped and added again. A NOT VALID check or foreign key becomes valid
by VALIDATE CONSTRAINT, never by being made again; and one the goal allows
to stay NOT VALID (``valid=False``) matches the database either way. A
NOT ENFORCED check (PostgreSQL 18) is dropped and added again either way
(PostgreSQL 18 alters the enforcement of foreign keys only); a foreign key
is made NOT ENFORCED in place, and enforced by being made again, NOT VALID
and then validated, since ALTER CONSTRAINT ... ENFORCED checks every row
under a lock that blocks reads and writes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..catalog import objects as cat
from ..sqltree import rename_column
from . import changes as ch

SAME, VALIDATE, DIFFERS = "same", "validate", "differs"


def validity(before: Any, after: Any) -> str:
    """Whether ``before`` is ``after`` (SAME), is it once validated (VALIDATE), or is another constraint."""
    if before == after:
        return SAME
    if not hasattr(after, "valid"):
        return DIFFERS
    if not after.valid and replace(before, valid=False) == after:
        return SAME  # the goal allows it NOT VALID; a valid one serves as well
    if not before.valid and replace(before, valid=True) == after:
        return VALIDATE
    return DIFFERS


def _by_name(table: cat.Table | cat.Partition) -> dict[str, cat.TableConstraint]:
    """Its constraints by name, without their comments: a comment is set in place."""
    return {c.name: replace(c, comment=None) for c in table.constraints}


def _without_parameters(con: cat.TableConstraint) -> cat.TableConstraint:
    return replace(con, storage_parameters=()) if getattr(con, "storage_parameters", ()) else con


def _parameters(con: cat.TableConstraint) -> list[tuple[str, str]]:
    """A key's storage parameters in any order (PostgreSQL keeps them as written)."""
    return sorted(getattr(con, "storage_parameters", ()))


def table_constraint_changes(before: cat.Table | cat.Partition, after: cat.Table | cat.Partition) -> list[ch.Change]:
    """Primary key, unique, check and exclusion constraints that ``before`` must drop, add, rename or validate,
    or whose index takes other storage parameters: in place (ALTER INDEX ... SET), but on a partitioned table,
    whose index PostgreSQL cannot alter so, by making the key again; and the comments that change on those
    it keeps (one added comes with its comment)."""
    q = after.qname
    old, new = _by_name(before), _by_name(after)
    dropped, added, validated, parameters = [], [], [], []
    for name in sorted(set(old) | set(new)):
        b, a = old.get(name), new.get(name)
        state = DIFFERS
        if b is not None and a is not None and type(b) is type(a):
            state = validity(_without_parameters(b), _without_parameters(a))
            if state != DIFFERS and _parameters(b) != _parameters(a):
                if after.partition_key is None:
                    parameters.append((b, a))
                else:
                    state = DIFFERS
        if state == VALIDATE:
            validated.append(a)
        elif state == DIFFERS:
            if b is not None:
                dropped.append(b)
            if a is not None:
                added.append(a)
    out: list[ch.Change] = []
    renamed = {}  # new name -> old
    # The same constraint under another name (a renamed table keeps its old
    # constraint names) is renamed, not dropped and made again.
    for b in list(dropped):
        twin = next((a for a in added if replace(a, name=b.name) == b), None)
        if twin is not None:
            dropped.remove(b)
            added.remove(twin)
            renamed[twin.name] = b.name
            out.append(ch.RenameConstraint(q, b.name, twin.name))
    again = {a.name for a in added}
    was = {c.name: c.comment for c in before.constraints}
    wanted = {c.name: c.comment for c in after.constraints}
    out += [ch.DropConstraint(q, b, b.name in again) for b in dropped]
    out += [ch.AddConstraint(q, replace(a, comment=wanted[a.name])) for a in added]
    # The key's index has the key's name (PostgreSQL renames both together).
    out += [
        ch.SetStorageParameters(
            cat.Index(a.name, q, (), unique=True, storage_parameters=a.storage_parameters), b.storage_parameters
        )
        for b, a in parameters
    ]
    out += [ch.ValidateConstraint(q, a) for a in validated]
    return out + [
        ch.SetConstraintComment(q, name, text)
        for name, text in sorted(wanted.items())
        if name not in again and was.get(renamed.get(name, name)) != text
    ]


def _timing(fk: cat.ForeignKey) -> tuple[bool, bool]:
    return fk.deferrable, fk.initially_deferred


def foreign_key_changes(before: cat.ForeignKey, after: cat.ForeignKey) -> list[ch.Change]:
    """A foreign key that differs: altered in place where only its DEFERRABLE state,
    validity, enforcement or comment differ, else dropped and added again (with its comment)."""
    comment = [ch.SetComment(after, after.comment)] if before.comment != after.comment else []
    changes = _foreign_key_changes(replace(before, comment=after.comment), after)
    return changes if any(isinstance(c, ch.Replace) for c in changes) else changes + comment


def _foreign_key_changes(before: cat.ForeignKey, after: cat.ForeignKey) -> list[ch.Change]:
    timed = replace(before, deferrable=after.deferrable, initially_deferred=after.initially_deferred)
    if before.enforced != after.enforced:
        # The same key but for its enforcement (NOT ENFORCED is always NOT VALID too).
        if replace(timed, enforced=after.enforced, valid=after.valid) != after:
            return [ch.Replace(before, after)]
        return [ch.AlterConstraint(before, after) if before.enforced else ch.EnforceForeignKey(before, after)]
    state = validity(timed, after)
    if state == DIFFERS:
        return [ch.Replace(before, after)]
    out: list[ch.Change] = []
    if _timing(before) != _timing(after):
        out.append(ch.AlterConstraint(before, after))
    if state == VALIDATE:
        out.append(ch.ValidateConstraint(after.table, after))
    return out


def domain_check_comments(before: cat.Domain, after: cat.Domain) -> list[ch.Change]:
    """The comments on a domain's checks that change: on a check it keeps, or one it adds (or makes again,
    for another expression: ALTER DOMAIN drops it with its comment)."""
    old_checks, new_checks = dict(before.checks), dict(after.checks)
    was, wanted = dict(before.check_comments), dict(after.check_comments)
    out: list[ch.Change] = []
    for name in sorted(new_checks):
        had = was.get(name) if old_checks.get(name) == new_checks[name] else None
        if wanted.get(name) != had:
            out.append(ch.SetConstraintComment(after.qname, name, wanted.get(name), domain=True))
    return out


def _rename_key(key: cat.IndexKey, old: str, new: str) -> cat.IndexKey:
    if key.column == old:
        return replace(key, column=new)
    if key.expression is not None:
        return replace(key, expression=rename_column(key.expression, old, new))
    return key


def rename_in_constraints(constraints: tuple[Any, ...], old: str, new: str) -> tuple[Any, ...]:
    """Checks or exclusion constraints as they are after a column is renamed from ``old`` to
    ``new``: PostgreSQL follows the column in their columns and expressions alike."""
    out = []
    for con in constraints:
        if isinstance(con, cat.Check):
            con = replace(con, expression=rename_column(con.expression, old, new))
        elif isinstance(con, cat.Exclusion):
            con = replace(
                con,
                elements=tuple(replace(e, key=_rename_key(e.key, old, new)) for e in con.elements),
                include=tuple(new if c == old else c for c in con.include),
                where=con.where and rename_column(con.where, old, new),
            )
        out.append(con)
    return tuple(out)
