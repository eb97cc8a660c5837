"""The library's front door: load a spec, compile it, build and check ``generated/``.

Nothing here prints or exits; problems are raised as :class:`SpecError`.
"""

from __future__ import annotations

import copy
import difflib
import os
from dataclasses import dataclass, replace
from datetime import date, datetime, UTC
from pathlib import Path

from pydantic import ValidationError

from .catalog.graph import CycleError
from .catalog.objects import Catalog
from .errors import Problem, SpecError
from .expand import ExpansionError, expand
from .gcpause import gc_paused
from .lint import Finding, LintConfig, lint_sql
from .render.sql import render
from .spec.loader import Document, Positions, load_text
from .spec.models import Spec
from .spec.privileges import allow_list
from .spec.resolve import resolve
from .spec.validate import data_path, problems_from

GENERATED_FILE = "schema.sql"


@dataclass(frozen=True)
class Compiled:
    spec: Spec
    catalog: Catalog
    sql: str


def build_date() -> date:
    """Today, or the date in SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def _without_unknown_keys(error: ValidationError, doc: Document) -> Spec | None:
    """The spec with its unknown keys left out, when they are its only shape problem.

    A misspelt key is the commonest mistake; reporting it together with the
    problems the rest of the file has saves the user a second run.
    """
    errors = error.errors()
    if any(e["type"] != "extra_forbidden" for e in errors):
        return None
    data = copy.deepcopy(doc.data)
    for e in errors:
        loc = data_path(tuple(e["loc"]), doc.data)
        parent = data
        for part in loc[:-1]:
            parent = parent[part]
        parent.pop(loc[-1], None)
    try:
        return Spec.model_validate(data)
    except ValidationError:
        return None


def compile_text(text: str, file: str = "schema.yaml", today: date | None = None) -> Compiled:
    # A large spec is hundreds of thousands of small objects kept to the end.
    with gc_paused():
        return _compile(text, file, today)


def _compile(text: str, file: str, today: date | None) -> Compiled:
    doc = load_text(text, file)
    shape: list[Problem] = []
    try:
        spec = Spec.model_validate(doc.data)
    except ValidationError as exc:
        shape = problems_from(exc, doc.positions, doc.data)
        spec = _without_unknown_keys(exc, doc)
        if spec is None:
            raise SpecError(shape) from None
    try:
        # Problems name the file as the user gave it; the SQL header names only
        # the file itself, so the output does not depend on the working directory.
        catalog = replace(resolve(spec, doc.positions, today or build_date()), source=Path(file).name)
        catalog = allow_list(spec, expanded(spec, catalog, doc.positions))
    except SpecError as exc:
        raise SpecError(shape + exc.problems) from None
    if shape:
        raise SpecError(shape)
    try:
        sql = render(catalog)
    except CycleError as exc:
        raise SpecError([Problem(1, 1, (), str(exc), file)]) from None
    return Compiled(spec, catalog, sql)


def expanded(spec: Spec, resolved: Catalog, positions: Positions) -> Catalog:
    """The resolved catalog with the conventions expanded, once. Expansions know paths, not
    positions: their problems are placed here, at their line and column in the file."""
    try:
        return expand(spec, resolved)
    except ExpansionError as exc:
        raise SpecError([positions.placed(path, message, key=key) for path, message, key in exc.issues]) from None


def read_spec(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(1, 1, (), f"no such file: {path}", str(path))]) from None
    except OSError as exc:
        raise SpecError([Problem(1, 1, (), f"cannot read {path}: {exc.strerror}", str(path))]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError([Problem(line, 1, (), "the file is not UTF-8 text", str(path))]) from None


def compile_file(path: Path, today: date | None = None) -> Compiled:
    return compile_text(read_spec(path), str(path), today)


def generated_files(compiled: Compiled) -> dict[str, str]:
    """The files ``schemac build`` writes, by name."""
    return {GENERATED_FILE: compiled.sql}


def write_generated(compiled: Compiled, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_files(compiled).items():
        target = out / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            written.append(target)
    return written


def stale_diff(compiled: Compiled, out: Path) -> str:
    """A unified diff from what is in ``out`` to what the spec builds; empty when up to date."""
    chunks = []
    for name, text in generated_files(compiled).items():
        target = out / name
        current = target.read_text() if target.exists() else ""
        if current != text:
            chunks.extend(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    fromfile=f"{target} (committed)",
                    tofile=f"{target} (built from spec)",
                )
            )
    return "".join(chunks)


def _convention_columns(spec: Spec) -> dict:
    """The column names the conventions use, so lint rules look for the same ones."""
    conventions = spec.conventions

    def named(part, default: str) -> str | None:
        if part is False or part is None:
            return None
        if part is True:
            return default
        return part if isinstance(part, str) else (part.column or default)

    soft_delete = conventions.soft_delete.column
    audit = [named(conventions.audit.created_by, "created_by"), named(conventions.audit.updated_by, "updated_by")]
    out = {"soft_delete_column": soft_delete, "audit_columns": [c for c in (*audit, soft_delete) if c]}
    if conventions.tenancy is not None:
        out["tenant_column"] = conventions.tenancy.column
    return out


def lint_config(compiled: Compiled, project: dict | None = None) -> LintConfig:
    """Lint settings: the project's ([tool.schemac.lint]), then the spec's ``lint:``.

    Which schemas are exposed and whether the target is Supabase follow from
    the spec unless a setting names them.
    """
    settings = {**(project or {}), **compiled.spec.lint}
    settings = {key.replace("-", "_"): value for key, value in settings.items()}
    for key, value in _convention_columns(compiled.spec).items():
        settings.setdefault(key, value)
    catalog = compiled.catalog
    settings.setdefault("exposed_schemas", [s.name for s in catalog.schemas if s.exposed])
    settings.setdefault("supabase", catalog.flavor == "supabase")
    return LintConfig.from_mapping(settings)


def lint_compiled(compiled: Compiled, out: Path, project: dict | None = None) -> list[Finding]:
    """Lint findings on the SQL the spec builds, located in ``out``'s files."""
    config = lint_config(compiled, project)
    findings: list[Finding] = []
    for name, text in generated_files(compiled).items():
        findings.extend(lint_sql(text, str(out / name), config))
    return findings
