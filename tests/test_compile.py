"""Every valid spec in tests/specs/valid: golden SQL, parses back, deterministic, applies.

A case is a ``NAME.yaml`` with its expected ``NAME.sql`` beside it. To accept
a deliberate change of output, run with ``SCHEMAC_UPDATE_GOLDEN=1`` and review
the diff.
"""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest
from pglast import parser

from schemac.pipeline import compile_text
from schemac.supabase import NOT_MANAGED, install_standin

VALID = Path(__file__).parent / "specs" / "valid"
REFERENCE = Path(__file__).parents[1] / "schema.yaml"
CASES = sorted(VALID.glob("*.yaml")) + [REFERENCE]
TODAY = date(2026, 11, 26)


def _compile(path: Path) -> str:
    return compile_text(path.read_text(), path.name, TODAY).sql


@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    sql = _compile(path)
    golden = path.with_suffix(".sql")
    if os.environ.get("SCHEMAC_UPDATE_GOLDEN"):
        golden.write_text(sql)
    assert golden.exists(), f"no golden file {golden.name}; run with SCHEMAC_UPDATE_GOLDEN=1"
    assert sql == golden.read_text()


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_deterministic_and_parses_back(path: Path) -> None:
    sql = _compile(path)
    assert sql == _compile(path), "two compiles of one spec differ"
    statements = parser.split(sql)
    assert len(statements) > 3
    for statement in statements:
        assert len(parser.parse_sql(statement)) == 1


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_applies(path: Path, pg_cluster) -> None:
    sql = _compile(path)
    name = f"apply_{path.stem}_{uuid.uuid4().hex[:6]}"
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            if "flavor: supabase" in path.read_text():
                install_standin(conn)
            with conn.transaction():
                conn.execute(sql)
            tables = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                "   AND n.nspname <> ALL(%s)",  # the stand-in's tables (auth, storage) are the platform's
                (list(NOT_MANAGED),),
            ).fetchone()[0]
            assert tables == sql.count("\nCREATE TABLE ") + sql.count("\nCREATE UNLOGGED TABLE ")
    finally:
        pg_cluster.drop_database(name)
