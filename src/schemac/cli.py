"""The ``schemac`` command: thin click commands over the library.

Each command lives in its own module of ``schemac.commands`` and defines one
click command named like the module (``json_schema`` for ``json-schema``);
they are found here, so a new command needs no edit to this file, and only
the one that runs is imported.

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

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = (m.name for m in pkgutil.iter_modules(commands.__path__) if m.name != "common")
        return sorted(name.replace("_", "-") for name in names)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"{commands.__name__}.{name.replace('-', '_')}")
        return getattr(module, name.replace("-", "_"))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="schemac")
def main() -> None:
    """schemac: PostgreSQL schema as code.

    Describe the database in schema.yaml; schemac validates it, compiles it
    to dependency-ordered SQL and checks that generated/ is up to date.

    \b
    Typical use:
      schemac validate          # is schema.yaml right?
      schemac build             # write generated/schema.sql
      schemac check             # in CI: valid, generated/ up to date, lint clean
      schemac lint [FILE.sql]   # lint the compiled spec, or any SQL files

    Exit codes: 0 ok, 1 findings (e.g. generated/ is stale), 2 bad input.
    """


if __name__ == "__main__":  # pragma: no cover
    main()
