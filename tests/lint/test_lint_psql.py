"""psql scripts: meta-commands, variables and COPY data are not SQL, and
everything after them keeps its line and column."""

from __future__ import annotations

import pytest

from schemac.lint import lint_sql
from schemac.lint.psql import sql_of


def _at(sql: str, rule: str) -> list[str]:
    return [f"{f.line}:{f.column}" for f in lint_sql(sql) if f.name == rule]


@pytest.mark.parametrize(
    "meta",
    [
        r"\set ON_ERROR_STOP on",
        r"\i 001_base.sql",
        r"\ir ../common/roles.sql",
        r"\connect app",
        r"\c app postgres",
        r"\echo héllo, 'unbalanced",
        r"\restrict abc123",
        r"\pset pager off",
        r"\if :is_prod",
        r"\endif",
    ],
)
def test_a_meta_command_is_one_line_skipped(meta):
    sql = f"create table a (id int primary key);\n{meta}\ncreate table b (id int primary key, t timestamp);\n"
    findings = lint_sql(sql)
    assert not [f for f in findings if f.name == "syntax-error"]
    assert _at(sql, "timestamp-without-tz") == ["3:37"]


def test_the_text_for_the_parser_keeps_every_byte_offset():
    script = "\\echo ünïcode\nselect 'é' \\gset\n\\set v 'x'\nselect :'v', :\"v\", :v, :w, a[1:2], b::int;\n"
    sql = sql_of(script)
    assert len(sql.encode()) == len(script.encode())
    assert sql.splitlines()[1] == "select 'é' ;    "  # \g and its kin send the query, as ';' does
    assert sql.splitlines()[3] == "select  'v',  \"v\", _v, :w, a[1:2], b::int;"  # :w was never \set


def test_backslashes_inside_strings_comments_and_bodies_are_sql():
    sql = (
        "select E'a\\'b\\n', 'c:\\d' /* \\x */; -- \\y\n"
        "create function f() returns text language sql as $$ select '\\z' $$;\n"
    )
    assert sql_of(sql) == sql


def test_copy_from_stdin_data_is_skipped_up_to_its_end_marker():
    sql = (
        "create table a (id int primary key, name text);\n"
        "copy a (id, name) from stdin;\n"
        "1\tO'Brien\n"
        "2\t\\N\n"
        "\\.\n"
        "create table b (id int primary key, t timestamp);\n"
    )
    assert not [f for f in lint_sql(sql) if f.name == "syntax-error"]
    assert _at(sql, "timestamp-without-tz") == ["6:37"]


def test_backslash_semicolon_and_colon_are_sql_characters():
    """psql sends ``\\;`` as a ';' that does not end the query, and ``\\:`` as a ':'
    it does not read as a variable: neither starts a meta-command."""
    script = "select 1\\; select 2;\ncreate table b (id int primary key, t timestamp);\nselect 'a'\\:\\:text;\n"
    assert sql_of(script).splitlines()[::2] == ["select 1 ; select 2;", "select 'a'  ::text;"]
    assert not [f for f in lint_sql(script) if f.name == "syntax-error"]
    assert _at(script, "timestamp-without-tz") == ["2:37"]


def test_a_meta_command_ends_at_a_double_backslash_or_the_next_command():
    """The arguments of a meta-command stop at an unquoted backslash: ``\\\\``
    hands the rest of the line back to SQL, another backslash starts the next
    command; a backslash inside a quoted argument is part of it."""
    script = (
        "\\set x 1 \\\\ create table b (id int primary key, t timestamp);\n"
        "\\echo 'a \\\\ b' \\echo c \\\\ create table c (id int primary key, t timestamp);\n"
        "\\! echo \\\\ create table d (t timestamp)\n"
    )
    assert _at(script, "timestamp-without-tz") == ["1:49", "2:63"]
    assert not [f for f in lint_sql(script) if f.name == "syntax-error"]


def test_quoted_variables_set_outside_the_script_are_substituted():
    """``psql -v app=...`` sets them on the command line: a script with no
    backslash at all may still use ``:"app"`` and ``:'app'``."""
    script = 'create schema :"app";\ncreate table :"app".t (id int primary key, at timestamp);\nselect :\'v\';\n'
    assert not [f for f in lint_sql(script) if f.name == "syntax-error"]
    assert _at(script, "timestamp-without-tz") == ["2:44"]
    keyless = script.replace(" primary key", "")
    assert [f.message for f in lint_sql(keyless) if f.name == "no-primary-key"] == ["table app.t has no primary key"]


def test_variables_in_bodies_strings_and_comments_are_left_alone():
    """psql substitutes none of them, and neither does the linter."""
    script = (
        "\\set v x\n"
        "create function f() returns text language sql as $$ select ':v' || :v $$; -- :v\n"
        "select ':v', $q$:'v'$q$ /* :\"v\" */;\n"
    )
    assert sql_of(script).splitlines()[1:] == script.splitlines()[1:]
