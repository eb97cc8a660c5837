"""schemac json-schema"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..docgen.files import stale_diff, write_if_changed
from ..docgen.spec_schema import spec_json_schema_text
from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, output


@click.command("json-schema")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if --out's file is not what would be written.")
def json_schema(out_file: Path | None, check: bool) -> None:
    """Print the JSON Schema of schema.yaml, for editors.

    With the first line of schema.yaml written as
    `# yaml-language-server: $schema=schemac.schema.json`, editors that use
    yaml-language-server (VS Code's YAML extension, Neovim, Helix, ...)
    complete keys and flag mistakes as the file is typed. `schemac init`
    writes both; after upgrading schemac, write the schema again.

    \b
    Exit codes: 0 written (or up to date), 1 --check found the file stale,
    2 bad usage.

    \b
    Examples:
      schemac json-schema --out schemac.schema.json
      schemac json-schema --out schemac.schema.json --check
    """
    out = output()
    text = spec_json_schema_text()
    if out_file is None:
        if check:
            click.echo("--check needs --out FILE: the file to compare", err=True)
            sys.exit(EXIT_BAD_INPUT)
        click.echo(text, nl=False)
        return
    if check:
        if stale_diff(out_file, text):
            out.error(f"{out_file} is stale: run `schemac json-schema --out {out_file}`")
            sys.exit(EXIT_FINDINGS)
        out.summary(f"{out_file} is up to date")
    elif write_if_changed(out_file, text):
        out.summary(f"wrote {out_file}")
    else:
        out.summary(f"{out_file} is up to date")
