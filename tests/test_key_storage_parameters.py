"""Storage parameters of the index behind a primary key, unique or exclusion constraint (``PRIMARY KEY (id) WITH
(fillfactor = 60)``): written in the spec, built, read back, imported, and changed in place (``ALTER INDEX ...
SET``), or on a partitioned table, whose index PostgreSQL cannot alter so, by making the key again."""

from __future__ import annotations

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.cli import main

SOURCE = """
create table orders (id bigint primary key with (fillfactor = 60), code text, ref text, during int4range,
                     unique (code) with (fillfactor = 50, deduplicate_items = off));
alter table orders add constraint orders_ref_key unique (ref) with (fillfactor = 70) deferrable;
alter table orders add constraint orders_during_excl exclude using gist (during with &&) with (fillfactor = 80);
create table events (id bigint, at date, primary key (id, at) with (fillfactor = 90)) partition by range (at);
create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
"""


def test_key_storage_parameters_import_back_exactly(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    tables = yaml.safe_load(spec.read_text())["tables"]
    orders = tables["orders"]
    assert orders["primary_key"] == {"columns": ["id"], "storage_parameters": {"fillfactor": 60}}
    assert orders["unique"] == [
        {
            "columns": ["code"],
            "name": "orders_code_key",
            "storage_parameters": {"fillfactor": 50, "deduplicate_items": "off"},
        },
        {
            "columns": ["ref"],
            "name": "orders_ref_key",
            "deferrable": "initially immediate",
            "storage_parameters": {"fillfactor": 70},
        },
    ]
    assert orders["exclude"][0]["storage_parameters"] == {"fillfactor": 80}
    assert tables["events"]["primary_key"] == {"columns": ["id", "at"], "storage_parameters": {"fillfactor": 90}}
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()


SPEC = """\
version: 1
tables:
  orders:
    columns:
      id: bigint
      code: text
    primary_key: {columns: [id], storage_parameters: {fillfactor: 60}}
    unique: [{columns: [code], storage_parameters: {fillfactor: 50}}]
  events:
    columns:
      id: bigint
      at: date
    primary_key: {columns: [id, at], storage_parameters: {fillfactor: 90}}
    partition: {by: range, column: at, interval: year, start: 2026, until: 2026}
"""


def test_key_storage_parameters_change_in_place(databases, converge) -> None:
    url = databases()
    converge(url, SPEC)
    changed = SPEC.replace("{fillfactor: 60}", "{fillfactor: 70}").replace(
        "unique: [{columns: [code], storage_parameters: {fillfactor: 50}}]", "unique: [[code]]"
    )
    steps = converge(url, changed).steps
    assert sorted(s.sql for s in steps) == [
        "ALTER INDEX public.orders_code_key RESET (fillfactor);",
        "ALTER INDEX public.orders_pkey SET (fillfactor = 70);",
    ]
    assert all(not s.hazards for s in steps)
    # A partitioned table's key index cannot be altered: the key is made again.
    steps = converge(url, changed.replace("{fillfactor: 90}", "{fillfactor: 80}"))
    assert any("ADD CONSTRAINT events_pkey PRIMARY KEY (id, at) WITH (fillfactor = 80)" in s.sql for s in steps.steps)
    with psycopg.connect(url) as conn:
        options = dict(
            conn.execute(
                "select relname, reloptions from pg_class where relname in ('orders_pkey', 'events_pkey', 'orders_code_key')"
            ).fetchall()
        )
    assert options == {"orders_pkey": ["fillfactor=70"], "events_pkey": ["fillfactor=80"], "orders_code_key": None}
