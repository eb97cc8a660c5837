"""spec -> catalog in one direction: the spec package imports nothing that builds on it
(the expansions, Citus' placement, the pipeline), and a compile expands the conventions once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import schemac.expand
from schemac.pipeline import compile_file

SRC = Path(__file__).parents[1] / "src"
SPEC_PACKAGE = SRC / "schemac" / "spec"
DOWNSTREAM = ("schemac.expand", "schemac.citus", "schemac.pipeline")
VALID = Path(__file__).parent / "specs" / "valid"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports, relative imports made absolute (``from . import x`` names x too)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module
            out.add(source)
            out.update(f"{source}.{alias.name}" for alias in node.names)
    return out


def _spec_modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(SPEC_PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(_spec_modules()))
def test_spec_imports_nothing_downstream(module: str) -> None:
    wrong = sorted(name for name in _imports(_spec_modules()[module]) if any(name.startswith(d) for d in DOWNSTREAM))
    assert not wrong, f"{module} imports {', '.join(wrong)}: expand builds on spec, never the reverse"


def test_the_spec_package_has_no_import_cycle() -> None:
    modules = _spec_modules()
    graph = {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, "import cycle: " + " -> ".join((*trail[trail.index(module) :], module))
        for imported in sorted(graph[module]):
            visit(imported, (*trail, module))

    for module in sorted(graph):
        visit(module, ())


def test_a_compile_runs_the_expansions_once(monkeypatch) -> None:
    # ``clashes`` runs once at the end of every complete expansion of a valid spec.
    runs = []
    original = schemac.expand.clashes
    monkeypatch.setattr(schemac.expand, "clashes", lambda *args: runs.append(1) or original(*args))
    compile_file(VALID / "conventions.yaml")
    assert len(runs) == 1
