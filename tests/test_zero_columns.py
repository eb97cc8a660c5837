"""A table with no columns (``create table x ();``), which PostgreSQL accepts: the spec
holds it as ``columns: {}``, import writes it, apply creates it and plan sees no change."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import yaml
from click.testing import CliRunner

from schemac.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


def test_a_table_without_columns_imports_applies_and_plans_empty(tmp_path: Path, pg_cluster) -> None:
    source = tmp_path / "empty.sql"
    source.write_text("create table nothing_yet ();\ncomment on table nothing_yet is 'Columns come later.';\n")
    spec = tmp_path / "schema.yaml"
    imported = run("import", "--from", str(source), "--out", str(spec), "--dev-db", pg_cluster.url())
    assert imported.exit_code == 0, imported.output
    assert yaml.safe_load(spec.read_text())["tables"]["nothing_yet"]["columns"] == {}

    name = f"zero_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    try:
        applied = run("apply", "--db", url, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
        assert applied.exit_code == 0, applied.output
        with psycopg.connect(url) as conn:
            assert conn.execute(
                "SELECT relnatts FROM pg_class WHERE oid = 'public.nothing_yet'::regclass"
            ).fetchone() == (0,)
        planned = run("plan", "--db", url, "--to", str(spec), "--format", "json", "--dev-db", pg_cluster.url())
        assert planned.exit_code == 0, planned.output
        assert json.loads(planned.output)["steps"] == []
    finally:
        pg_cluster.drop_database(name)


def test_a_table_of_the_spec_without_columns_builds(tmp_path: Path) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text("version: 1\ntables:\n  nothing_yet:\n    columns: {}\n")
    built = run("build", "--spec", str(spec), "--out", str(tmp_path / "generated"))
    assert built.exit_code == 0, built.output
    assert "CREATE TABLE public.nothing_yet (\n);" in (tmp_path / "generated" / "schema.sql").read_text()
