"""An index a partition holds of its own (MusicBrainz's artist_release_nonva_idx_sort, made on each partition and
not on the table) is named by import as not imported, as a plan to the spec names it, rather than counted as a
difference of the round trip."""

from __future__ import annotations

import psycopg
from click.testing import CliRunner

from schemac import live
from schemac.cli import main

SOURCE = """
create table releases (va boolean not null, artist int not null, name text not null) partition by list (va);
create table releases_nonva partition of releases for values in (false);
create table releases_va partition of releases for values in (true);
create index releases_nonva_sort on releases_nonva (artist, name);
create unique index releases_va_uniq on releases_va (artist, name);
"""


def test_a_partitions_own_index_is_named_by_import_and_left_alone(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    output = " ".join(result.output.split())
    assert "the round trip is exact for what the spec holds (2 left out, named above)" in output, result.output
    for index in ("releases_nonva_sort on public.releases_nonva", "releases_va_uniq on public.releases_va"):
        assert f"partition index {index}: the spec has no indexes of a partition's own" in output
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()
