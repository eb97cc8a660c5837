"""libpg_query's parser, called without importing pglast's Python package.

Lint reads only the parser's JSON (see :mod:`schemac.lint.source`). pglast's
parser module has libpg_query linked in, but importing it imports pglast's
package, its enums and its AST classes first: about 45 ms of CPU on every run,
a fifth of linting 100 tables. The same shared library is opened with ctypes
and its functions called directly, which costs about 10 ms to set up. If
that cannot be done (a pglast built differently), pglast's own functions are
used.
"""

from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path
from typing import Any, NamedTuple


class ParseError(Exception):
    """A syntax error: ``args`` are the message and the 0-based character index
    of the error in the text (None if unknown), as pglast's ParseError has them."""


class _Error(ctypes.Structure):
    # PgQueryError in libpg_query's pg_query.h
    _fields_ = [
        ("message", ctypes.c_char_p),
        ("funcname", ctypes.c_char_p),
        ("filename", ctypes.c_char_p),
        ("lineno", ctypes.c_int),
        ("cursorpos", ctypes.c_int),
        ("context", ctypes.c_char_p),
    ]


class _ParseResult(ctypes.Structure):
    # PgQueryParseResult; the tree is read with string_at, so libpg_query frees its own copy
    _fields_ = [("tree", ctypes.c_void_p), ("stderr_buffer", ctypes.c_char_p), ("error", ctypes.POINTER(_Error))]


class _PlpgsqlParseResult(ctypes.Structure):
    # PgQueryPlpgsqlParseResult
    _fields_ = [("tree", ctypes.c_void_p), ("error", ctypes.POINTER(_Error))]


class _ScanResult(ctypes.Structure):
    # PgQueryScanTokensResult (pglast's libpg_query): an array of PgQueryScanToken,
    # four ints each: start and end byte offsets (end exclusive), token, keyword kind
    _fields_ = [("tokens", ctypes.POINTER(ctypes.c_int)), ("count", ctypes.c_int), ("error", ctypes.POINTER(_Error))]


# function -> (its result, the function that frees it)
_FUNCTIONS = {
    "pg_query_parse": (_ParseResult, "pg_query_free_parse_result"),
    "pg_query_parse_plpgsql": (_PlpgsqlParseResult, "pg_query_free_plpgsql_parse_result"),
    "pg_query_scan_tokens": (_ScanResult, "pg_query_free_scan_tokens_result"),
}


class Token(NamedTuple):
    """A lexical token, as pglast's scan gives it: character offsets, ``end`` inclusive."""

    start: int
    end: int
    name: str


def _library() -> Any:
    """pglast's parser module as a plain shared library, or None."""
    spec = importlib.util.find_spec("pglast")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for candidate in sorted(Path(folder).glob("parser.*.so")):
            try:
                library = ctypes.CDLL(str(candidate))
                for name, (result, free) in _FUNCTIONS.items():
                    getattr(library, name).restype = result
                    getattr(library, name).argtypes = [ctypes.c_char_p]
                    getattr(library, free).restype = None
                    getattr(library, free).argtypes = [result]
                library.pg_query_token_name.restype = ctypes.c_char_p
                library.pg_query_token_name.argtypes = [ctypes.c_int]
            except (OSError, AttributeError):
                continue
            return library
    return None


_LIBRARY = _library()


def parse_json(text: str) -> bytes | str:
    """The JSON parse tree of ``text`` (UTF-8 bytes, which orjson reads as they
    are; text from the fallback); raises :class:`ParseError`."""
    return _call("pg_query_parse", "parse_sql_json", text)


def parse_plpgsql_json(text: str) -> bytes | str:
    """The JSON tree of a CREATE FUNCTION statement's PL/pgSQL body, as :func:`parse_json`."""
    return _call("pg_query_parse_plpgsql", "parse_plpgsql_json", text)


def _call(function: str, fallback: str, text: str) -> bytes | str:
    if _LIBRARY is None:
        from pglast import parser

        try:
            return getattr(parser, fallback)(text)
        except parser.ParseError as error:
            raise ParseError(*error.args) from None
    result = getattr(_LIBRARY, function)(text.encode("utf-8"))
    try:
        _raise_error(result, text)
        if function == "pg_query_scan_tokens":
            return ctypes.string_at(result.tokens, 16 * result.count) if result.count else b""
        return ctypes.string_at(result.tree)
    finally:
        getattr(_LIBRARY, _FUNCTIONS[function][1])(result)


def _raise_error(result: Any, text: str) -> None:
    if result.error:
        error = result.error.contents
        # cursorpos counts characters from 1; 0 when the error has no position
        index = error.cursorpos - 1
        raise ParseError(error.message.decode("utf-8"), index if 0 <= index < len(text) else None)


_TOKEN_NAMES: dict[int, str] = {}


def scan(text: str) -> list[Token]:
    """The lexical tokens of ``text``; raises :class:`ParseError`."""
    if _LIBRARY is None:
        return [Token(t.start, t.end, t.name) for t in _call("", "scan", text)]
    ints = memoryview(_call("pg_query_scan_tokens", "scan", text)).cast("i")
    starts, ends, kinds = ints[0::4], ints[1::4], ints[2::4]
    for kind in set(kinds) - _TOKEN_NAMES.keys():
        name = _LIBRARY.pg_query_token_name(kind)
        _TOKEN_NAMES[kind] = name.decode("ascii") if name else "UNKNOWN"
    if len(text) == len(text.encode("utf-8")):
        return [Token(s, e - 1, _TOKEN_NAMES[k]) for s, e, k in zip(starts, ends, kinds)]
    # byte offsets -> character offsets
    char_at = [i for i, char in enumerate(text) for _ in range(len(char.encode("utf-8")))]
    return [Token(char_at[s], char_at[e - 1], _TOKEN_NAMES[k]) for s, e, k in zip(starts, ends, kinds)]
