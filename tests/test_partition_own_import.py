"""What a partition holds of its own (pagila's payment partitions: their own indexes and foreign keys;
MusicBrainz's artist_release_nonva_idx_sort, made on each partition and not on the table) is imported
under the partition, rebuilt from the spec as it was, and a plan from the database to the spec is empty.
A default partition's own are named, as the spec cannot write them (it says only ``default: true``)."""

from __future__ import annotations

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.cli import main

SOURCE = """
create table customers (id int primary key);
create table releases (va boolean not null, artist int not null, name text not null, n int)
    partition by list (va);
create table releases_nonva partition of releases for values in (false);
create table releases_va partition of releases for values in (true);
create table releases_default partition of releases default;
create index releases_nonva_sort on releases_nonva (artist, name);
create unique index releases_va_uniq on releases_va (artist, name);
alter table releases_va add constraint releases_va_artist_fkey foreign key (artist) references customers (id);
alter table releases_va add constraint releases_va_pkey primary key (artist, name);
alter table releases_va add constraint positive check (n > 0);
alter table releases_nonva add constraint releases_nonva_name_key unique (name);
create index releases_default_n_idx on releases_default (n);
"""


def test_a_partitions_own_objects_are_imported_and_rebuilt(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exc_info)
    output = " ".join(result.output.split())
    assert "the round trip is exact for what the spec holds (1 left out, named above)" in output, result.output
    assert "partition index releases_default_n_idx on public.releases_default" in output
    partitions = yaml.safe_load(spec.read_text())["tables"]["releases"]["partition"]["partitions"]
    assert partitions["releases_va"] == {
        "values": [True],
        "primary_key": ["artist", "name"],
        "checks": {"positive": "n > 0"},
        "foreign_keys": [{"columns": ["artist"], "references": {"table": "customers", "columns": ["id"]}}],
        "indexes": [{"columns": ["artist", "name"], "unique": True, "name": "releases_va_uniq"}],
    }
    assert partitions["releases_nonva"] == {
        "values": [False],
        "unique": [["name"]],
        "indexes": [{"columns": ["artist", "name"], "name": "releases_nonva_sort"}],
    }
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()


SERIES = """
create table events (at date not null, n int) partition by range (at);
create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01');
create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01');
create index events_2025_n on events_2025 (n);
"""


def test_partitions_by_time_that_hold_their_own_are_written_one_by_one(tmp_path, databases, pg_cluster) -> None:
    """``interval:`` makes partitions that hold nothing of their own: a series one of whose partitions does is
    written as explicit partitions, so that nothing is lost."""
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SERIES)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    partition = yaml.safe_load(spec.read_text())["tables"]["events"]["partition"]
    assert "interval" not in partition
    assert partition["partitions"]["events_2025"]["indexes"] == [{"columns": ["n"], "name": "events_2025_n"}]
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()
