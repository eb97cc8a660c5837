"""append_only: rows are inserted and read, never changed or removed, by anyone.

Each table with ``append_only: true`` gets:

- a BEFORE UPDATE OR DELETE row trigger and a BEFORE TRUNCATE statement
  trigger calling ``<schema>.reject_mutation()``, which raises (SQLSTATE
  ``conventions.append_only.errcode``, ``insufficient_privilege`` by
  default). Triggers bind every role: the owner, ``service_role`` and roles
  with BYPASSRLS too, which policies do not. A statement trigger on a
  partitioned table does not fire for a partition truncated by its own name,
  so each partition (and sub-partition) gets the TRUNCATE trigger as well
  (row triggers reach partitions by themselves);
- a table comment that starts with "Append-only", which the linter reads;
- no UPDATE or DELETE policy: the tenancy convention generates none, and a
  policy the spec writes for UPDATE, DELETE or ALL is an error.
"""

from __future__ import annotations

from dataclasses import replace

import psycopg.errors

from ..catalog import objects as cat
from ..catalog.partitions import children, descendants
from ..spec import models as m
from .common import Draft, Issues, function_body, helper, name, spec_tables

MARK = "Append-only"


def append_only(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    tables = [t for t in spec_tables(spec) if t.spec.append_only]
    if not tables:
        return catalog
    issues = Issues()
    errcode = spec.conventions.append_only.errcode
    try:
        psycopg.errors.lookup(errcode.upper())
    except KeyError:
        issues.add(
            ("conventions", "append_only", "errcode"),
            f"unknown SQLSTATE '{errcode}'; write a condition name such as insufficient_privilege, "
            "or a five-character code such as 42501",
        )
    for t in tables:
        if isinstance(t.spec.policies, dict):
            for policy_name, policy in t.spec.policies.items():
                if policy.command in ("update", "delete", "all"):
                    issues.add(
                        t.path + ("policies", policy_name, "command"),
                        f"an append-only table takes no {policy.command.upper()} policy; its rows never change "
                        "(use command: select or insert)",
                    )
    issues.raise_if_any(catalog)

    function = helper(spec, "reject_mutation")
    draft = Draft(catalog)
    below = children(catalog.partitions)
    for t in tables:
        table = draft.table(t.qname)
        if table is None:
            continue
        comment = table.comment
        if not comment:
            comment = f"{MARK}: UPDATE, DELETE and TRUNCATE are rejected for every role."
        elif "append-only" not in comment.lower() and "append only" not in comment.lower():
            comment = f"{MARK}. {comment}"
        draft.put(replace(table, comment=comment))
        draft.triggers.append(
            cat.Trigger(name(t.qname, [], "append_only"), t.qname, function, "before", ("update", "delete"))
        )
        draft.triggers.append(
            cat.Trigger(name(t.qname, [], "no_truncate"), t.qname, function, "before", ("truncate",), level="statement")
        )
        for partition in (p.qname for p in descendants(below, t.qname)):  # sub-partitions too
            draft.triggers.append(
                cat.Trigger(
                    name(partition, [], "no_truncate"), partition, function, "before", ("truncate",), level="statement"
                )
            )
    draft.add_function(
        cat.Function(
            function,
            (),
            "trigger",
            "plpgsql",
            function_body("reject_mutation", errcode=errcode),
            search_path="''",
            comment="Rejects UPDATE, DELETE and TRUNCATE on append-only tables, for every role (append-only convention).",
        )
    )
    return draft.done()
