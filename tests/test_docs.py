"""docs/spec.md keeps up with the spec language.

- Every key of every Pydantic model reachable from ``Spec`` (by its alias,
  the name written in schema.yaml) appears in docs/spec.md as inline code,
  and so does every value a ``Literal`` allows (``set null``, ``gin``, ...).
- Every ```yaml block of docs/spec.md that starts with ``version: 1`` is a
  complete spec and compiles. Blocks that are fragments start otherwise.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from schemac.pipeline import compile_text
from schemac.spec.models import Spec

DOC = Path(__file__).resolve().parents[1] / "docs" / "spec.md"
# Partitions by time without 'until' depend on the date; fix it.
TODAY = date(2026, 5, 15)


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _parts(annotation: typing.Any) -> list[typing.Any]:
    """The types an annotation is made of: through Annotated, unions, lists and dicts."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _parts(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return [annotation]
    if origin is not None or isinstance(annotation, types.UnionType):
        return [part for arg in typing.get_args(annotation) for part in _parts(arg)]
    return [annotation]


def _walk() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """``({key: {model, ...}}, {literal value: {model.field, ...}})`` for every model reachable from Spec."""
    keys: dict[str, set[str]] = {}
    values: dict[str, set[str]] = {}
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [Spec]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            key = field.alias or name
            keys.setdefault(key, set()).add(model.__name__)
            for part in _parts(field.annotation):
                if typing.get_origin(part) is typing.Literal:
                    for value in typing.get_args(part):
                        if isinstance(value, str):
                            values.setdefault(value, set()).add(f"{model.__name__}.{key}")
                elif isinstance(part, type) and issubclass(part, BaseModel):
                    todo.append(part)
    assert len(seen) > 10, "the walk from Spec found too few models"
    return keys, values


def _inline_code(text: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", text))


def test_every_key_is_documented() -> None:
    keys, _ = _walk()
    documented = _inline_code(_doc())
    missing = {key: sorted(models) for key, models in keys.items() if key not in documented}
    assert not missing, f"keys of the spec not written as `key` in {DOC.name}: {missing}"


def test_every_allowed_value_is_documented() -> None:
    _, values = _walk()
    documented = _inline_code(_doc())
    missing = {value: sorted(fields) for value, fields in values.items() if value not in documented}
    assert not missing, f"allowed values not written as `value` in {DOC.name}: {missing}"


def _examples() -> list[tuple[int, str]]:
    """``(line, text)`` of every ```yaml block that starts with ``version: 1``."""
    text = _doc()
    out = []
    for match in re.finditer(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", text, re.M | re.S):
        body = match.group(1)
        if body.startswith("version: 1"):
            out.append((text.count("\n", 0, match.start(1)) + 1, body))
    return out


EXAMPLES = _examples()


def test_the_docs_have_examples() -> None:
    assert len(EXAMPLES) >= 20, f"expected the examples of {DOC.name}, found {len(EXAMPLES)}"


@pytest.mark.parametrize("line, text", EXAMPLES, ids=[f"line{line}" for line, _ in EXAMPLES])
def test_example_compiles(line: int, text: str) -> None:
    # A SpecError names the block's line in docs/spec.md plus the line within it.
    compiled = compile_text(text, f"docs/spec.md (example at line {line})", today=TODAY)
    assert compiled.sql.strip()
