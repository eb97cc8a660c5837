"""Project settings: ``schemac.toml``, or ``[tool.schemac]`` in pyproject.toml.

Read from the current directory. ``schemac.toml`` holds the keys at its top
level and wins over pyproject.toml when both exist:

    spec = "db/schema.yaml"        # the spec the commands read (and init/import write)
    out = "db/generated"           # the folder of the generated SQL
    docs = "docs/schema.md"        # the Markdown reference `schemac docs` writes
    dev-db = "postgresql://localhost/postgres"   # a server for scratch databases
    lock-timeout = "5s"            # how long plan, check and apply wait for a lock (--lock-timeout)
    [lint]                         # as the spec's `lint:` section, which wins over it
    exposed-schemas = ["api"]

A command-line option wins over an environment variable, which wins over
these settings, which win over the built-in defaults. The database a
command works on is never written here: ``--db`` reads
``SCHEMAC_DATABASE_URL``, then ``DATABASE_URL``. docs/configuration.md is
the user's reference.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .lint import LintConfig

FILE = "schemac.toml"
PYPROJECT = "pyproject.toml"
DATABASE_URL_VARIABLES = ("SCHEMAC_DATABASE_URL", "DATABASE_URL")
DEV_DB_VARIABLE = "SCHEMAC_DEV_DB"
KEYS = ("spec", "out", "docs", "dev-db", "lock-timeout", "lint")


class ConfigError(ValueError):
    """The settings cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    source: str | None = None  # "schemac.toml" or "pyproject.toml [tool.schemac]"; None when there is none
    spec: Path | None = None
    out: Path | None = None
    docs: Path | None = None
    dev_db: str | None = None
    lock_timeout: str | None = None
    lint: dict[str, Any] = field(default_factory=dict)

    def default_map(self) -> dict[str, dict[str, Any]]:
        """Defaults for the commands' options, as click's ``default_map`` takes them (by parameter name)."""
        spec = {"spec_path": self.spec} if self.spec else {}
        goal = {"goal": str(self.spec)} if self.spec else {}
        out = {"out_dir": self.out} if self.out else {}
        docs = {"out_file": self.docs} if self.docs else {}
        dev_db = {"dev_db": self.dev_db} if self.dev_db else {}
        written = {"out_file": self.spec} if self.spec else {}
        reads = {"lock_timeout": self.lock_timeout} if self.lock_timeout else {}
        return {
            "validate": spec,
            "build": {**spec, **out},
            "check": {**spec, **out, **dev_db, **reads, **({"docs_file": self.docs} if self.docs else {})},
            "lint": {**spec, **out},
            "docs": {**spec, **docs},
            "init": spec,
            "plan": {**goal, **dev_db, **reads},
            "apply": {**goal, **dev_db, **reads},
            "import": {**written, **dev_db},
        }


def database_url(environ: Mapping[str, str] = os.environ) -> str | None:
    """The database URL the environment gives: ``SCHEMAC_DATABASE_URL``, else ``DATABASE_URL``."""
    for name in DATABASE_URL_VARIABLES:
        if environ.get(name):
            return environ[name]
    return None


def _settings(path: Path, table: Any, where: str, prefix: str = "") -> Config:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            from .spec.names import suggest  # only on this error: it imports the catalog, which lint never needs

            raise ConfigError(
                f"{where}: unknown setting '{key}'{suggest(key, KEYS)}; the settings are {', '.join(KEYS)}"
            )
        if key == "lint":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'lint' must be a table ([{prefix}lint])")
            try:
                LintConfig.from_mapping(value)
            except (ValueError, AttributeError) as exc:
                raise ConfigError(f"{path}: [{prefix}lint]: {exc}") from None
            values["lint"] = dict(value)
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: '{key}' must be a non-empty string")
        elif key == "dev-db":
            values["dev_db"] = value
        elif key == "lock-timeout":
            values["lock_timeout"] = value
        else:
            values[key] = Path(value)
    return Config(source=str(path), **values)


def _has_settings(directory: Path) -> bool:
    if (directory / FILE).is_file():
        return True
    try:
        data = tomllib.loads((directory / PYPROJECT).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "schemac" in data["tool"]


def project_folder(spec: Path) -> Path:
    """The folder of the project ``spec`` belongs to: the nearest folder at or above the spec's
    with settings (schemac.toml, or pyproject.toml with [tool.schemac]), else the spec's own;
    relative to the current folder when it is inside it."""
    here = Path.cwd()
    start = (here / spec).resolve().parent
    found = next((folder for folder in (start, *start.parents) if _has_settings(folder)), start)
    return found.relative_to(here) if found.is_relative_to(here) else found


def load(directory: Path = Path(".")) -> Config:
    """The settings of the project in ``directory``; ``Config()`` when it has none."""
    own = directory / FILE
    pyproject = directory / PYPROJECT
    for path, section in ((own, None), (pyproject, ("tool", "schemac"))):
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        if section is None:
            return _settings(path, data, str(path))
        table = data.get("tool", {}).get("schemac") if isinstance(data.get("tool"), dict) else None
        if table is not None:
            return _settings(path, table, f"{path}: [tool.schemac]", "tool.schemac.")
    return Config()
