"""Ordered-set and hypothetical-set aggregates (``CREATE AGGREGATE nth(integer ORDER BY float8)``, called
``nth(2) WITHIN GROUP (ORDER BY x)``): written in the spec, built, read back, imported and planned; one whose
direct and aggregated arguments are a single VARIADIC "any", or whose state is of type internal (which only a
superuser may make), stays named as not imported."""

from __future__ import annotations

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.cli import main
from schemac.docgen.markdown import markdown
from schemac.pipeline import compile_text

SOURCE = """
create table readings (id bigint primary key, value float8 not null);
create function nth_final(state float8[], n integer) returns float8 language sql immutable
    as $$ select (select v from unnest(state) v order by v offset n - 1 limit 1) $$;
create aggregate nth_smallest(n integer order by float8) (sfunc = array_append, stype = float8[], finalfunc = nth_final);
create function below_final(state float8[], probe float8, v float8) returns bigint language sql immutable
    as $$ select count(*) from unnest(state) s where s < probe $$;
create aggregate count_below(float8 order by float8) (
    sfunc = array_append, stype = float8[], finalfunc = below_final, finalfunc_extra, hypothetical);
comment on aggregate count_below(float8 order by float8) is 'How many rows rank before a value.';
create aggregate my_median(float8 order by float8) (
    sfunc = ordered_set_transition, stype = internal, finalfunc = percentile_cont_float8_final);
create aggregate my_rank(variadic "any" order by variadic "any") (
    sfunc = ordered_set_transition_multi, stype = internal, finalfunc = rank_final, finalfunc_extra, hypothetical);
"""


def test_ordered_set_and_hypothetical_aggregates_import_back_exactly(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    output = " ".join(result.output.split())
    assert "the round trip is exact for what the spec holds (2 left out, named above)" in output, result.output
    # Only a superuser may make an aggregate of state internal (PostgreSQL's own ordered-set support functions).
    for name in ("my_median(double precision,double precision)", 'my_rank("any")'):
        assert f"aggregate public.{name}: the spec has no aggregates whose state is of type internal" in output
    aggregates = yaml.safe_load(spec.read_text())["aggregates"]
    assert {k: v for k, v in aggregates["nth_smallest"].items() if k != "grants"} == {
        "args": ["n integer"],
        "order_by": ["double precision"],
        "sfunc": "array_append",
        "stype": "double precision[]",
        "finalfunc": "public.nth_final",
    }
    assert aggregates["count_below"]["args"] == ["double precision"]
    assert aggregates["count_below"]["order_by"] == ["double precision"]
    assert aggregates["count_below"]["hypothetical"] is True
    assert set(aggregates) == {"nth_smallest", "count_below"}
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()


SPEC = """\
version: 1
tables:
  readings:
    columns:
      id: {type: bigint, primary_key: true}
      value: {type: double precision, not_null: true}
functions:
  nth_final:
    args: ["state double precision[]", n integer]
    returns: double precision
    volatility: immutable
    body: select (select v from unnest(state) v order by v offset n - 1 limit 1)
aggregates:
  nth_smallest:
    args: [n integer]
    order_by: [double precision]
    sfunc: array_append
    stype: double precision[]
    finalfunc: nth_final
"""


def test_an_ordered_set_aggregate_is_built_and_called_within_group(databases, converge) -> None:
    assert "CREATE AGGREGATE public.nth_smallest(n integer ORDER BY double precision) (" in compile_text(SPEC).sql
    url = databases()
    converge(url, SPEC)
    with psycopg.connect(url) as conn:
        conn.execute("insert into readings values (1, 5), (2, 1), (3, 3)")
        assert conn.execute("select nth_smallest(2) within group (order by value) from readings").fetchone()[0] == 3
    # Made a normal aggregate of the same arguments: dropped and made again.
    normal = SPEC.replace("    args: [n integer]\n    order_by: [double precision]\n", "    args: [double precision]\n")
    normal = normal.replace("finalfunc: nth_final", "finalfunc: array_length_final").replace(
        "functions:\n",
        "functions:\n  array_length_final:\n    args: ['state double precision[]']\n"
        "    returns: integer\n    volatility: immutable\n    body: select cardinality(state)\n",
    )
    migration = converge(url, normal)
    assert "DROP AGGREGATE public.nth_smallest(integer, double precision);" in migration.sql()


def test_the_docs_show_an_ordered_set_aggregate_with_its_order_by() -> None:
    assert (
        "| `nth_smallest(n integer ORDER BY double precision)` | `array_append` then `public.nth_final` |"
        in markdown(compile_text(SPEC).catalog)
    )
