"""Pydantic's validation errors -> problems a person can act on, placed in the file."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from . import models as m
from .loader import Positions
from .names import suggest


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes and containers an annotation can hold."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model class that validates the mapping found at ``loc``."""
    current: list[Any] = [m.Spec]
    for part in loc:
        following: list[Any] = []
        for annotation in current:
            origin = typing.get_origin(annotation)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
                for name, field in annotation.model_fields.items():
                    if part in (name, field.alias):
                        following.extend(_unwrap(field.annotation))
            elif origin is dict and isinstance(part, str):
                following.extend(_unwrap(typing.get_args(annotation)[1]))
            elif origin is list and isinstance(part, int):
                following.extend(_unwrap(typing.get_args(annotation)[0]))
        current = following
    models = [a for a in current if isinstance(a, type) and issubclass(a, BaseModel)]
    return models[0] if models else None


def _keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _yaml(value: Any) -> str:
    """A value as YAML writes it: true, 12, 'text'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def _describe(value: Any, raw: str | None = None) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        text = _yaml(value)
        if raw is not None and raw != text:
            return f"the boolean {text} (YAML reads an unquoted {raw} as {text}); quote it: '{raw}'"
        return f"the boolean {text}"
    if isinstance(value, str):
        return f"text '{value}'"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if raw is not None:
        return f"{raw} (YAML reads it as a {type(value).__name__}); quote it: '{raw}'"
    return repr(value)


def data_path(loc: tuple, data: Any) -> tuple:
    """Drop the parts Pydantic adds for union members (``str``, ``function-before[...]``)."""
    out = []
    for i, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
            out.append(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            out.append(part)
        elif i == len(loc) - 1 and isinstance(data, dict) and isinstance(part, str) and "[" not in part:
            out.append(part)  # a missing key
    return tuple(out)


def problems_from(error: ValidationError, positions: Positions, data: Any) -> list[Problem]:
    out: list[Problem] = []
    errors = []
    seen: set[tuple] = set()
    for err in error.errors():
        loc = data_path(tuple(err["loc"]), data)
        if loc in seen:  # one message per place, not one per union member
            continue
        seen.add(loc)
        errors.append((loc, err))
    unknown: dict[tuple, set[str]] = {}
    for loc, err in errors:
        if err["type"] == "extra_forbidden":
            unknown.setdefault(loc[:-1], set()).add(str(loc[-1]))
    for loc, err in errors:
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            keys = _keys(model) if model else []
            hint = suggest(str(loc[-1]), keys)
            if not hint and keys:
                hint = f"; expected one of: {', '.join(keys)}"
            out.append(positions.problem(loc, f"unknown key '{loc[-1]}'{hint}", key=True))
        elif kind == "missing":
            # 'typ' misspelt is reported once, as an unknown key with its suggestion.
            if any(suggest(k, [str(loc[-1])]) for k in unknown.get(loc[:-1], ())):
                continue
            out.append(positions.problem(loc[:-1], f"missing required key '{loc[-1]}'"))
        elif kind == "literal_error":
            expected = err["ctx"]["expected"]
            choices = [e.strip("'") for e in expected.replace(" or ", ", ").split(", ")]
            if isinstance(value, str) and value in choices and f"'{value}'" not in expected:
                out.append(
                    positions.problem(
                        loc, f"expected the number {value}, got text '{value}'; write {loc[-1]}: {value} without quotes"
                    )
                )
                continue
            hint = suggest(value, choices) if isinstance(value, str) else ""
            out.append(positions.problem(loc, f"{_yaml(value)} is not allowed here; expected {expected}{hint}"))
        elif kind in ("model_type", "dict_type") and value is None and len(loc) >= 2 and loc[-2] == "columns":
            # `deleted_at:` with nothing after it; the empty value has no useful position.
            out.append(
                positions.problem(loc, f"column '{loc[-1]}' has no type; write for example '{loc[-1]}: text'", key=True)
            )
        elif kind in ("model_type", "dict_type"):
            out.append(positions.problem(loc, f"expected a mapping, got {_describe(value)}", key=value is None))
        elif kind == "list_type":
            out.append(positions.problem(loc, f"expected a list, got {_describe(value)}"))
        elif kind in ("string_type",):
            out.append(positions.problem(loc, f"expected text, got {_describe(value, positions.raw.get(loc))}"))
        elif kind in ("bool_type", "bool_parsing"):
            out.append(
                positions.problem(loc, f"expected true or false, got {_describe(value, positions.raw.get(loc))}")
            )
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            out.append(
                positions.problem(loc, f"expected a whole number, got {_describe(value, positions.raw.get(loc))}")
            )
        elif kind == "value_error":
            out.append(positions.problem(loc, err["msg"].removeprefix("Value error, ")))
        else:
            out.append(positions.problem(loc, err["msg"][0].lower() + err["msg"][1:]))
    return out
