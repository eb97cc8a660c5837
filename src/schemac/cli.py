"""The ``schemac`` command: thin click commands over the library.

Each command lives in its own module of ``schemac.commands`` and defines one
click command named like the module; they are found and added here, so a
new command needs no edit to this file.

Exit codes: 0 success, 1 findings (stale generated files, lint errors),
2 bad input or usage (an invalid spec, a missing file, a wrong option).
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from . import __version__, commands


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
      schemac check             # in CI: valid, generated/ up to date, lint clean
      schemac lint [FILE.sql]   # lint the compiled spec, or any SQL files

    Exit codes: 0 ok, 1 findings (e.g. generated/ is stale), 2 bad input.
    """


def _add_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name == "common":
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        main.add_command(getattr(module, info.name))


_add_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
