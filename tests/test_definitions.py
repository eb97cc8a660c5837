"""What the catalog does not model is still compared (introspect.definitions): each object's definition as
PostgreSQL prints it, so that import never says "exact" and `check --db` never passes while something the
catalog cannot see differs."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemac.catalog.objects import PrivilegeScope
from schemac.cli import main
from schemac.introspect import introspect
from schemac.introspect.definitions import Unmodelled, compare


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _load(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute(sql)


def _definitions(url: str) -> dict[str, str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return dict(introspect(conn).definitions)


# --- import: what the catalog does not model makes the round trip NOT exact -----------------------------

# case -> (source SQL, the object, the line only the source has, what a spec that holds it says)
LOST = {
    "function_setting": (
        "create function slow() returns int language sql set statement_timeout = '5s' as $$ select 1 $$;",
        "function public.slow()",
        "SET statement_timeout TO '5s'",
        "statement_timeout",
    ),
    "foreign_key_match_full": (
        "create table parents (a int, b int, primary key (a, b));"
        " create table children (id int primary key, a int, b int,"
        "  constraint children_parent_fkey foreign key (a, b) references parents (a, b) match full);",
        "constraint children_parent_fkey on public.children",
        "MATCH FULL",
        "match",
    ),
    "constraint_comment": (
        "create table prices (id int primary key, amount int constraint amount_positive check (amount > 0));"
        " comment on constraint amount_positive on prices is 'No free lunch.';",
        "constraint amount_positive on public.prices",
        "comment: No free lunch.",
        "No free lunch.",
    ),
}


@pytest.mark.parametrize("case", sorted(LOST))
def test_import_is_not_exact_when_what_the_catalog_does_not_model_is_lost(
    case: str, tmp_path: Path, databases, pg_cluster
) -> None:
    sql, obj, line, held = LOST[case]
    source = databases()
    _load(source, sql)
    spec = tmp_path / "schema.yaml"
    result = run("import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url(), "--no-conventions")
    if result.exit_code == 0:
        # Exact only once the catalog has learnt it: then the spec holds it.
        assert held in spec.read_text(), result.output
        return
    assert result.exit_code == 1, result.output
    assert f"differs: {obj} differs in what schemac does not model: the source has " in result.output
    assert line in result.output
    assert "Round trip: NOT exact." in spec.read_text()


def test_import_of_what_the_catalog_models_stays_exact(tmp_path: Path, databases, pg_cluster) -> None:
    """No object differs where nothing was lost: grants, comments, a view, a sequence, a rule-free table."""
    source = databases()
    _load(
        source,
        """
        create role fp_reader;
        create type mood as enum ('calm', 'busy');
        create table notes (id bigint generated always as identity primary key, body text not null,
                            mood mood, at timestamptz default now());
        comment on table notes is 'What was said.';
        comment on column notes.body is 'The words.';
        create index notes_at on notes (at desc);
        create view recent as select id, body from notes where at > now() - interval '1 day';
        create function shout(t text) returns text language sql immutable leakproof
            set search_path = '' as $$ select upper(t) $$;
        grant select on notes, recent to fp_reader;
        grant execute on function shout(text) to fp_reader;
        """,
    )
    spec = tmp_path / "schema.yaml"
    result = run("import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output


# --- check --db: drift no plan can see fails the gate --------------------------------------------------

SPEC = """\
version: 1
target: {postgres: 15}
schemas: [app]
tables:
  app.prices:
    columns:
      id: {type: bigint, primary_key: true}
      amount: {type: integer, not_null: true}
functions:
  app.double:
    args: [n integer]
    returns: integer
    volatility: immutable
    body: select n * 2
"""


def test_check_db_fails_on_what_no_plan_can_see(tmp_path: Path, database: str, pg_cluster) -> None:
    spec = tmp_path / "schema.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "generated"
    dev = ["--dev-db", pg_cluster.url()]
    built = run("build", "--spec", str(spec), "--out", str(out))
    assert built.exit_code == 0, built.output
    applied = run("apply", "--db", database, "--to", str(spec), "--yes", *dev)
    assert applied.exit_code == 0, applied.output
    checked = run("check", "--spec", str(spec), "--out", str(out), "--db", database, *dev)
    assert "the database matches the spec" in checked.output, checked.output
    assert "ways schemac does not model" not in checked.output

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("alter table app.prices cluster on prices_pkey")
        conn.execute("create rule no_cheap as on insert to app.prices where new.amount < 5 do instead nothing")
    planned = run("plan", "--db", database, "--to", str(spec), *dev)
    assert planned.exit_code == 0, planned.output
    assert "No changes" in planned.output
    assert "note: the database differs from the goal in ways schemac does not model (2)" in planned.output
    as_json = json.loads(run("plan", "--db", database, "--to", str(spec), "--format", "json", *dev).output)
    assert as_json["steps"] == []
    assert [u["object"] for u in as_json["unmodelled"]] == ["index app.prices_pkey", "table app.prices"]
    assert as_json["unmodelled"][0] == {"object": "index app.prices_pkey", "database": ["clustered"], "goal": []}
    checked = run("check", "--spec", str(spec), "--out", str(out), "--db", database, *dev)
    assert checked.exit_code == 1, checked.output
    assert (
        "index app.prices_pkey differs in what schemac does not model: the database has `clustered`"
    ) in checked.output
    assert "table app.prices differs in what schemac does not model: the database has `rule CREATE RULE" in (
        checked.output
    )
    assert "in ways schemac does not model (2, above)" in checked.output


# --- each source of the fingerprint ----------------------------------------------------------------------

BASE = """
create table t (id int primary key, a text, b int, c int);
create table u (id int primary key, t_id int, constraint u_t foreign key (t_id) references t (id));
create index t_a on t (a);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
create function f(x int) returns int language sql as $$ select x $$;
create view v as select id, a from t;
alter table t enable row level security;
create policy t_read on t for select using (b > 0);
create sequence s;
create domain positive as int check (value > 0);
create type pair as (l int, r int);
"""

# source -> (statement made on one database only, the object it changes)
SOURCES = {
    "constraintdef": (
        "alter table u drop constraint u_t, add constraint u_t foreign key (t_id) references t (id) on delete cascade",
        "constraint u_t on public.u",
    ),
    "indexdef": ("alter index t_a set (fillfactor = 60)", "index public.t_a"),
    "triggerdef": ("alter table t disable trigger t_touch", "trigger t_touch on public.t"),
    "functiondef": ("alter function f(int) set statement_timeout = '1s'", "function public.f(integer)"),
    "function_cost": ("alter function f(int) cost 7", "function public.f(integer)"),
    "view_options": ("alter view v set (security_barrier = true)", "view public.v"),
    "ruledef": ("create rule t_keep as on delete to t do instead nothing", "table public.t"),
    "reloptions": ("alter table t set (autovacuum_enabled = false)", "table public.t"),
    "attoptions": ("alter table t alter column b set (n_distinct = 10)", "table public.t"),
    "attstattarget": ("alter table t alter column c set statistics 900", "table public.t"),
    "attstorage": ("alter table t alter column a set storage external", "table public.t"),
    "attcompression": ("alter table t alter column a set compression pglz", "table public.t"),
    "relreplident": ("alter table t replica identity full", "table public.t"),
    "relpersistence": ("alter table u set unlogged", "table public.u"),
    "policy": ("alter policy t_read on t using (b > 1)", "policy t_read on public.t"),
    "sequence": ("alter sequence s increment 3 cycle", "sequence public.s"),
    "domain": ("alter domain positive add constraint small check (value < 100)", "domain public.positive"),
    "composite_type": ("alter type pair add attribute m int", "type public.pair"),
    "comment": ("comment on constraint t_pkey on t is 'the key'", "constraint t_pkey on public.t"),
    "acl": ("grant update (a) on t to fp_source_reader", "table public.t"),
    "statistics": ("create statistics t_ab on a, b from t", "table public.t"),
}


@pytest.fixture(scope="module")
def differing(pg_cluster) -> dict[str, Unmodelled]:
    """The objects two databases built from BASE differ in, once every statement of SOURCES ran on one."""
    names = ("t_definitions_first", "t_definitions_second")
    first, second = (pg_cluster.create_database(name) for name in names)
    try:
        with psycopg.connect(first, autocommit=True) as conn:  # roles are the server's, made once
            conn.execute(
                "do $$ begin if to_regrole('fp_source_reader') is null then create role fp_source_reader; end if;"
                " end $$"
            )
        _load(first, BASE)
        _load(second, BASE)
        with psycopg.connect(second, autocommit=True) as conn:
            for statement, _ in SOURCES.values():
                conn.execute(statement)
        unchanged = compare(_definitions(first), _definitions(first))
        assert unchanged == []
        return {u.object: u for u in compare(_definitions(first), _definitions(second))}
    finally:
        for name in names:
            pg_cluster.drop_database(name)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_each_source_of_the_fingerprint_is_compared(source: str, differing: dict[str, Unmodelled]) -> None:
    _, obj = SOURCES[source]
    assert obj in differing, sorted(differing)
    assert differing[obj].only_second, differing[obj]


def test_only_what_was_changed_differs(differing: dict[str, Unmodelled]) -> None:
    assert sorted(differing) == sorted({obj for _, obj in SOURCES.values()})


# --- what legitimately differs is not a difference -----------------------------------------------------


def test_leakproof_and_other_roles_grants_are_not_differences() -> None:
    """The scratch database makes functions without LEAKPROOF (the catalog restores it); a spec that states
    only some roles' privileges leaves the others' alone."""
    made = "CREATE OR REPLACE FUNCTION public.f()\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE STRICT\nAS $$1$$"
    source = made.replace("IMMUTABLE STRICT", "IMMUTABLE LEAKPROOF STRICT")
    assert compare({"function public.f()": source}, {"function public.f()": made}) == []
    first = {"table public.t": "grant anon: SELECT\ngrant app: SELECT, UPDATE"}
    second = {"table public.t": "grant app: SELECT, UPDATE"}
    assert compare(first, second, PrivilegeScope(roles=("app",))) == []
    (differs,) = compare(first, second)
    assert differs.only_first == ("grant anon: SELECT",)
    assert differs.describe() == (
        "table public.t differs in what schemac does not model: the source has `grant anon: SELECT`"
    )


def test_privileges_a_spec_leaves_alone_are_not_compared() -> None:
    """A schema whose privileges the spec leaves alone (public, with no grants), a type it gives no grants."""
    first = {"schema public": "grant anon: USAGE", "enum public.mood": "as enum ('a')\ngrant anon: USAGE"}
    second = {"schema public": "", "enum public.mood": "as enum ('a')"}
    scope = PrivilegeScope(roles=("anon",), schemas_left_alone=("public",), types=())
    assert compare(first, second, scope) == []
    assert [u.object for u in compare(first, second, PrivilegeScope(roles=("anon",)))] == [
        "enum public.mood",
        "schema public",
    ]


def test_a_line_changed_in_place_is_shown_from_where_it_differs() -> None:
    first = {"constraint k on public.c": "FOREIGN KEY (parent_id) REFERENCES public.parent(id) MATCH FULL"}
    second = {"constraint k on public.c": "FOREIGN KEY (parent_id) REFERENCES public.parent(id)"}
    (differs,) = compare(first, second)
    assert differs.only_first == (first["constraint k on public.c"],)
    assert differs.describe() == (
        "constraint k on public.c differs in what schemac does not model: the source has "
        "`... REFERENCES public.parent(id) MATCH FULL`; the rebuilt database has `... REFERENCES public.parent(id)`"
    )
