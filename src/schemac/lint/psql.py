"""psql scripts: what of the text is SQL for the server.

Migration folders and ``pg_dump`` files are psql scripts: besides SQL they
hold backslash meta-commands (``\\set``, ``\\i``, ``\\connect``, ``\\restrict``,
...), psql variables inside statements (``:'name'``, ``:"name"``, ``:name``)
and ``COPY ... FROM stdin`` data ended by ``\\.``. PostgreSQL's parser knows
none of them. :func:`sql_of` returns the text the server would see, as psql
reads it, with everything else blanked out byte for byte (a character becomes
as many spaces as its UTF-8 bytes, newlines stay), so every byte offset, and
every line and column, of the SQL is that of the original file.

As in psql (``psqlscan.l``, ``psqlscanslash.l``): a backslash outside a
string, quoted identifier, comment or dollar-quoted body starts a
meta-command that ends at the end of its line, or at the next unquoted
backslash (a double one, ``\\\\``, hands the rest of the line back to SQL);
``\\;`` and ``\\:`` are a plain ``;`` and ``:``. ``\\g`` and its kin
(``\\gx``, ``\\gset``, ``\\gexec``, ``\\gdesc``) send the query before them as
a semicolon would, so their backslash becomes ``;``. A variable is
replaced by something of the same size that parses where its value would:
``:'v'`` the string literal ``'v'``, ``:"v"`` the quoted identifier
``"v"`` (both may be set outside the script, by ``psql -v``), and ``:v``
(substituted by psql only when the script set it with ``\\set``;
``a[1:n]`` is left alone otherwise) a plain identifier.
"""

from __future__ import annotations

import re

# Where a lexical element that matters here may start. Lookbehinds keep
# identifiers such as ``price$usd`` or ``date'...'``-like words from being read
# as dollar quotes or escape strings.
_LEXEME = re.compile(
    r"""
      (?P<line_comment>--[^\n]*)
    | (?P<block_comment>/\*)
    | (?P<escape_string>(?<![\w$])[eE]'[^'\\]*(?:(?:\\.|'')[^'\\]*)*')
    | (?P<string>'[^']*(?:''[^']*)*')
    | (?P<identifier>"[^"]*(?:""[^"]*)*")
    | (?P<dollar>(?<![\w$])\$(?:[^\W\d]\w*)?\$)
    | (?P<cast>::)
    | (?P<variable>:(?:'\w+'|"\w+"|\w+))
    | (?P<escaped>(?:\\[;:])+)
    | (?P<meta>\\)
    """,
    re.VERBOSE | re.DOTALL,
)
_LEXEME_START = re.compile(r"[-/'\"$:\\]")
_SENDS_QUERY = frozenset({"g", "gx", "gset", "gexec", "gdesc"})
# Meta-commands whose argument is the rest of the line, backslashes and all.
_WHOLE_LINE = frozenset({"!", "copy", "ef", "ev", "sf", "sv", "h", "help"})
_COMMAND_NAME = re.compile(r"[^\s\\]*")
# In a meta-command's arguments: a quoted argument (its backslashes are its
# own), a double backslash, a backslash.
_ARGUMENT_STOP = re.compile(r"""'(?:[^'\\\n]|\\.|'')*'|"[^"\n]*"|`[^`\n]*`|\\\\|\\""")
# COPY ... FROM stdin (or psql's \\copy ... from stdin): data lines follow, up to \\.
_FROM_STDIN = re.compile(r"\bfrom\s+stdin\b[^\n]*\n", re.IGNORECASE)
_END_OF_DATA = re.compile(r"^\\\.\r?$", re.MULTILINE)


def sql_of(text: str) -> str:
    """The SQL of a psql script, same size in bytes as ``text`` (see the module doc)."""
    if "\\" not in text and ":'" not in text and ':"' not in text:
        return text  # no meta-command, no variable, no COPY data
    text = _without_copy_data(text)
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    defined: set[str] = set()
    position = 0
    while (match := _next_lexeme(text, position)) is not None:
        kind, start, end = match.lastgroup, match.start(), match.end()
        if kind == "block_comment":
            end = _block_comment_end(text, start)
        elif kind == "dollar":
            close = text.find(match.group(), end)
            end = len(text) if close < 0 else close + len(match.group())
        elif kind == "variable":
            replacement = _variable(match.group(), defined)
            if replacement is not None:
                pieces += [text[done:start], replacement]
                done = end
        elif kind == "escaped":  # \; and \: are a ';' and a ':' for the server
            characters = match.group()[1::2]
            pieces += [text[done:start], " " * len(characters), characters]
            done = end
        elif kind == "meta":
            end, resume = _meta_end(text, start)
            words = text[start + 1 : end].split()
            name = words[0] if words else ""
            if name == "set" and len(words) > 1:
                defined.add(words[1])
            sends = ";" if name in _SENDS_QUERY else " "
            pieces += [text[done:start], sends, _blank(text[start + 1 : resume])]
            done = end = resume
        position = end
    pieces.append(text[done:])
    return "".join(pieces)


def _next_lexeme(text: str, position: int) -> re.Match | None:
    """The first lexeme at or after ``position``. Candidates are found by
    their first character, which the regular expression engine skips to in
    C, instead of trying every alternative at every position (a third of the
    lint's CPU time on a 3.5 MB pg_dump that holds one ``\\restrict`` line);
    an escape string is found at its quote."""
    while (candidate := _LEXEME_START.search(text, position)) is not None:
        start = candidate.start()
        if start > position and text[start - 1] in "eE" and text[start] == "'":
            start -= 1
        match = _LEXEME.match(text, start) or _LEXEME.match(text, candidate.start())
        if match is not None:
            return match
        position = candidate.start() + 1
    return None


def _without_copy_data(text: str) -> str:
    """Blank the data of each COPY ... FROM stdin, from the line after the
    statement up to and including its ``\\.`` line."""
    pieces, done = [], 0
    for terminator in _END_OF_DATA.finditer(text):
        opening = None
        for opening in _FROM_STDIN.finditer(text, done, terminator.start()):
            pass
        if opening is None:
            continue
        pieces += [text[done : opening.end()], _blank(text[opening.end() : terminator.end()])]
        done = terminator.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _variable(token: str, defined: set[str]) -> str | None:
    if token[1] in "'\"":  # the variable's name stands for its value: messages name it
        return " " + token[1:]
    if token[1:] in defined:
        return "_" + token[1:]
    return None


def _block_comment_end(text: str, start: int) -> int:
    """End of a /* */ comment starting at ``start``; they nest in PostgreSQL."""
    depth, position = 0, start
    while True:
        opening = text.find("/*", position)
        closing = text.find("*/", position)
        if closing < 0:
            return len(text)
        if 0 <= opening < closing:
            depth, position = depth + 1, opening + 2
        else:
            depth, position = depth - 1, closing + 2
            if depth == 0:
                return position


def _meta_end(text: str, start: int) -> tuple[int, int]:
    """Where the meta-command at ``start`` ends, and where SQL resumes.

    As psql reads it: the arguments end at the end of the line, or at an
    unquoted backslash, which starts the next meta-command, or, doubled
    (``\\\\``), hands the rest of the line back to SQL. A few commands
    (``\\copy``, ``\\!``, ...) take the whole line."""
    line_end = _line_end(text, start)
    name = _COMMAND_NAME.match(text, start + 1).group()
    if name not in _WHOLE_LINE:
        for stop in _ARGUMENT_STOP.finditer(text, start + 1 + len(name), line_end):
            if stop.group() == "\\\\":
                return stop.start(), stop.end()
            if stop.group() == "\\":
                return stop.start(), stop.start()
    return line_end, line_end


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _blank(text: str) -> str:
    """Spaces in place of ``text``, as many as its bytes; newlines kept."""
    if text.isascii():
        return re.sub(r"[^\n]", " ", text)
    return "".join(c if c == "\n" else " " * _size(c) for c in text)
