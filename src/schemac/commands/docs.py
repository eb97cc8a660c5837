"""schemac docs"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..docgen.files import stale_diff, write_if_changed
from ..docgen.markdown import markdown
from .common import EXIT_FINDINGS, compile_or_exit, in_project, output, spec_option


def docs_command(spec_path: Path, out_file: Path) -> str:
    """The `schemac docs` command that writes ``out_file`` from ``spec_path``, defaults left out."""
    return (
        "schemac docs"
        + ("" if spec_path == Path("schema.yaml") else f" --spec {spec_path}")
        + ("" if out_file == Path("docs/schema.md") else f" --out {out_file}")
    )


@click.command()
@spec_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/schema.md"),
    show_default=True,
    help="The Markdown file to write.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the file is not what would be written.")
def docs(spec_path: Path, out_file: Path, check: bool) -> None:
    """Write the Markdown reference of the schema, with an ER diagram.

    A Mermaid diagram of the tables, their key columns and foreign keys
    (GitHub draws it), then one section per table: columns with their types,
    nullability, defaults and keys; constraints; indexes; partitions; row
    level security and each policy in plain words; triggers; privileges;
    and the lint findings accepted on purpose, with the reasons given under
    `ignore:`. Then the views and functions.

    The same spec always gives the same file, so commit it and let CI run
    `schemac docs --check`, which writes nothing and fails when the file is
    stale.

    \b
    Exit codes: 0 written (or up to date), 1 --check found the file stale,
    2 the spec has problems.

    \b
    Examples:
      schemac docs
      schemac docs --spec schema.yaml --out docs/schema.md --check
    """
    out = output()
    out_file = in_project("out_file", spec_path)
    text = markdown(compile_or_exit(spec_path).catalog)
    if check:
        diff = stale_diff(out_file, text)
        if diff:
            out.diff(diff)
            out.error(f"{out_file} is stale: run `{docs_command(spec_path, out_file)}` and commit the result")
            sys.exit(EXIT_FINDINGS)
        out.summary(f"{out_file} is up to date")
    elif write_if_changed(out_file, text):
        out.summary(f"wrote {out_file}")
    else:
        out.summary(f"{out_file} is up to date")
