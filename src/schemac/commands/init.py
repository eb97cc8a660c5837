"""schemac init"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..docgen.files import write_if_changed
from ..docgen.spec_schema import LOCAL_NAME, spec_json_schema_text
from ..starters import DEFAULT, TEMPLATES, template_text
from .common import EXIT_BAD_INPUT, output


@click.command()
@click.option(
    "--template",
    type=click.Choice(list(TEMPLATES)),
    default=DEFAULT,
    show_default=True,
    help="What the new spec holds (see above).",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("schema.yaml"),
    show_default=True,
    help="Where to write the spec.",
)
@click.option("--force", is_flag=True, help="Overwrite the spec if it exists.")
def init(template: str, spec_path: Path, force: bool) -> None:
    """Start a project: write a commented schema.yaml from a template.

    The spec builds, lints clean and applies on PostgreSQL as written. Its
    first line points editors at schemac.schema.json, the JSON Schema of the
    spec, which is written beside it so they complete and check keys as you
    type. An existing spec is never overwritten without --force.

    \b
    Templates:
      minimal           two tables, an enum and a view on plain PostgreSQL
      supabase-saas     a multi-tenant SaaS on Supabase, isolated by row
                        level security: tenants, profiles, memberships, projects
      vehicle-timeline  schemac's reference schema: a fleet's history around
                        an append-only event store partitioned by year
      citus-saas        a multi-tenant SaaS sharded by tenant on Citus:
                        distributed, colocated and reference tables

    \b
    Exit codes: 0 written, 2 the spec exists (and no --force) or bad usage.

    \b
    Examples:
      schemac init
      schemac init --template supabase-saas
      schemac init --template vehicle-timeline --spec db/schema.yaml --force
    """
    out = output()
    if spec_path.exists() and not force:
        out.error(f"{spec_path} already exists; schemac init leaves it as it is (--force overwrites it)")
        sys.exit(EXIT_BAD_INPUT)
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(template_text(template), encoding="utf-8")
    out.info(f"wrote {spec_path} (template {template})")
    schema_path = spec_path.parent / LOCAL_NAME
    if write_if_changed(schema_path, spec_json_schema_text()):
        out.info(f"wrote {schema_path} (the JSON Schema of the spec, for editors)")
    build = "schemac build" if spec_path == Path("schema.yaml") else f"schemac build --spec {spec_path}"
    out.summary(f"next: {build}, then commit {spec_path} and generated/")
