"""Triggers and partitions on real PostgreSQL. A row trigger on a partitioned table reaches each partition as
a clone (pg_trigger.tgparentid set), which is the table's, never the project's own object; a trigger made on
one partition only is the partition's own, which a spec cannot hold: import names it, and a plan to a spec
leaves it alone, as it does a partition's own indexes and foreign keys."""

from __future__ import annotations

from pathlib import Path

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.plan import HAZARDS

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

SOURCE = """
create table events (at date not null, id bigint) partition by range (at);
create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
create table events_2027 partition of events for values from ('2027-01-01') to ('2028-01-01');
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger events_touch before insert on events for each row execute function touch();
create trigger events_2026_frozen before update on events_2026 for each row execute function touch();
"""


def _triggers(url: str) -> list[tuple[str, str, bool]]:
    """Each trigger of the partitions and their table: on what, its name, and whether it is a clone."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT tgrelid::regclass::text, tgname, tgparentid <> 0 FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgrelid::regclass::text LIKE 'events%' ORDER BY 1, 2"
        ).fetchall()


def test_a_partitions_own_trigger_is_named_and_left_alone_and_clones_stay_the_tables(
    tmp_path: Path, databases, pg_cluster
) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    before = _triggers(source)
    assert ("events_2026", "events_touch", True) in before and ("events_2026", "events_2026_frozen", False) in before

    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(
        main, ["--no-color", "import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()]
    )
    output = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "the round trip is exact for what the spec holds (1 left out, named above)" in output, result.output
    assert "trigger events_2026_frozen on the partition public.events_2026: the spec puts triggers on tables" in output
    # The table's trigger is the project's, once; its clones on the partitions are not listed anywhere.
    written = yaml.safe_load(spec.read_text())
    assert list(written["tables"]["events"]["triggers"]) == ["events_touch"]
    assert "events_touch on public.events_2026" not in output

    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()
    assert any("events_2026_frozen" in note for note in migration.notes)
    assert ("partition trigger", "events_2026_frozen on public.events_2026") in {
        (o.kind, o.name) for o in migration.unmanaged
    }

    # A change to the table (a new column, a trigger of the table dropped) leaves the partition's trigger as it is.
    text = spec.read_text().replace("      id: bigint\n", "      id: bigint\n      note: text\n")
    spec.write_text(text.split("    triggers:")[0] + "functions:" + text.split("functions:")[1])
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert "events_2026_frozen" not in migration.sql()
    apply(source, migration, "", ALL)
    assert _triggers(source) == [("events_2026", "events_2026_frozen", False)]
    assert live.plan(live.current(source), live.desired(str(spec), pg_cluster.url())).empty


def test_a_plan_to_sql_compares_a_partitions_own_trigger(tmp_path: Path, databases, pg_cluster) -> None:
    """To an SQL goal (or another database) nothing is left out: the goal says what the partition holds."""
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(SOURCE)
    goal = tmp_path / "goal.sql"
    goal.write_text(SOURCE.replace("before update on events_2026", "before delete on events_2026"))
    migration = live.plan(live.current(source), live.desired(str(goal), pg_cluster.url()))
    assert "events_2026_frozen" in migration.sql()
    apply(source, migration, "", ALL)
    with psycopg.connect(source) as conn:
        assert (
            conn.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'events_2026_frozen'")
            .fetchone()[0]
            .startswith("CREATE TRIGGER events_2026_frozen BEFORE DELETE ON public.events_2026")
        )
    assert live.plan(live.current(source), live.desired(str(goal), pg_cluster.url())).empty
