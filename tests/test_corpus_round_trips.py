"""Imports that did not round-trip on the real-world corpus (bench/corpus.py), each as a minimal
case: ``schemac import`` proves its spec rebuilds the database exactly (exit 0), and the spec
says what the database holds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from schemac.cli import main


def imported(tmp_path: Path, pg_cluster, sql: str) -> dict:
    source = tmp_path / "source.sql"
    source.write_text(sql)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--from", str(source), "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    return yaml.safe_load(spec.read_text())


def test_a_check_no_inherit(tmp_path: Path, pg_cluster) -> None:
    spec = imported(
        tmp_path,
        pg_cluster,
        "create table parent_base (id uuid primary key, name text not null,\n"
        "  constraint no_direct_insert check (false) no inherit,\n"
        "  constraint named check (name <> ''));\n",
    )
    checks = spec["tables"]["parent_base"]["checks"]
    assert checks["no_direct_insert"] == {"expression": "false", "no_inherit": True}
    assert checks["named"] == "name <> ''::text"


def test_varchar_in_lists(tmp_path: Path, pg_cluster) -> None:
    # PostgreSQL prints these in a form it reads back as other expressions.
    spec = imported(
        tmp_path,
        pg_cluster,
        "create table orders (id int primary key, status varchar(10) not null\n"
        "  check (status in ('pending', 'shipped', 'delivered')));\n"
        "create index orders_open on orders (id) where status in ('pending', 'shipped');\n"
        "alter table orders enable row level security;\n"
        "create policy orders_open on orders for select using (status in ('pending', 'shipped'));\n"
        "create view open_orders as select id from orders where status in ('pending', 'shipped');\n",
    )
    assert "status" in spec["tables"]["orders"]["columns"]


def test_index_comments(tmp_path: Path, pg_cluster) -> None:
    spec = imported(
        tmp_path,
        pg_cluster,
        "create table users (id int primary key, email text);\n"
        "create index users_email on users (email);\n"
        "comment on index users_email is 'For looking users up by email';\n"
        "create materialized view user_emails as select id, email from users;\n"
        "create index user_emails_email on user_emails (email);\n"
        "comment on index user_emails_email is 'For email search';\n",
    )
    assert spec["tables"]["users"]["indexes"][0]["comment"] == "For looking users up by email"
    assert spec["materialized_views"]["user_emails"]["indexes"][0]["comment"] == "For email search"


def test_a_virtual_generated_column(tmp_path: Path, pg_cluster) -> None:
    if pg_cluster.server_version_num < 180000:
        pytest.skip("virtual generated columns are new in PostgreSQL 18")
    spec = imported(
        tmp_path,
        pg_cluster,
        "create table vt (slug text not null, identifier text generated always as ('urn:' || slug));\n",
    )
    assert spec["tables"]["vt"]["columns"]["identifier"]["virtual"] is True
