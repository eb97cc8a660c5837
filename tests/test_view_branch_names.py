"""A view whose UNION branches after the first hold an untyped literal (``SELECT x, NULL FROM t``, MusicBrainz's
``release_event``) imports back exactly: PostgreSQL prints that column ``NULL::integer`` with no name, and the
view made again from that text prints ``NULL::integer AS int4``, a name no one can see."""

from __future__ import annotations

import psycopg
from click.testing import CliRunner

from schemac import live
from schemac.cli import main
from schemac.sqltree import without_hidden_names

SOURCE = """
create table dated (id int primary key, day date, country int, label text);
create table undated (id int primary key, day date);
create view events as
  select id, day, country, label from (
    select id, day, country, label from dated
    union all
    select id, day, null, 'none' from undated
    union all
    (select id, null, 7, upper('x') as shout from undated limit 1)
  ) as q;
"""


def test_a_union_view_with_untyped_literals_imports_back_exactly(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()


def test_only_the_names_of_later_branches_are_left_out() -> None:
    printed = (
        "SELECT q.x AS y\n   FROM ( SELECT a.x AS w FROM a\n        UNION ALL\n"
        "         SELECT b.x AS v,\n            NULL::text AS text, f(1, (SELECT 1 AS k)) AS f FROM b) q\n"
        "  WHERE (q.x IN ( SELECT 1 AS one\n        EXCEPT\n         SELECT 2 AS two))"
    )
    assert without_hidden_names(printed) == (
        "SELECT q.x AS y\n   FROM ( SELECT a.x AS w FROM a\n        UNION ALL\n"
        "         SELECT b.x,\n            NULL::text, f(1, (SELECT 1 AS k)) FROM b) q\n"
        "  WHERE (q.x IN ( SELECT 1 AS one\n        EXCEPT\n         SELECT 2))"
    )
