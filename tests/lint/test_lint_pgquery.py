"""libpg_query called through ctypes gives what pglast's parse_sql_json,
parse_plpgsql_json and scan give, and linting does not import pglast at all."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pglast import parser

from schemac.lint import pgquery

TEXTS = [
    "select 1",
    "create table é (a int); -- comment\ncreate index on é (a)",
    "create function f() returns int language sql begin atomic; select 1; end",
]
ERRORS = ["select from where", "créate table x (a int)", "select 'unterminated", ""]


def test_the_ctypes_path_is_in_use():
    """If a pglast upgrade changes its shared library, this says so (lint then
    falls back to pglast's parser, correct but slower to start)."""
    assert pgquery._LIBRARY is not None


@pytest.mark.parametrize("text", TEXTS)
def test_same_tree_as_pglast(text):
    assert pgquery.parse_json(text) == parser.parse_sql_json(text).encode()


@pytest.mark.parametrize("text", ERRORS)
def test_same_error_as_pglast(text):
    try:
        expected = parser.parse_sql_json(text)
    except parser.ParseError as error:
        expected = error.args
    try:
        got = pgquery.parse_json(text)
    except pgquery.ParseError as error:
        got = error.args
    assert got == (expected.encode() if isinstance(expected, str) else expected)


@pytest.mark.parametrize("text", [*TEXTS, "-- schemac: ignore[x]\nselect 'é' /* c */ ; select $$ ; $$", ""])
def test_same_tokens_as_pglast(text):
    assert pgquery.scan(text) == [(t.start, t.end, t.name) for t in parser.scan(text)]


def test_same_scan_error_as_pglast():
    with pytest.raises(parser.ParseError) as expected:
        parser.scan("select 'unterminated")
    with pytest.raises(pgquery.ParseError) as got:
        pgquery.scan("select 'unterminated")
    assert got.value.args == expected.value.args


def test_linting_does_not_import_pglast():
    code = (
        "import sys\n"
        "from schemac.lint import lint_sql\n"
        "found = lint_sql('create table t (a int); -- schemac: ignore[rls-disabled]\\nselect from where;')\n"
        "assert {'no-primary-key', 'syntax-error'} <= {f.name for f in found}, found\n"
        "print(sorted(m for m in sys.modules if m.startswith('pglast')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "text",
    [
        "create function f() returns int language plpgsql as $$ begin raise exception 'no'; end $$",
        "create function f() returns int language plpgsql as $$ begin retrun 1; end $$",
    ],
)
def test_same_plpgsql_tree_or_error_as_pglast(text):
    def outcome(call, error_type):
        try:
            result = call(text)
            return result.encode() if isinstance(result, str) else result
        except error_type as error:
            return error.args

    assert outcome(pgquery.parse_plpgsql_json, pgquery.ParseError) == outcome(
        parser.parse_plpgsql_json, parser.ParseError
    )
