"""Sequences, with the column that owns one."""

from __future__ import annotations

from ...catalog import objects as cat
from ..names import last_part
from .grants import SEQUENCE_PRIVILEGES, grants_of
from .scope import Scope


def sequences(scope: Scope) -> tuple[cat.Sequence, ...]:
    out = []
    for key, seq in scope.spec.sequences.items():
        path = ("sequences", key)
        qname = scope.qualify(key, path, declare=True)
        if qname is None:
            continue
        owned_by = None
        if seq.owned_by:
            table_ref, column = last_part(seq.owned_by) or ("", seq.owned_by)
            table = scope.find_table(table_ref or seq.owned_by, path + ("owned_by",), seq.owned_by)
            if table and scope.column_exists(table, column, path + ("owned_by",)):
                owned_by = (table, column)
        grants = grants_of(scope, seq.grants, seq.revokes, SEQUENCE_PRIVILEGES, path)
        out.append(
            cat.Sequence(
                qname,
                seq.type,
                seq.start,
                seq.increment,
                seq.min_value,
                seq.max_value,
                seq.cache,
                seq.cycle,
                owned_by,
                grants,
                seq.comment,
            )
        )
    return tuple(out)
