"""docs/commands.md: the reference of every ``schemac`` command, made from click's own help.

The help a command prints is its documentation; this page puts all of it in
one place, with the exit codes of each command. tests/test_recipes.py fails
when the committed page differs from what this module makes, so a changed
option or docstring is one command away from its documentation:

    python -m schemac.docgen.commands > docs/commands.md
"""

from __future__ import annotations

import click

# The project's convention (see schemac.cli); a command not listed below follows it.
GENERAL_EXIT_CODES = (
    ("0", "success"),
    ("1", "findings: the check failed (stale files, lint errors, drift, ...)"),
    ("2", "bad input or usage: an invalid spec, a missing file, a wrong option"),
)

EXIT_CODES: dict[str, tuple[tuple[str, str], ...]] = {
    "apply": (
        ("0", "applied, and the database matches the spec (or nothing to do, or --dry-run)"),
        (
            "1",
            "declined at the prompt, the database changed since the saved plan, a step failed "
            "(nothing was changed), or the database still differs afterwards",
        ),
        ("2", "bad input: the spec, the plan file or a database cannot be read"),
        ("3", "a step has a hazard that --allow-hazards does not allow; nothing was changed"),
    ),
    "build": (
        ("0", "generated/ written or already up to date (lint findings are shown, they do not fail)"),
        ("2", "the spec has problems"),
    ),
    "check": (
        ("0", "the spec is valid, generated/ is up to date, lint found no error (and no drift with --db)"),
        ("1", "generated/ is stale, lint found an error, or the database differs from the spec"),
        ("2", "the spec has problems"),
    ),
    "docs": (
        ("0", "written, or already up to date"),
        ("1", "--check: the file is stale"),
        ("2", "the spec has problems"),
    ),
    "import": (
        ("0", "written, and the round trip is exact: the spec rebuilds the source"),
        (
            "1",
            "written, but the spec does not rebuild the source exactly (or does not build); "
            "the comments at its top say how",
        ),
        ("2", "bad input: no source, a database or SQL file that cannot be read, --out exists"),
    ),
    "init": (("0", "written"), ("2", "the spec exists and --force was not given, or an unknown template")),
    "json-schema": (
        ("0", "printed or written, or already up to date"),
        ("1", "--check: the file is stale"),
        ("2", "bad usage (--check without --out)"),
    ),
    "lint": (
        ("0", "no finding at or above --fail-on"),
        ("1", "findings at or above --fail-on"),
        ("2", "the spec has problems, an unknown rule, or a bad option"),
    ),
    "plan": (
        ("0", "a plan was made, empty or not"),
        ("2", "bad input: the spec, an SQL file or a database cannot be read"),
    ),
    "validate": (("0", "the spec is valid"), ("2", "the spec has problems")),
}

WIDTH = 88  # click wraps help at the terminal's width; the page uses a fixed one


def _context(group: click.Group) -> click.Context:
    return click.Context(
        group, info_name="schemac", terminal_width=WIDTH, max_content_width=WIDTH, **group.context_settings
    )


def _help(group: click.Group, name: str | None) -> str:
    parent = _context(group)
    if name is None:
        return group.get_help(parent)
    command = group.get_command(parent, name)
    with click.Context(command, info_name=name, parent=parent, terminal_width=WIDTH, max_content_width=WIDTH) as ctx:
        return command.get_help(ctx)


def command_names(group: click.Group) -> list[str]:
    return sorted(group.list_commands(_context(group)))


def commands_markdown(group: click.Group) -> str:
    names = command_names(group)
    lines = [
        "<!-- Generated from `schemac --help` by `python -m schemac.docgen.commands > docs/commands.md`; "
        "do not edit. -->",
        "",
        "# schemac commands",
        "",
        "Every command, with its options, examples and exit codes, as `schemac COMMAND --help` prints them.",
        "",
        "| command | what it does |",
        "| --- | --- |",
    ]
    for name in names:
        summary = group.get_command(_context(group), name).get_short_help_str(limit=200)
        lines.append(f"| [`schemac {name}`](#schemac-{name}) | {summary} |")
    lines += [
        "",
        "## Exit codes",
        "",
        "Every command exits with one of these codes; what each means for one command is under it.",
        "",
        "| code | meaning |",
        "| --- | --- |",
    ]
    lines += [f"| {code} | {meaning} |" for code, meaning in GENERAL_EXIT_CODES]
    lines += [
        "| 3 | `schemac apply` only: a hazardous step was not allowed |",
        "",
        "## schemac",
        "",
        "```text",
        _help(group, None),
        "```",
    ]
    for name in names:
        lines += ["", f"## schemac {name}", "", "```text", _help(group, name), "```", "", "Exit codes:", ""]
        lines += [f"- {code}: {meaning}" for code, meaning in EXIT_CODES.get(name, GENERAL_EXIT_CODES)]
    return "\n".join(lines) + "\n"


def main() -> None:  # pragma: no cover - exercised by the command in the module docstring
    from ..cli import main as group

    click.echo(commands_markdown(group), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
