"""How the commands talk to a person: colour on a terminal, plain text everywhere else.

The library returns data and never prints; the commands hand what they have
to an :class:`Output`, which decides how it looks:

- plain text, exactly as the formatters write it, when stdout is not a
  terminal (a pipe, a file, CI logs, click's test runner), with
  ``--no-color``, or when ``NO_COLOR`` is set (https://no-color.org);
- with rich on a terminal (or with ``--color``): findings coloured by
  severity, plans as a table with their hazards in red, a spinner on stderr
  while the database is read or written, a coloured summary line.

``-q`` leaves out what only reports progress or success ("wrote ...", "is
up to date", summaries); findings, plans, diffs and errors are always shown.
``-v`` adds what each step is doing and how long it took, on stderr.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import click

QUIET, NORMAL, VERBOSE = -1, 0, 1


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def wants_color(flag: bool | None, environ=os.environ) -> bool:
    """``--color`` / ``--no-color`` when given; else a terminal without ``NO_COLOR`` or ``TERM=dumb``."""
    if flag is not None:
        return flag
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return stdout_is_terminal()


@dataclass
class Output:
    color: bool = False
    verbosity: int = NORMAL

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET

    # -- plain lines ------------------------------------------------------------

    def info(self, message: str, *, err: bool = False, nl: bool = True) -> None:
        """A progress or success message; left out with -q."""
        if not self.quiet:
            click.echo(message, err=err, nl=nl)

    def echo(self, message: str, *, err: bool = False, nl: bool = True) -> None:
        """What the command is for (a plan, a diff, a document): always shown."""
        click.echo(message, err=err, nl=nl)

    def error(self, message: str) -> None:
        click.echo(self._styled(message, "red") if self.color else message, err=True)

    def detail(self, message: str) -> None:
        """With -v only, on stderr."""
        if self.verbosity >= VERBOSE:
            click.echo(self._styled(message, "dim") if self.color else message, err=True)

    def summary(self, message: str, *, ok: bool = True, err: bool = False) -> None:
        """The last line of a command's output: green when all is well, yellow when not (left out with -q)."""
        if self.quiet:
            return
        if self.color:
            click.echo(self._styled(message, "green" if ok else "yellow", bold=True), err=err, color=True)
        else:
            click.echo(message, err=err)

    # -- rich renderings ----------------------------------------------------------

    def _render(self, *renderables, wrap: bool = True) -> str:
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(
            file=buffer,
            force_terminal=True,
            color_system="standard",
            highlight=False,
            width=shutil.get_terminal_size((100, 24)).columns,
        )
        for renderable in renderables:
            console.print(renderable, soft_wrap=not wrap)
        return buffer.getvalue()

    def _styled(self, message: str, style: str, bold: bool = False) -> str:
        if style == "dim":
            return click.style(message, dim=True)
        return click.style(message, fg=style, bold=bold or None)

    def findings(self, findings: list, plain: str) -> None:
        """Lint findings: ``plain`` as the text formatter wrote it, or coloured by severity."""
        if not findings:
            return
        if not self.color:
            click.echo(plain, nl=False)
            return
        from rich.text import Text

        colors = {"error": "bold red", "warning": "yellow", "info": "cyan"}
        lines = []
        for f in findings:
            line = Text()
            line.append(f"{f.file}:{f.line}:{f.column}:", style="bold")
            line.append(" ")
            line.append(f.severity.value, style=colors.get(f.severity.value, ""))
            line.append(" ")
            line.append(f.code, style="bold")
            line.append(f" {f.name}: {f.message}")
            lines.append(line)
            if f.help:
                lines.append(Text(f"    help: {f.help}", style="dim"))
        # Lines are not wrapped, so that FILE:LINE:COL stays at the start of one line.
        click.echo(self._render(*lines, wrap=False), nl=False, color=True)

    def plan(self, plan, plain: str) -> None:
        """A plan: ``plain`` as the text format wrote it, or a table of steps with hazards highlighted."""
        if not self.color:
            click.echo(plain, nl=False)
            return
        from rich import box
        from rich.console import Group
        from rich.syntax import Syntax
        from rich.table import Table
        from rich.text import Text

        notes = [Text(f"note: {note}", style="dim") for note in plan.notes]
        if plan.empty:
            click.echo(
                self._render(Text("No changes: the database matches.", style="bold green"), *notes),
                nl=False,
                color=True,
            )
            return
        table = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=False, pad_edge=False)
        table.add_column("#", justify="right", style="dim")
        table.add_column("step")
        table.add_column("hazards", style="bold red")
        outside = any(not step.transactional for step in plan.steps)
        if outside:  # where a step runs is said only when some run outside the transaction
            table.add_column("runs", style="cyan")
        for number, step in enumerate(plan.steps, 1):
            title = step.title
            sql = Syntax(step.sql, "sql", theme="ansi_dark", background_color="default", word_wrap=True)
            cells = [
                str(number),
                Group(Text(title, style="bold red" if step.hazards else "bold"), sql),
                "\n".join(sorted(step.hazards)),
            ]
            if outside:
                cells.append("" if step.transactional else f"{step.phase.name.lower()} the transaction")
            table.add_row(*cells)
        hazards = sorted(plan.hazards)
        last = Text(f"{len(plan.steps)} steps")
        if hazards:
            last.append(f"; hazards: {', '.join(hazards)}", style="bold red")
        click.echo(self._render(table, last, *notes), nl=False, color=True)

    def diff(self, text: str) -> None:
        """A unified diff (a stale generated file), coloured on a terminal."""
        if not self.color or not text:
            click.echo(text, nl=False)
            return
        styled = []
        for line in text.splitlines(keepends=True):
            if line.startswith(("+++", "---")):
                styled.append(click.style(line, bold=True))
            elif line.startswith("+"):
                styled.append(click.style(line, fg="green"))
            elif line.startswith("-"):
                styled.append(click.style(line, fg="red"))
            elif line.startswith("@@"):
                styled.append(click.style(line, fg="cyan"))
            else:
                styled.append(line)
        click.echo("".join(styled), nl=False, color=True)

    @contextmanager
    def progress(self, what: str) -> Iterator[None]:
        """A spinner on stderr while ``what`` runs (on a terminal); with -v, a line and the time it took."""
        started = time.monotonic()
        self.detail(f"{what} ...")
        try:
            if self.color and not self.quiet and stderr_is_terminal():
                from rich.console import Console

                with Console(stderr=True).status(what, spinner="dots"):
                    yield
            else:
                yield
        finally:
            self.detail(f"{what}: {time.monotonic() - started:.1f}s")


def current() -> Output:
    """The Output the ``schemac`` group made for this run (plain, normal, outside one)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Output) if ctx is not None else None
    return found or Output()
