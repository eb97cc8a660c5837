"""Table inheritance (INHERITS) on real PostgreSQL: imported as ``inherits:`` with a child's own columns
only, built again exactly, and told apart from partitions, which PostgreSQL also keeps in pg_inherits.
Migrations between inheritance trees are the diff cases 72-75 (tests/diffs)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.diff import Renames, compare
from schemac.pipeline import compile_file
from schemac.plan import HAZARDS, make_plan

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

# Two levels, two parents, a column both inherited and declared (merged), a child's own default on a merged
# column, a parent's check (inherited) and a NO INHERIT one (not), a key and a foreign key of a child on
# columns it inherits, and a partitioned table beside them.
TREE = """
create table stamped (created_at timestamptz not null default now(), note text);
create table entity_bindings (
    id bigint not null,
    entity_type text not null,
    entity_id bigint not null,
    constraint entity_id_positive check (entity_id > 0),
    constraint never_here check (false) no inherit
);
create table entity_bindings_a (
    entity_type text not null default 'A',
    extra jsonb,
    constraint entity_type_a check (entity_type = 'A'),
    unique (entity_id, entity_type)
) inherits (entity_bindings, stamped);
create table entity_bindings_a_archive (archived_at timestamptz) inherits (entity_bindings_a);
create table targets (id bigint primary key);
alter table entity_bindings_a add constraint entity_bindings_a_entity_id_fkey
    foreign key (entity_id) references targets (id);
create table events (at date not null, id bigint) partition by range (at);
create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _dump(url: str) -> list[tuple]:
    """Each table's parents and each column's place, whether it is its own and how many parents give it."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT c.relname, a.attnum, a.attname, a.attislocal, a.attinhcount, a.attnotnull,"
            "       pg_get_expr(d.adbin, d.adrelid),"
            "       ARRAY(SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid"
            "              ORDER BY i.inhseqno)"
            "  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            "  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1, 2"
        ).fetchall()


def test_an_inheritance_tree_imports_as_inherits_and_is_built_again_exactly(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(TREE)
    spec = tmp_path / "schema.yaml"
    result = run("import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    assert "not imported" not in result.output and "not managed" not in result.output
    tables = yaml.safe_load(spec.read_text())["tables"]
    assert tables["entity_bindings_a"]["inherits"] == ["entity_bindings", "stamped"]
    assert tables["entity_bindings_a_archive"]["inherits"] == ["entity_bindings_a"]
    # Its own columns only: the merged one with its own default, and what no parent has.
    assert list(tables["entity_bindings_a"]["columns"]) == ["entity_type", "extra"]
    assert list(tables["entity_bindings_a_archive"]["columns"]) == ["archived_at"]
    # A check it inherits is its parent's; its own stays.
    assert list(tables["entity_bindings_a"]["checks"]) == ["entity_type_a"]
    # Partitions are partitions, not children.
    assert "inherits" not in tables["events"] and tables["events"]["partition"]["start"] == 2026

    target = databases()
    apply(target, live.plan(live.current(target), live.desired(str(spec), pg_cluster.url())), "", ALL)
    assert _dump(target) == _dump(source)
    remaining = live.plan(live.current(target), live.desired(source))
    assert remaining.empty, remaining.sql()


def test_an_inherited_column_with_a_default_of_its_own_is_named_and_left_alone(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(
            "create table base (id bigint, kind text default 'base');"
            "create table child () inherits (base);"
            "alter table child alter column kind set default 'child';"
        )
    spec = tmp_path / "schema.yaml"
    result = run("import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert "inherited column public.child.kind: the spec has no definitions of its own" in result.output
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()
    assert ("inherited column", "public.child.kind") in {(o.kind, o.name) for o in migration.unmanaged}


def test_a_spec_with_inheritance_is_built_on_postgresql_as_written(tmp_path: Path, database, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "tables:\n"
        "  cities:\n"
        "    columns: {name: {type: text, not_null: true}, population: integer}\n"
        "  capitals:\n"
        "    inherits: [cities]\n"
        "    columns: {state: text, population: {type: integer, default: 0}}\n"
        "    primary_key: [name]\n"
    )
    applied = run("apply", "--db", database, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url())
    assert applied.exit_code == 0, applied.output
    assert [(r[0], r[2], r[3], r[4], r[6]) for r in _dump(database) if r[0] == "capitals"] == [
        ("capitals", "name", False, 1, None),
        ("capitals", "population", True, 1, "0"),
        ("capitals", "state", True, 0, None),
    ]
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("insert into capitals (name, state) values ('Bern', 'BE')")
        assert conn.execute("select name, population from cities").fetchall() == [("Bern", 0)]
    again = run("plan", "--db", database, "--to", str(spec), "--dev-db", pg_cluster.url())
    assert again.exit_code == 0 and "no changes" in again.output.lower(), again.output


def _apply(database: str, spec: Path, text: str, dev_db: str) -> None:
    spec.write_text(text)
    migration = live.plan(live.current(database), live.desired(str(spec), dev_db))
    apply(database, migration, "", ALL)
    again = live.plan(live.current(database), live.desired(str(spec), dev_db))
    assert again.empty, again.sql()


def test_a_tree_changes_in_place_with_its_rows(tmp_path: Path, database, pg_cluster) -> None:
    """A parent gains and loses columns under its children; a grandchild leaves, keeping what it took (on
    PostgreSQL 18 its NOT NULL comes under the first parent's name, renamed to its own)."""
    spec = tmp_path / "schema.yaml"
    _apply(
        database,
        spec,
        "version: 1\n"
        "tables:\n"
        "  base: {columns: {id: {type: bigint, not_null: true}, kind: text}}\n"
        "  child: {inherits: [base], columns: {note: text}}\n"
        "  grandchild: {inherits: [child], columns: {extra: text}}\n",
        pg_cluster.url(),
    )
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("insert into child (id, note) values (1, 'c'); insert into grandchild (id, note) values (2, 'g')")
    _apply(
        database,
        spec,
        "version: 1\n"
        "tables:\n"
        "  base: {columns: {id: {type: bigint, not_null: true}, created_at: timestamptz}}\n"
        "  child: {inherits: [base], columns: {note: text}}\n"
        "  grandchild: {columns: {id: {type: bigint, not_null: true}, note: text, extra: text}}\n",
        pg_cluster.url(),
    )
    with psycopg.connect(database) as conn:
        assert conn.execute("select id, note from base join child using (id) order by id").fetchall() == [(1, "c")]
        assert conn.execute("select id, note from grandchild").fetchall() == [(2, "g")]
    assert [(r[0], r[2], r[3]) for r in _dump(database) if r[0] != "base"] == [
        ("child", "id", False),
        ("child", "note", True),
        ("child", "created_at", False),
        ("grandchild", "id", True),
        ("grandchild", "note", True),
        ("grandchild", "extra", True),
    ]


def test_a_renamed_parent_stays_the_parent(tmp_path: Path) -> None:
    def catalog(text: str):
        spec = tmp_path / "schema.yaml"
        spec.write_text("version: 1\ntables:\n" + text)
        return compile_file(spec).catalog

    start = catalog("  base: {columns: {id: bigint}}\n  child: {inherits: [base], columns: {note: text}}\n")
    goal = catalog(
        "  root: {renamed_from: base, columns: {id: bigint}}\n  child: {inherits: [root], columns: {note: text}}\n"
    )
    migration = make_plan(start, goal, compare(start, goal, Renames.from_catalog(goal)))
    assert [step.title for step in migration.steps] == ["rename table public.base to root"]


def test_a_tenant_scoped_child_of_a_parent_with_the_tenant_column(tmp_path: Path, database, pg_cluster) -> None:
    """The tenancy convention's column on a child that inherits it is merged into the inherited one."""
    with psycopg.connect(database, autocommit=True) as conn:  # roles belong to the server: made once
        conn.execute("DO $$ BEGIN CREATE ROLE app_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    spec = tmp_path / "schema.yaml"
    _apply(
        database,
        spec,
        "version: 1\n"
        "roles: [app_user]\n"
        "conventions:\n"
        "  tenancy: {column: tenant_id, references: tenants.id, roles: [app_user],\n"
        "            current_tenant: private.current_tenant_id()}\n"
        "tables:\n"
        "  tenants: {columns: {id: {type: uuid, primary_key: true}}}\n"
        "  documents: {columns: {id: {type: uuid, primary_key: true}, tenant_id: {type: uuid, not_null: true}}}\n"
        "  invoices: {inherits: [documents], tenant_scoped: true, columns: {total: numeric}}\n",
        pg_cluster.url(),
    )
    assert [(r[2], r[3], r[4]) for r in _dump(database) if r[0] == "invoices"] == [
        ("id", False, 1),
        ("tenant_id", True, 1),
        ("total", True, 0),
    ]


# A child that declares a column its parent makes NOT NULL without NOT NULL of its own (on PostgreSQL 18 its
# constraint is then inherited only), children of two parents, and children that joined their parent with
# ALTER TABLE ... INHERIT: their columns stay their own as well as inherited, and their NOT NULL and checks too.
# A child that declares its parent's check as well has it merged.
MERGED = """
create table parent (id bigint not null, name text default 'p', constraint id_positive check (id > 0));
create table merged (id bigint, extra int) inherits (parent);
create table declared (constraint id_positive check (id > 0)) inherits (parent);
create table p1 (id bigint not null, a text);
create table p2 (id bigint, b text not null);
create table both_parents (b text, c int) inherits (p1, p2);
create table joined (id bigint not null, name text, extra int, constraint id_positive check (id > 0));
alter table joined inherit parent;
"""


def _local(url: str) -> list[tuple]:
    """Each column's place and whether it is its own, and on PostgreSQL 18 each NOT NULL's name and whether it is
    the table's own (none before 18): what pg_dump writes in a child's CREATE TABLE."""
    with psycopg.connect(url) as conn:
        columns = conn.execute(
            "SELECT c.relname, a.attname, a.attislocal, a.attinhcount, a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
            "  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            "  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1, a.attnum"
        ).fetchall()
        not_nulls = conn.execute(
            "SELECT conrelid::regclass::text, conname, contype, conislocal, coninhcount FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace AND contype IN ('n', 'c') ORDER BY 1, 2"
        ).fetchall()
    return columns + not_nulls


def test_columns_and_not_nulls_a_child_has_of_its_own_are_built_again_as_they_were(
    tmp_path, databases, pg_cluster
) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(MERGED)
    spec = tmp_path / "schema.yaml"
    result = run("import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0 and "the round trip is exact" in result.output, result.output
    tables = yaml.safe_load(spec.read_text())["tables"]
    if pg_cluster.server_version_num >= 180000:  # its NOT NULL is its parents': declared without
        assert tables["merged"]["columns"]["id"] == "bigint"
        assert tables["both_parents"]["columns"]["b"] == "text"
    assert tables["joined"]["columns"]["id"] == {"type": "bigint", "not_null": True}
    # It joined without the parent's default, and keeps none: it says so, or the rebuild would take the parent's.
    assert tables["joined"]["columns"]["name"] == {"type": "text", "default": None}
    assert tables["joined"]["checks"] == tables["declared"]["checks"] == {"id_positive": "id > 0"}
    assert "checks" not in tables["merged"]
    rebuilt = databases()
    assert run("apply", "--db", rebuilt, "--to", str(spec), "--yes", "--dev-db", pg_cluster.url()).exit_code == 0
    assert _local(rebuilt) == _local(source)


def test_a_plan_says_what_of_a_childs_columns_postgresql_keeps_as_it_is(tmp_path, databases, pg_cluster) -> None:
    """A child that joins its parent keeps its columns as its own; a spec that has them inherited only is
    built otherwise, and no ALTER TABLE changes that: the plan says so, each time, rather than nothing."""
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(MERGED)
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "tables:\n"
        "  parent:\n"
        "    columns: {id: {type: bigint, not_null: true}, name: {type: text, default: \"'p'\"}}\n"
        "    checks: {id_positive: id > 0}\n"
        "  merged: {inherits: [parent], columns: {id: {type: bigint, not_null: true}, extra: integer}}\n"
        "  declared: {inherits: [parent], checks: {id_positive: id > 0}}\n"
        "  p1: {columns: {id: {type: bigint, not_null: true}, a: text}}\n"
        "  p2: {columns: {id: bigint, b: {type: text, not_null: true}}}\n"
        "  both_parents: {inherits: [p1, p2], columns: {b: text, c: integer}}\n"
        "  joined: {inherits: [parent], columns: {extra: integer}}\n"
    )
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    # What ALTER TABLE can change on a column of its own is changed: the default the spec gives it by its parent.
    assert migration.sql().count("ALTER TABLE") == 1
    assert "ALTER TABLE public.joined ALTER COLUMN name SET DEFAULT 'p'::text;" in migration.sql()
    (note,) = [n for n in migration.notes if n.startswith("kept as the database has them")]
    assert "public.joined.id stays its table's own as well as inherited (the spec: inherited only)" in note
    assert "public.joined.name stays its table's own as well as inherited" in note
    assert "check id_positive on public.joined stays its own as well as inherited (the spec: inherited only)" in note
    assert "declared" not in note
    if pg_cluster.server_version_num >= 180000:
        assert "public.merged.id keeps a NOT NULL inherited only (the spec: the other)" in note
    else:  # nothing tells them apart before 18
        assert "public.merged.id" not in note
    assert "both_parents" not in note


def test_a_check_a_child_inherits_is_made_its_own_too_in_place(tmp_path, databases, pg_cluster) -> None:
    """ADD CONSTRAINT of a parent's check on its child merges with the inherited one: the child's own as well."""
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(MERGED)
    spec = tmp_path / "schema.yaml"
    assert run("import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()).exit_code == 0
    head, merged = spec.read_text().split("  merged:\n")
    merged = merged.replace("      extra: integer\n", "      extra: integer\n    checks: {id_positive: id > 0}\n", 1)
    spec.write_text(head + "  merged:\n" + merged)
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert "ALTER TABLE public.merged ADD CONSTRAINT id_positive CHECK ((id > 0))" in migration.sql(), migration.sql()
    apply(source, migration, "", ALL)
    assert live.plan(live.current(source), live.desired(str(spec), pg_cluster.url())).empty
    with psycopg.connect(source) as conn:
        assert conn.execute(
            "SELECT conislocal, coninhcount FROM pg_constraint WHERE conrelid = 'merged'::regclass AND contype = 'c'"
        ).fetchall() == [(True, 1)]
