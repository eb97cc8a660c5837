"""The JSON Schema of schema.yaml: committed, current, and in agreement with the models.

The schema is for editors, so the costly mistake is a schema that flags a
spec schemac accepts. Every spec known to be valid must pass it (the
reference, tests/specs/valid, the starters, every complete example of
docs/spec.md), and every malformed spec the models accept must pass it too.
Mistakes of shape that the models refuse (a misspelt key, a value not
allowed, a wrong kind of value) must fail it.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from schemac.cli import main
from schemac.docgen.spec_schema import COMMITTED_PATH, SHORTHANDS, spec_json_schema, spec_json_schema_text
from schemac.errors import SpecError
from schemac.pipeline import read_spec
from schemac.spec.loader import load_text
from schemac.spec.models import Spec
from schemac.starters import TEMPLATES, template_text

ROOT = Path(__file__).parents[1]
COMMITTED = ROOT / COMMITTED_PATH


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = spec_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _as_editor_sees(value: Any) -> Any:
    """YAML data as JSON: editors read YAML 1.2, where 2024-01-01 is text, not a date."""
    if isinstance(value, dict):
        return {key: _as_editor_sees(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _errors(validator: Draft202012Validator, text: str) -> list[str]:
    data = _as_editor_sees(load_text(text, "spec.yaml").data)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(data)]


def test_the_committed_copy_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == spec_json_schema_text(), (
        f"{COMMITTED_PATH} is stale: run `schemac json-schema --out {COMMITTED_PATH}` and commit it"
    )


def _valid_specs() -> list[tuple[str, str]]:
    specs = [("schema.yaml", (ROOT / "schema.yaml").read_text())]
    specs += [(f"specs/valid/{p.name}", p.read_text()) for p in sorted((ROOT / "tests/specs/valid").glob("*.yaml"))]
    specs += [(f"starter {name}", template_text(name)) for name in TEMPLATES]
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs/spec.md").read_text(), re.S)
    specs += [(f"docs/spec.md example {n}", b) for n, b in enumerate(blocks, 1) if b.startswith("version: 1")]
    return specs


@pytest.mark.parametrize("name,text", _valid_specs(), ids=[name for name, _ in _valid_specs()])
def test_valid_specs_pass(validator: Draft202012Validator, name: str, text: str) -> None:
    assert _errors(validator, text) == []


# Each shorthand of the models, written as a user would.
SHORTHAND_SPECS = {
    "extension by name": "extensions: [citext]",
    "enum as a list": "enums: {e: [a, b]}",
    "column as its type": "tables: {t: {columns: {a: text}}}",
    "reference as table.column": "tables: {t: {columns: {a: {type: int, references: u.id}}}}",
    "unique as a list": "tables: {t: {columns: {a: int}, unique: [[a]]}}",
    "index key as text": "tables: {t: {columns: {a: int}, indexes: [{columns: [a desc nulls last]}]}}",
    "rls as a boolean": "tables: {t: {columns: {a: int}, rls: true}}",
    "one role": "tables: {t: {columns: {a: int}, policies: {p: {roles: authenticated, using: 'true'}}}}",
    "one privilege": "tables: {t: {columns: {a: int}, grants: [{to: public, privileges: select}]}}",
    "one trigger event": "tables: {t: {columns: {a: int}, triggers: {g: {function: f, events: update}}}}",
    "primary key as one column": "tables: {t: {columns: {a: int}, primary_key: a}}",
    "SQL as a number": "tables: {t: {columns: {a: {type: int, default: 0}}}}",
    "SQL as a boolean": "tables: {t: {columns: {a: int}, policies: {p: {using: true}}}}",
    "argument as text": "functions: {f: {returns: int, body: select 1, args: [p_a int, uuid]}}",
    "partition start as a year": (
        "tables: {t: {columns: {a: date}, partition: {by: range, column: a, interval: year, start: 2024}}}"
    ),
    "schemas as a list": "schemas: [app]",
    "schema without settings": "schemas: {app: }",
}


@pytest.mark.parametrize("fragment", SHORTHAND_SPECS.values(), ids=SHORTHAND_SPECS.keys())
def test_shorthands_pass_as_the_models_take_them(validator: Draft202012Validator, fragment: str) -> None:
    text = f"version: 1\n{fragment}\n"
    Spec.model_validate(load_text(text, "spec.yaml").data)  # the models take it: the shape is right
    assert _errors(validator, text) == []


MISTAKES = {
    "misspelt top-level key": "tabels: {}",
    "misspelt column key": "tables: {t: {columns: {a: {type: int, not_nul: true}}}}",
    "unknown command": "tables: {t: {columns: {a: int}, policies: {p: {command: read}}}}",
    "unknown flavor": "target: {flavor: supabasee}",
    "column type missing": "tables: {t: {columns: {a: {not_null: true}}}}",
    "privileges of the wrong kind": "tables: {t: {columns: {a: int}, grants: [{to: public, privileges: {select: 1}}]}}",
    "rls as text": "tables: {t: {columns: {a: int}, rls: enabled}}",
    "version 2": "version: 2",
}


@pytest.mark.parametrize("fragment", MISTAKES.values(), ids=MISTAKES.keys())
def test_mistakes_of_shape_fail(validator: Draft202012Validator, fragment: str) -> None:
    text = fragment if fragment.startswith("version") else f"version: 1\n{fragment}\n"
    with pytest.raises(ValidationError):
        Spec.model_validate(load_text(text, "spec.yaml").data)
    assert _errors(validator, text) != []


def _malformed_specs() -> list[Path]:
    return sorted((ROOT / "tests/specs/invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", _malformed_specs(), ids=lambda p: p.stem)
def test_the_editor_never_flags_what_the_models_accept(validator: Draft202012Validator, path: Path) -> None:
    # tests/specs/invalid holds specs that are wrong in shape, and specs whose
    # shape is right but whose names, references or SQL are not; only the
    # first kind may be flagged by the editor.
    try:
        text = read_spec(path)
        Spec.model_validate(load_text(text, path.name).data)
    except (SpecError, ValidationError):
        return  # not UTF-8, not YAML, or refused by the models: the editor may flag it
    assert _errors(validator, text) == []


def _before_validators(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        if node.get("type") == "function-before":
            found.add(node["function"]["function"].__qualname__)
        for value in node.values():
            _before_validators(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _before_validators(value, found)
    return found


def test_every_shorthand_is_described_and_none_is_stale() -> None:
    validators = _before_validators(Spec.__pydantic_core_schema__, set())
    missing, stale = sorted(validators - set(SHORTHANDS)), sorted(set(SHORTHANDS) - validators)
    assert not missing, (
        f"before-validators of the spec models that the JSON Schema does not describe: {missing}; "
        "say what each accepts in SHORTHANDS (src/schemac/docgen/spec_schema.py)"
    )
    assert not stale, f"SHORTHANDS names validators the models no longer have: {stale}"


def test_descriptions_are_markdown_and_the_top_level_keys_have_one() -> None:
    schema = spec_json_schema()
    assert "``" not in json.dumps(schema)
    assert all("description" in prop for prop in schema["properties"].values())


def test_command_prints_writes_and_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["json-schema"])
    assert printed.exit_code == 0
    assert printed.output == spec_json_schema_text()
    out = tmp_path / "schemac.schema.json"
    assert runner.invoke(main, ["json-schema", "--out", str(out), "--check"]).exit_code == 1
    written = runner.invoke(main, ["json-schema", "--out", str(out)])
    assert written.exit_code == 0 and f"wrote {out}" in written.output
    assert out.read_text() == spec_json_schema_text()
    assert runner.invoke(main, ["json-schema", "--out", str(out), "--check"]).exit_code == 0
    assert runner.invoke(main, ["json-schema", "--check"]).exit_code == 2
