"""A publication's column lists and row filters (PostgreSQL 15: ``FOR TABLE trips (id, distance) WHERE (...)``):
written in the spec, built, read back, imported and planned in place (``ALTER PUBLICATION ... SET TABLE``)."""

from __future__ import annotations

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.cli import main
from schemac.docgen.markdown import markdown
from schemac.pipeline import compile_text

TABLES = """\
version: 1
target: {postgres: 15}
tables:
  vehicles:
    columns:
      id: {type: bigint, primary_key: true}
      vin: text
  trips:
    columns:
      id: {type: bigint, primary_key: true}
      vehicle_id: bigint
      distance: numeric
      driver_note: text
"""

FILTERED = (
    TABLES
    + """\
publications:
  fleet:
    tables:
      - vehicles
      - {table: trips, columns: [distance, id, vehicle_id], where: distance > 0}
"""
)


def test_column_lists_and_row_filters_are_built_in_the_tables_column_order() -> None:
    sql = compile_text(FILTERED).sql
    assert (
        "CREATE PUBLICATION fleet\n    FOR TABLE public.trips (id, vehicle_id, distance) WHERE (distance > 0), "
        "public.vehicles\n" in sql
    )


def test_the_docs_show_the_columns_and_rows_sent() -> None:
    assert (
        "| `fleet` | `trips` (columns `id`, `vehicle_id`, `distance`) (rows where `distance > 0`), `vehicles` |"
        in markdown(compile_text(FILTERED).catalog)
    )


SOURCE = """
create schema app;
create table vehicles (id bigint primary key, vin text);
create table app.trips (id bigint primary key, vehicle_id bigint, distance numeric, driver_note text);
create publication fleet for table vehicles (id), app.trips (vehicle_id, id) where (distance > 0 and vehicle_id is not null)
    with (publish = 'insert');
create publication rows_only for table app.trips where (driver_note is null);
"""


def test_column_lists_and_row_filters_import_back_exactly(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    assert yaml.safe_load(spec.read_text())["publications"] == {
        "fleet": {
            "tables": [
                {
                    "table": "app.trips",
                    "columns": ["id", "vehicle_id"],
                    "where": "(distance > (0)::numeric) AND (vehicle_id IS NOT NULL)",
                },
                {"table": "vehicles", "columns": ["id"]},
            ],
            "publish": ["insert"],
        },
        "rows_only": {"tables": [{"table": "app.trips", "where": "driver_note IS NULL"}]},
    }
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()


def test_another_column_list_or_row_filter_is_set_in_place_with_its_hazards(databases, converge) -> None:
    url = databases()
    converge(url, FILTERED)
    with psycopg.connect(url) as conn:
        conn.execute("insert into trips values (1, 1, 5, 'kept')")
    # Fewer columns, a narrower filter: subscribers get less.
    narrower = FILTERED.replace(
        "[distance, id, vehicle_id], where: distance > 0", "[id, distance], where: distance > 1"
    )
    steps = converge(url, narrower).steps
    assert [s.sql for s in steps] == [
        "ALTER PUBLICATION fleet SET TABLE public.trips (id, distance) WHERE ((distance > (1)::numeric)), public.vehicles;"
    ]
    assert steps[0].hazards == {"breaks-clients", "widens-access"}  # another filter sends rows it did not
    # Every column and row again: more is sent, and nothing less.
    everything = FILTERED.replace("{table: trips, columns: [distance, id, vehicle_id], where: distance > 0}", "trips")
    steps = converge(url, everything).steps
    assert [s.sql for s in steps] == ["ALTER PUBLICATION fleet SET TABLE public.trips, public.vehicles;"]
    assert steps[0].hazards == {"widens-access"}
    # A filtered table added to it: ADD TABLE with its list and filter.
    added = TABLES + "publications:\n  fleet:\n    tables: [vehicles]\n"
    converge(url, added)
    steps = converge(url, FILTERED).steps
    assert [s.sql for s in steps] == [
        "ALTER PUBLICATION fleet ADD TABLE public.trips (id, vehicle_id, distance) WHERE ((distance > (0)::numeric));"
    ]
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from trips").fetchone()[0] == 1


def test_a_schema_a_publication_publishes_is_named_and_left_alone(tmp_path, databases, pg_cluster) -> None:
    # FOR TABLES IN SCHEMA needs a superuser, which the role that builds a spec on the scratch server is not.
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE + "create publication whole_app for tables in schema app, table vehicles;")
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    output = " ".join(result.output.split())
    assert "the round trip is exact for what the spec holds (1 left out, named above)" in output, result.output
    assert "publication schema whole_app: tables in schema app: the spec has no publications of a schema's" in output
    assert yaml.safe_load(spec.read_text())["publications"]["whole_app"] == {"tables": ["vehicles"]}
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()
    assert ("publication schema", "whole_app: tables in schema app") in {(o.kind, o.name) for o in migration.unmanaged}


def test_a_column_a_publication_names_is_dropped_after_the_table_leaves_it(databases, converge) -> None:
    # PostgreSQL drops no column that a publication's column list or row filter names.
    url = databases()
    before = (
        TABLES
        + "publications:\n  fleet:\n    tables: [{table: trips, columns: [id, driver_note], where: distance > 0}]\n"
    )
    converge(url, before)
    after = before.replace("      distance: numeric\n      driver_note: text\n", "").replace(
        "{table: trips, columns: [id, driver_note], where: distance > 0}", "{table: trips, columns: [id]}"
    )
    steps = converge(url, after).steps
    assert [s.sql for s in steps] == [
        "ALTER PUBLICATION fleet DROP TABLE public.trips;",
        "ALTER TABLE public.trips DROP COLUMN distance;",
        "ALTER TABLE public.trips DROP COLUMN driver_note;",
        "ALTER PUBLICATION fleet ADD TABLE public.trips (id);",
    ]
    assert steps[0].hazards == {"breaks-clients"}
