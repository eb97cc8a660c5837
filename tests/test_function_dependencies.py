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
