"""monitoring: views that say whether the database is healthy, and honest
materialized-view freshness.

``conventions.monitoring`` (``true``, or ``{roles: [...]}`` to let roles read
the views) generates, in the conventions' schema:

- ``table_health``: per table of the spec's schemas, live and dead rows, the
  dead fraction, sequential against index scans, rows changed since the last
  analyze, vacuum count and total size (from ``pg_stat_user_tables``);
- ``mv_refresh_log``: one row per refresh of a materialized view;
- ``refresh_materialized_view(view regclass, concurrently boolean)``: refreshes
  the view and writes the log; refresh through it, from pg_cron or any
  scheduler;
- ``mv_freshness``: per materialized view, when it was last refreshed and how
  long ago, read from the log. Never from vacuum or analyze statistics,
  which a refresh does not update (the seed's freshness check was built on
  ``last_vacuum``).
"""

from __future__ import annotations

from ..catalog import objects as cat
from ..spec import models as m
from .common import Draft, Issues, body, check_roles, function_body, helper


def monitoring(spec: m.Spec, catalog: cat.Catalog) -> cat.Catalog:
    convention = spec.conventions.monitoring_views
    if convention is None:
        return catalog
    issues = Issues()
    check_roles(convention.roles, spec, ("conventions", "monitoring", "roles"), issues)
    issues.raise_if_any(catalog)
    draft = Draft(catalog)
    draft.ensure_schema(spec.conventions.schema_, tuple(convention.roles))
    log = helper(spec, "mv_refresh_log")
    readers = (cat.Grant(("select",), tuple(convention.roles)),) if convention.roles else ()
    if draft.table(log) is None:
        draft.put(
            cat.Table(
                log,
                (
                    cat.Column("id", "bigint", not_null=True, identity="always"),
                    cat.Column("schema_name", "text", not_null=True),
                    cat.Column("view_name", "text", not_null=True),
                    cat.Column("refreshed_at", "timestamptz", not_null=True, default="now()"),
                    cat.Column("duration", "interval", not_null=True),
                    cat.Column("concurrent", "boolean", not_null=True),
                ),
                primary_key=cat.PrimaryKey("mv_refresh_log_pkey", ("id",)),
                grants=readers,
                comment="One row per refresh of a materialized view, written by refresh_materialized_view() "
                "(monitoring convention).",
            )
        )
        draft.add_index(
            cat.Index(
                "mv_refresh_log_view_idx",
                log,
                (
                    cat.IndexKey(column="schema_name"),
                    cat.IndexKey(column="view_name"),
                    cat.IndexKey(column="refreshed_at", order="desc"),
                ),
            )
        )
    callers = ("public", "anon", "authenticated") if spec.target.flavor == "supabase" else ("public",)
    draft.add_function(
        cat.Function(
            helper(spec, "refresh_materialized_view"),
            (cat.Argument("p_view", "regclass"), cat.Argument("p_concurrently", "boolean", "false")),
            "void",
            "plpgsql",
            function_body("refresh_materialized_view", log=log),
            search_path="''",
            grants=(cat.Grant(("execute",), callers, revoke=True),),
            comment="Refreshes a materialized view and records it in mv_refresh_log (monitoring convention).",
        )
    )
    schemas = sorted({t.qname.schema for t in catalog.tables} | set(draft.schemas))
    draft.add_view(
        cat.View(
            helper(spec, "table_health"),
            body("table_health", schemas=schemas),
            grants=readers,
            comment="Rows, dead rows, scans and size of every table (monitoring convention).",
        )
    )
    draft.add_view(
        cat.View(
            helper(spec, "mv_freshness"),
            body("mv_freshness", log=log),
            grants=readers,
            comment="When each materialized view was last refreshed, from mv_refresh_log (monitoring convention).",
        )
    )
    return draft.done()
