"""Comments on constraints (COMMENT ON CONSTRAINT): on every kind a table declares (primary key, unique,
check, exclusion, foreign key) and on a domain's checks. Each is read, imported, built and planned in
place; a constraint made again gets its goal's comment back. sqldef's CommentOnConstraint case was
silently lost: import said exact and a plan said nothing while the comment came and went."""

from __future__ import annotations

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live, scratch
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.plan import HAZARDS
from schemac.supabase import install_standin

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

COMMENTED = """
create extension if not exists btree_gist;
create domain positive as integer constraint positive_check check (value > 0)
    constraint positive_small check (value < 1000);
comment on constraint positive_small on domain positive is 'Fits a crate.';
create domain code as text check (value <> '');
comment on constraint code_check on domain code is 'Never empty.';
create table owners (id bigint primary key, name text unique);
comment on constraint owners_pkey on owners is 'The owner''s key.';
comment on constraint owners_name_key on owners is 'One owner per name.';
create table items (
    id bigint,
    owner bigint references owners,
    qty positive check (qty < 500),
    size integer,
    during tstzrange,
    primary key (id),
    constraint "items.size" check (size > 0),
    constraint items_during_excl exclude using gist (owner with =, during with &&)
);
alter table items add constraint items_owner_size_fkey foreign key (owner) references owners;
comment on constraint "items.size" on items is 'A dot in its name.';
comment on constraint items_owner_fkey on items is 'Whose item.';
comment on constraint items_owner_size_fkey on items is 'A second key on the same column.';
comment on constraint items_qty_check on items is 'Half a crate at most.';
comment on constraint items_pkey on items is 'Something to find.';
comment on constraint items_during_excl on items is 'An owner holds it once at a time.';
"""


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _load(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _comments(url: str) -> list[tuple]:
    """Every comment on a constraint of the database: (table or domain, constraint, text)."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            """SELECT coalesce(c.conrelid::regclass::text, c.contypid::regtype::text), c.conname, d.description
                 FROM pg_constraint c JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = c.oid
                ORDER BY 1, 2"""
        ).fetchall()


def test_constraint_comments_import_build_and_round_trip(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    _load(source, COMMENTED)
    spec = tmp_path / "schema.yaml"
    result = _run("import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    data = yaml.safe_load(spec.read_text())
    owners, items = data["tables"]["owners"], data["tables"]["items"]
    assert owners["primary_key"] == {"columns": ["id"], "comment": "The owner's key."}
    assert owners["unique"] == [{"columns": ["name"], "name": "owners_name_key", "comment": "One owner per name."}]
    assert items["columns"]["owner"]["references"]["comment"] == "Whose item."
    assert items["foreign_keys"][0]["comment"] == "A second key on the same column."
    assert items["checks"]["items_qty_check"]["comment"] == "Half a crate at most."
    assert items["checks"]["items.size"] == {"expression": "size > 0", "comment": "A dot in its name."}
    assert items["exclude"][0]["comment"] == "An owner holds it once at a time."
    assert data["domains"]["positive"]["check"]["positive_small"] == {
        "expression": "VALUE < 1000",
        "comment": "Fits a crate.",
    }
    assert data["domains"]["code"]["check"] == {
        "code_check": {"expression": "VALUE <> ''::text", "comment": "Never empty."}
    }

    # Built from the spec on an empty database, it holds the same comments, and a plan to the source is empty.
    target = databases()
    goal = live.desired(str(spec), pg_cluster.url())
    if scratch.load(spec).needs_standin:
        with psycopg.connect(target, autocommit=True) as conn:
            install_standin(conn)
    apply(target, live.plan(live.current(target), goal), "", ALL)
    assert _comments(target) == _comments(source)
    assert len(_comments(source)) == 10
    remaining = live.plan(live.current(target), live.desired(source))
    assert remaining.empty, remaining.sql()


def test_a_comment_added_or_removed_on_the_database_is_planned(databases, pg_cluster) -> None:
    """Both ways of sqldef's CommentOnConstraint: the plan converges where it said "No changes"."""
    table = "create table test (id integer, constraint test_pkey primary key (id));"
    commented = table + "comment on constraint test_pkey on test is 'Primary key constraint';"
    source, target, goal = databases(), databases(), databases()
    for url, sql in ((source, commented), (target, table), (goal, commented)):
        _load(url, sql)
    for current, wanted, verb in ((source, target, "remove"), (target, goal, "set")):
        plan = live.plan(live.current(current), live.desired(wanted))
        assert [s.title for s in plan.steps] == [f"{verb} comment on constraint test_pkey ON public.test"]
        apply(current, plan, "", ALL)
        assert live.plan(live.current(current), live.desired(wanted)).empty
    assert _comments(source) == [] and _comments(target) == [("test", "test_pkey", "Primary key constraint")]
