"""The ``schemac`` command: thin click commands over the library.

Exit codes: 0 success, 1 findings (stale generated files, lint errors),
2 bad input or usage (an invalid spec, a missing file, a wrong option).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import SpecError
from .pipeline import compile_file, stale_diff, write_generated

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

spec_option = click.option(
    "--spec", "spec_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("schema.yaml"),
    show_default=True, help="The spec to read.",
)
out_option = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("generated"),
    show_default=True, help="Folder of the generated SQL.",
)


def _compile(spec_path: Path):
    try:
        return compile_file(spec_path)
    except SpecError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} in {spec_path}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="schemac")
def main() -> None:
    """schemac: PostgreSQL schema as code.

    Describe the database in schema.yaml; schemac validates it, compiles it
    to dependency-ordered SQL and checks that generated/ is up to date.

    \b
    Typical use:
      schemac validate          # is schema.yaml right?
      schemac build             # write generated/schema.sql
      schemac check             # in CI: valid, and generated/ up to date

    Exit codes: 0 ok, 1 findings (e.g. generated/ is stale), 2 bad input.
    """


@main.command()
@spec_option
def validate(spec_path: Path) -> None:
    """Check schema.yaml: its shape, names, references, types and SQL fragments.

    Every problem is reported as FILE:LINE:COL: path.in.spec: message.

    \b
    Example:
      schemac validate --spec schema.yaml
    """
    compiled = _compile(spec_path)
    catalog = compiled.catalog
    click.echo(
        f"{spec_path}: valid ({len(catalog.tables)} tables, {len(catalog.partitions)} partitions, "
        f"{len(catalog.indexes)} indexes, {len(catalog.policies)} policies, {len(catalog.views)} views, "
        f"{len(catalog.functions)} functions)"
    )


@main.command()
@spec_option
@out_option
def build(spec_path: Path, out_dir: Path) -> None:
    """Compile schema.yaml to SQL in generated/.

    The same spec always gives byte-identical SQL, so generated/ can be
    committed and reviewed.

    \b
    Example:
      schemac build --spec schema.yaml --out generated/
    """
    compiled = _compile(spec_path)
    written = write_generated(compiled, out_dir)
    if written:
        for path in written:
            click.echo(f"wrote {path}")
    else:
        click.echo(f"{out_dir} is up to date")


@main.command()
@spec_option
@out_option
def check(spec_path: Path, out_dir: Path) -> None:
    """For CI: fail unless schema.yaml is valid and generated/ matches it.

    Builds in memory and compares with the committed files; when they
    differ, prints the diff and exits 1.

    \b
    Example:
      schemac check && git diff --exit-code generated/
    """
    compiled = _compile(spec_path)
    diff = stale_diff(compiled, out_dir)
    if diff:
        click.echo(diff, nl=False)
        click.echo(f"{out_dir} is stale: run `schemac build` and commit the result", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{spec_path} is valid and {out_dir} is up to date")


if __name__ == "__main__":  # pragma: no cover
    main()
