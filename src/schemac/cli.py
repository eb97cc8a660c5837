"""The ``schemac`` command: thin click commands over the library.

Each command lives in its own module of ``schemac.commands`` and defines one
click command named like the module (``json_schema`` for ``json-schema``;
``import_`` for ``import``, whose name is a Python keyword); they are found
here, so a new command needs no edit to this file, and only the one that
runs is imported.

Exit codes: 0 success, 1 findings (stale generated files, lint errors),
2 bad input or usage (an invalid spec, a missing file, a wrong option).
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from . import __version__, commands


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or help lists it),
    so `schemac lint` does not pay for psycopg, Jinja and the planner."""

    @staticmethod
    def modules() -> dict[str, str]:
        """Command name -> module name: ``json-schema`` -> ``json_schema``, ``import`` -> ``import_``."""
        # common and _private modules are what commands share, not commands.
        names = (
            m.name for m in pkgutil.iter_modules(commands.__path__) if m.name != "common" and not m.name.startswith("_")
        )
        return {name.rstrip("_").replace("_", "-"): name for name in names}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.modules())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = self.modules().get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{commands.__name__}.{module_name}")
        return getattr(module, module_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="schemac")
@click.option("-q", "--quiet", "quiet", count=True, help="Show only findings, plans and errors.")
@click.option("-v", "--verbose", "verbose", count=True, help="Also say what each step does and how long it takes.")
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Colour the output, or not (default: on a terminal, unless NO_COLOR is set).",
)
@click.pass_context
def main(ctx: click.Context, quiet: int, verbose: int, color: bool | None) -> None:
    """schemac: PostgreSQL schema as code.

    Describe the database in schema.yaml; schemac validates it, compiles it
    to dependency-ordered SQL and checks that generated/ is up to date.

    \b
    Typical use:
      schemac validate          # is schema.yaml right?
      schemac build             # write generated/schema.sql
      schemac check             # in CI: valid, generated/ up to date, lint clean
      schemac lint [FILE.sql]   # lint the compiled spec, or any SQL files
      schemac import --db URL   # start from an existing database

    Settings come from schemac.toml or [tool.schemac] in pyproject.toml
    (docs/configuration.md); options given here win.

    Exit codes: 0 ok, 1 findings (e.g. generated/ is stale), 2 bad input.
    """
    from .config import ConfigError, load
    from .console import Output, wants_color

    output = ctx.ensure_object(Output)
    output.color = wants_color(color)
    output.verbosity = verbose - quiet
    try:
        settings = load()
    except ConfigError as exc:
        output.error(f"error: {exc}")
        ctx.exit(2)
    ctx.meta["schemac.config"] = settings
    ctx.default_map = settings.default_map()


if __name__ == "__main__":  # pragma: no cover
    main()
