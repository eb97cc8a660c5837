"""An exclusion constraint's element has a collation and an operator class, as an index key has: ``EXCLUDE USING
btree (name COLLATE "C" WITH =)`` is another constraint than one on ``name``, imported, built and compared as such."""

from __future__ import annotations

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.cli import main
from schemac.pipeline import compile_text

SOURCE = """
create table people (id bigint primary key, name text not null, code text not null, nick varchar(20));
alter table people add constraint people_name_c exclude using btree (name collate "C" with =);
alter table people add constraint people_code_pattern exclude using btree (code text_pattern_ops with =);
alter table people add constraint people_lower_nick exclude using btree ((lower(nick)) collate "POSIX" with =);
"""


def test_exclusion_collations_and_operator_classes_import_back_exactly(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    exclusions = yaml.safe_load(spec.read_text())["tables"]["people"]["exclude"]
    assert {x["name"]: x["columns"] for x in exclusions} == {
        "people_name_c": [{"column": "name", "with": "=", "collation": "C"}],
        "people_code_pattern": [{"column": "code", "with": "=", "opclass": "text_pattern_ops"}],
        "people_lower_nick": [{"expression": "lower((nick)::text)", "with": "=", "collation": "POSIX"}],
    }
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()


SPEC = """\
version: 1
tables:
  people:
    columns:
      id: {type: bigint, primary_key: true}
      name: {type: text, not_null: true}
    exclude:
      - name: people_name_once
        method: btree
        columns: [{column: name, with: '=', collation: C}]
"""


def test_an_exclusion_collation_is_built_and_a_change_of_it_replaces_the_constraint(databases, converge) -> None:
    assert 'EXCLUDE USING btree (\n        name COLLATE "C" WITH =\n    )' in compile_text(SPEC).sql
    url = databases()
    for text in (SPEC, SPEC.replace("collation: C", "collation: POSIX")):
        assert not converge(url, text).empty
    with psycopg.connect(url) as conn:
        definition = conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint where conname = 'people_name_once'"
        ).fetchone()[0]
    assert definition == 'EXCLUDE USING btree (name COLLATE "POSIX" WITH =)'
