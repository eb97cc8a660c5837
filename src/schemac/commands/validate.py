"""schemac validate"""

from __future__ import annotations

from pathlib import Path

import click

from .common import compile_or_exit, output, spec_option


@click.command()
@spec_option
def validate(spec_path: Path) -> None:
    """Check schema.yaml: its shape, names, references, types and SQL fragments.

    Every problem is reported as FILE:LINE:COL: path.in.spec: message.

    \b
    Example:
      schemac validate --spec schema.yaml
    """
    compiled = compile_or_exit(spec_path)
    catalog = compiled.catalog
    output().summary(
        f"{spec_path}: valid ({len(catalog.tables)} tables, {len(catalog.partitions)} partitions, "
        f"{len(catalog.indexes)} indexes, {len(catalog.policies)} policies, {len(catalog.views)} views, "
        f"{len(catalog.functions)} functions)"
    )
