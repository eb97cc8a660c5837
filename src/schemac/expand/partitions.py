"""partitions: tables partitioned by time keep partitions ahead of the clock.

With ``conventions.partitions`` set, for every table partitioned by time
(``partition: {by: range, interval: year|month, start: ...}``), besides the
partitions the spec lists from ``start`` (resolve writes those):

- ``<schema>.create_partitions()``: creates, for each such table, the
  partitions of the current period and the ``premake`` periods after it
  that do not exist yet, with the parent's row level security and, on
  append-only tables, the TRUNCATE guard; it returns the names it created,
  so a second call creates nothing and returns no row. Indexes declared on
  the parent reach new partitions by themselves;
- ``<schema>.partition_coverage``: a view of how many periods ahead each
  table is covered (``periods_ahead``), through when (``covered_until``),
  and whether that meets ``premake`` (``ok``);
- when the extension ``pg_cron`` is declared, the job that runs the
  function on ``conventions.partitions.schedule``. The job is registered
  by the materialized view ``<schema>.partition_maintenance_job``, whose
  query calls ``cron.schedule`` (idempotent: the job is named, and
  scheduling it again updates it); refresh the view to register it again.
  Without pg_cron, run ``select <schema>.create_partitions()`` from any
  scheduler, daily.

A table with a DEFAULT partition holding rows of a new period cannot get
that period's partition (PostgreSQL refuses); move those rows first.
"""

from __future__ import annotations

import re

from ..catalog import objects as cat
from ..render.quoting import ident
from ..spec import models as m
from ..spec.privileges import managed_roles
from .common import Draft, Issues, body, function_body, helper, spec_tables

_CRON = re.compile(r"(@(yearly|annually|monthly|weekly|daily|hourly|reboot))|(\d+ seconds)|(\S+( \S+){4})\Z")
JOB = "schemac: create partitions"

# How a period's first instant is written as a bound, per column type (as resolve writes them).
_BOUND_SUFFIX = {
    "timestamptz": " 00:00:00+00",
    "timestamp with time zone": " 00:00:00+00",
    "timestamp": " 00:00:00",
    "timestamp without time zone": " 00:00:00",
    "date": "",
}


def partitions(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    convention = spec.conventions.partitioning
    if convention is None:
        return catalog
    issues = Issues()
    if not _CRON.fullmatch(convention.schedule.strip()):
        issues.add(
            ("conventions", "partitions", "schedule"),
            f"'{convention.schedule}' is not a cron schedule: write five fields ('0 3 * * *'), '@daily' or 'N seconds'",
        )
    guard = helper(spec, "reject_mutation")
    draft = Draft(catalog)
    tables = []
    for t in spec_tables(spec):
        partition = t.spec.partition
        table = draft.table(t.qname)
        if partition is None or partition.interval is None or table is None:
            continue
        column = table.column(partition.single_column)
        if column is None:
            continue
        tables.append(
            {
                "qname": t.qname,
                "interval": partition.interval,
                "premake": partition.premake,
                "suffix": "YYYY" if partition.interval == "year" else "YYYY_MM",
                "bound_suffix": _BOUND_SUFFIX.get(column.type.lower(), ""),
                "rls": table.rls_enabled,
                "forced": table.rls_forced,
                "guard": guard if t.spec.append_only else None,
            }
        )
    if not tables:
        issues.add(
            ("conventions", "partitions"),
            "no table is partitioned by time (partition: {by: range, interval: year, start: ...}); remove 'partitions'",
            key=True,
        )
    issues.raise_if_any(catalog)

    draft.ensure_schema(spec.conventions.schema_)
    function = helper(spec, "create_partitions")
    draft.add_function(
        cat.Function(
            function,
            (),
            "SETOF text",
            "plpgsql",
            function_body(
                "create_partitions",
                tables=tables,
                citus=spec.target.citus,
                # A partition made at run time takes the database's defaults (on Supabase, ALL for the API
                # roles); the spec's roles hold nothing on it, as on the partitions the spec makes.
                roles=", ".join(_role_sql(r) for r in managed_roles(spec, catalog)),
            ),
            search_path="''",
            grants=(cat.Grant(("execute",), _callers(spec), revoke=True),),
            comment="Creates the missing partitions of the current and the premade periods; returns their names "
            "(partitions convention). Idempotent.",
        )
    )
    draft.add_view(
        cat.View(
            helper(spec, "partition_coverage"),
            body("partition_coverage", tables=tables),
            comment="Partitions by time: how many periods ahead each table is covered (partitions convention).",
        )
    )
    if any(e.name == "pg_cron" for e in catalog.extensions):
        draft.add_view(
            cat.View(
                helper(spec, "partition_maintenance_job"),
                body("partition_job", job=JOB, schedule=convention.schedule.strip(), function=function),
                materialized=True,
                comment="Registers the pg_cron job that runs create_partitions(); REFRESH to register it again "
                "(partitions convention).",
            )
        )
    return draft.done()


def _callers(spec: m.Spec) -> tuple[str, ...]:
    return ("public", "anon", "authenticated") if spec.target.flavor == "supabase" else ("public",)


def _role_sql(role: str) -> str:
    return "PUBLIC" if role == "public" else ident(role)
