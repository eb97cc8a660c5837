"""The seed's broken schema trips every seed rule where the mistake is; the
same schema written properly lints clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemac.lint import lint_files

FIXTURES = Path(__file__).parent / "fixtures"
MARKER = "-- seed mistake: "

SEED_RULES = {
    "composite-pk-fk-trap",
    "soft-delete-filter-missing",
    "append-only-mutable",
    "date-timestamptz-mix",
    "audit-column-unindexed",
    "mv-freshness-proxy",
}


def _marked_lines(path: Path) -> list[tuple[int, str]]:
    marked = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if MARKER in line:
            marked.append((number, line.split(MARKER, 1)[1].strip()))
    return marked


def test_the_fixture_marks_every_seed_mistake():
    assert {rule for _, rule in _marked_lines(FIXTURES / "seed_broken.sql")} == SEED_RULES


@pytest.mark.parametrize(("line", "rule"), _marked_lines(FIXTURES / "seed_broken.sql"))
def test_seed_mistake_is_caught_where_it_is(line, rule):
    findings = lint_files([FIXTURES / "seed_broken.sql"])
    assert any(f.name == rule and f.line == line for f in findings), [
        (f.line, f.name) for f in findings if f.name == rule
    ]


def test_seed_mistakes_are_errors_or_warnings():
    findings = lint_files([FIXTURES / "seed_broken.sql"])
    assert {f.name for f in findings if f.severity.value in ("error", "warning")} >= SEED_RULES


def test_the_seed_schema_done_right_lints_clean():
    findings = lint_files([FIXTURES / "seed_fixed.sql"])
    assert [f"{f.line}:{f.column} {f.name}: {f.message}" for f in findings] == []
