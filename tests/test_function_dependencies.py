"""A function is created after the types its signature and its PL/pgSQL declarations name:
PostgreSQL looks them up when it creates the function. Proved by running the compiled SQL."""

from __future__ import annotations

import psycopg

from schemac.pipeline import compile_text

# Functions come before tables unless they need one; these need the table 'uses' (whose
# column's domain is over the row type of 'base'), through a TABLE (...) result column, an
# argument, and a %ROWTYPE declaration.
SPEC = """\
version: 1
tables:
  base:
    columns:
      id: integer
  uses:
    columns:
      dcol: wrapped
domains:
  wrapped: {type: base}
functions:
  uses_rows:
    returns: table (r uses)
    language: plpgsql
    body: begin return; end;
  uses_rows_sql:
    returns: table (n integer, r uses)
    language: sql
    body: select 1, null::uses
  uses_check:
    args: [r uses]
    returns: boolean
    language: plpgsql
    body: begin return r.dcol is not null; end;
  last_use:
    returns: integer
    language: plpgsql
    body: |
      declare
        latest uses%rowtype;
      begin
        return 1;
      end;
"""


def test_functions_follow_the_types_they_name(database: str) -> None:
    sql = compile_text(SPEC).sql
    with psycopg.connect(database) as conn:
        conn.execute(sql)
        made = conn.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace").fetchone()[0]
    assert made == 4


# An SQL function is checked under its own SET search_path: an unqualified call in 'controlled' is
# app.padded's, which must exist first although it is declared after (and public has none).
ON_ITS_PATH = """\
version: 1
schemas:
  app: {}
functions:
  app.controlled:
    args: [t text]
    returns: boolean
    language: sql
    search_path: app, public
    body: select not padded(t)
  app.padded:
    args: [t text]
    returns: boolean
    language: sql
    body: select btrim(t) <> t
"""


def test_a_function_follows_the_functions_its_search_path_finds(database: str) -> None:
    sql = compile_text(ON_ITS_PATH).sql
    assert sql.index("FUNCTION app.padded") < sql.index("FUNCTION app.controlled"), sql
    with psycopg.connect(database) as conn:
        conn.execute(sql)
        assert conn.execute("SELECT app.controlled('x')").fetchone()[0] is True
