"""Every comment a database holds is either carried (imported, and made again on a database built from
the imported spec) or named as not managed, with its object and text, by import and ``check --db``: never
lost while import says the round trip is exact. The database here comments on every kind of object
schemac models, and on some it does not model (a rule, an event trigger, a collation, a text search
configuration, a range type) or models without their comments (a partition, a key's index, an identity
column's sequence, NOT NULL constraints on PostgreSQL 18, ...)."""

from __future__ import annotations

import psycopg
from click.testing import CliRunner

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.plan import HAZARDS

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

COMMENTED = """
create extension if not exists hstore;
comment on extension hstore is 'c-extension';
create extension if not exists citext;
create schema app; comment on schema app is 'c-schema';
create type app.mood as enum ('ok'); comment on type app.mood is 'c-enum';
create domain app.pos as int constraint pos_check check (value > 0);
comment on domain app.pos is 'c-domain'; comment on constraint pos_check on domain app.pos is 'c-domain-check';
create type app.pair as (a int, b text); comment on type app.pair is 'c-composite'; comment on column app.pair.a is 'c-attribute';
create type app.span as range (subtype = int4); comment on type app.span is 'c-range';
create sequence app.seq; comment on sequence app.seq is 'c-sequence';
create table app.t (id int generated always as identity primary key, name text not null, k int check (k > 0));
comment on table app.t is 'c-table'; comment on column app.t.name is 'c-column';
comment on constraint t_pkey on app.t is 'c-pkey'; comment on constraint t_k_check on app.t is 'c-check';
comment on index app.t_pkey is 'c-key-index';
comment on sequence app.t_id_seq is 'c-identity-sequence';
create index t_name_idx on app.t (name); comment on index app.t_name_idx is 'c-index';
create table app.p (id int, at date not null) partition by range (at);
create table app.p_2026 partition of app.p for values from ('2026-01-01') to ('2027-01-01');
comment on table app.p_2026 is 'c-partition'; comment on column app.p_2026.id is 'c-partition-column';
create index p_at_idx on app.p (at); comment on index app.p_2026_at_idx is 'c-partition-index';
create view app.v as select id, name from app.t; comment on view app.v is 'c-view'; comment on column app.v.name is 'c-view-column';
create materialized view app.mv as select id from app.t; comment on materialized view app.mv is 'c-matview'; comment on column app.mv.id is 'c-matview-column';
create function app.f() returns int language sql as 'select 1'; comment on function app.f() is 'c-function';
create procedure app.pr() language sql as 'select 1'; comment on procedure app.pr() is 'c-procedure';
create aggregate app.total(int) (sfunc = int4pl, stype = int); comment on aggregate app.total(int) is 'c-aggregate';
create rule v_insert as on insert to app.v do instead insert into app.t (name) values (new.name);
comment on rule v_insert on app.v is 'c-rule';
alter table app.t enable row level security;
create policy pol on app.t using (true); comment on policy pol on app.t is 'c-policy';
create function app.touch() returns trigger language plpgsql as 'begin return new; end';
create trigger trg before update on app.t for each row execute function app.touch(); comment on trigger trg on app.t is 'c-trigger';
create trigger ptrg before update on app.p for each row execute function app.touch(); comment on trigger ptrg on app.p_2026 is 'c-partition-trigger';
create publication pub for table app.t; comment on publication pub is 'c-publication';
create collation app.coll (provider = libc, locale = 'C'); comment on collation app.coll is 'c-collation';
create text search configuration app.ts (copy = pg_catalog.simple); comment on text search configuration app.ts is 'c-ts-config';
create function app.ddl() returns event_trigger language plpgsql as 'begin end';
create event trigger et on ddl_command_start execute function app.ddl(); comment on event trigger et is 'c-event-trigger';
"""

# PostgreSQL 18 keeps NOT NULL as named constraints, which take comments.
NOT_NULL = """
comment on constraint t_name_not_null on app.t is 'c-not-null';
"""

# Carried: imported, and made again on a database built from the imported spec.
CARRIED = {
    "c-extension": False,
    "c-schema": True,
    "c-enum": True,
    "c-domain": True,
    "c-domain-check": True,
    "c-composite": True,
    "c-sequence": True,
    "c-table": True,
    "c-column": True,
    "c-pkey": True,
    "c-check": True,
    "c-index": True,
    "c-view": True,
    "c-matview": True,
    "c-function": True,
    "c-procedure": True,
    "c-aggregate": True,
    "c-policy": True,
    "c-trigger": True,
    "c-publication": True,
    "c-view-column": True,
    "c-matview-column": True,
    "c-attribute": True,
}
# Named as not managed (kind "comment"), by what pg_describe_object calls the object.
NAMED = {
    "c-extension": "extension hstore",
    "c-key-index": "index app.t_pkey",
    "c-identity-sequence": "sequence app.t_id_seq",
    "c-partition": "table app.p_2026",
    "c-partition-column": "column id of table app.p_2026",
    "c-partition-index": "index app.p_2026_at_idx",
    "c-rule": "rule v_insert on view app.v",
    "c-partition-trigger": "trigger ptrg on table app.p_2026",
    "c-event-trigger": "event trigger et",
    "c-not-null": "constraint t_name_not_null on table app.t",
}
# Objects named as not managed themselves: their comments go with them.
OBJECTS = {
    "c-range": ("range type", "app.span"),
    "c-collation": ("collation", "app.coll"),
    "c-ts-config": ("text search configuration", "app.ts"),
}


def _comments(url: str) -> dict[str, str]:
    """The comments on what was made here (not by PostgreSQL or an extension): text -> object."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """SELECT d.description, pg_describe_object(d.classoid, d.objoid, d.objsubid)
                 FROM pg_description d
                WHERE d.objoid >= 16384
                  AND NOT EXISTS (SELECT FROM pg_depend e
                                   WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
                  -- An extension's comment as it comes with it (citext's) is no comment of the database's.
                  AND NOT EXISTS (SELECT FROM pg_extension x JOIN pg_available_extensions a ON a.name = x.extname
                                   WHERE d.classoid = 'pg_extension'::regclass AND x.oid = d.objoid
                                     AND a.comment = d.description)"""
        ).fetchall()
    return dict(rows)


def test_every_comment_is_carried_or_named_as_not_managed(tmp_path, databases, pg_cluster) -> None:
    source = databases()
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(COMMENTED)
        if conn.info.server_version >= 180000:
            conn.execute(NOT_NULL)
    held = _comments(source)
    expected = set(CARRIED) | set(NAMED) | set(OBJECTS)
    if "c-not-null" not in held:
        expected.discard("c-not-null")
    assert set(held) == expected

    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(main, ["import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()])
    assert "Traceback" not in result.output
    unmanaged = live.current(source).catalog.unmanaged
    named = {obj.name: obj.reason for obj in unmanaged if obj.kind == "comment"}
    objects = {(obj.kind, obj.name) for obj in unmanaged}
    for text, what in NAMED.items():
        if text in held:
            assert what in named and repr(text) in named[what], (what, named)
            assert f"comment {what}: " in result.output
    assert set(named) == {NAMED[text] for text in held if text in NAMED}, named
    for text, obj in OBJECTS.items():
        assert obj in objects, (obj, objects)

    # Built from the imported spec, an empty database holds every carried comment, on the same object.
    target = databases()
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("create extension hstore; create extension citext; create collation public.c1 (locale = 'C')")
    apply(target, live.plan(live.current(target), live.desired(str(spec), pg_cluster.url())), "", ALL)
    rebuilt = _comments(target)
    for text, carried in CARRIED.items():
        if carried:
            assert rebuilt.get(text) == held[text], text


VIEWS = """version: 1
tables:
  orders:
    columns: {id: {type: bigint, primary_key: true}, total: integer}
views:
  order_totals:
    query: select id, total from orders
    COMMENTS
materialized_views:
  order_count:
    query: select count(*) as n from orders
    MATERIALIZED
"""


def test_a_view_and_its_columns_take_comments_in_place(tmp_path, databases, pg_cluster) -> None:
    """A view's comment, and its columns' (PostgREST's descriptions), change without making the view again:
    it was dropped and made again for its comment alone."""
    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    before.write_text(
        VIEWS.replace("COMMENTS", "column_comments: {total: In cents.}").replace("MATERIALIZED", "comment: Orders.")
    )
    after.write_text(
        VIEWS.replace("COMMENTS", "comment: Totals.\n    column_comments: {id: The order., total: In euros.}").replace(
            "MATERIALIZED", "column_comments: {n: How many.}"
        )
    )
    url = databases()
    apply(url, live.plan(live.current(url), live.desired(str(before), pg_cluster.url())), "", ALL)
    with psycopg.connect(url) as conn:
        conn.execute("insert into orders values (1, 5); refresh materialized view order_count")
    plan = live.plan(live.current(url), live.desired(str(after), pg_cluster.url()))
    assert [s.title for s in plan.steps] == [
        "remove comment on materialized view public.order_count",
        "set comment on column public.order_count.n",
        "set comment on view public.order_totals",
        "set comment on column public.order_totals.id",
        "set comment on column public.order_totals.total",
    ]
    apply(url, plan, "", ALL)
    assert live.plan(live.current(url), live.desired(str(after), pg_cluster.url())).empty
    held = _comments(url)
    assert held["In euros."] == "column total of view order_totals"
    assert held["How many."] == "column n of materialized view order_count"
    with psycopg.connect(url) as conn:
        assert conn.execute("select n from order_count").fetchone() == (1,)  # not made again


def test_a_composite_type_takes_its_attributes_comments_in_place(tmp_path) -> None:
    """An attribute's comment changes alone; one added comes with its comment, which a retyped one keeps."""
    from schemac.diff import Renames, compare
    from schemac.pipeline import compile_file
    from schemac.plan import make_plan

    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    before.write_text(
        "version: 1\ncomposite_types:\n  pair:\n    attributes: {a: integer, b: {type: text, comment: B.}}\n"
    )
    after.write_text(
        "version: 1\ncomposite_types:\n  pair:\n    attributes:\n      a: {type: integer, comment: A.}\n"
        "      b: {type: varchar(10), comment: B.}\n      c: {type: text, comment: C.}\n"
    )
    start, goal = compile_file(before).catalog, compile_file(after).catalog
    plan = make_plan(start, goal, compare(start, goal, Renames.from_catalog(goal)))
    assert [s.title for s in plan.steps] == [
        "change the type of attribute b of composite type public.pair",
        "add attribute c of composite type public.pair",
        "set comment on column public.pair.a",
        "set comment on column public.pair.c",
    ], plan.sql()
    assert "COMMENT ON COLUMN public.pair.c IS 'C.';" in plan.sql()
