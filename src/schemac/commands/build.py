"""schemac build"""

from __future__ import annotations

from pathlib import Path

import click

from ..lint import Severity, at_or_above
from ..pipeline import lint_compiled, write_generated
from .common import compile_or_exit, in_project, out_option, output, project_lint_settings, report_findings, spec_option


@click.command()
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
    out = output()
    out_dir = in_project("out_dir", spec_path)
    compiled = compile_or_exit(spec_path)
    written = write_generated(compiled, out_dir)
    if written:
        for path in written:
            out.info(f"wrote {path}")
    else:
        out.info(f"{out_dir} is up to date")
    report_findings(at_or_above(lint_compiled(compiled, out_dir, project_lint_settings()), Severity.WARNING))
