"""Reading the few pieces of PostgreSQL's printed definitions that have no catalog column of their own.

PostgreSQL prints these with a fixed layout (``CHECK (expr)``, ``... WHEN
(expr) EXECUTE FUNCTION ...``), so they are found by walking the text with
quotes and parentheses kept track of, never by matching patterns inside
expressions. The reader sets ``standard_conforming_strings``, so a backslash
inside a literal is an ordinary character.
"""

from __future__ import annotations

from ..sqltree import as_read_back


def skip_quoted(text: str, i: int) -> int:
    """The index just past the quoted literal or identifier starting at ``text[i]``."""
    quote = text[i]
    i += 1
    while i < len(text):
        if text[i] == quote:
            if i + 1 < len(text) and text[i + 1] == quote:  # '' or "" inside
                i += 2
                continue
            return i + 1
        i += 1
    raise ValueError(f"unterminated {quote} in {text!r}")


def closing_paren(text: str, start: int) -> int:
    """The index of the parenthesis that closes the one at ``text[start]``."""
    if text[start] != "(":
        raise ValueError(f"expected '(' at {start} in {text!r}")
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char in "'\"":
            i = skip_quoted(text, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced parentheses in {text!r}")


def find_unquoted(text: str, needle: str) -> int:
    """The first index of ``needle`` outside quoted literals and identifiers, or -1."""
    i = 0
    while i < len(text):
        if text.startswith(needle, i):
            return i
        if text[i] in "'\"":
            i = skip_quoted(text, i)
            continue
        i += 1
    return -1


def split_top_level(text: str) -> list[str]:
    """Comma-separated items at the top level of ``text`` (quotes and parentheses kept whole)."""
    items, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "'\"":
            i = skip_quoted(text, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:i].strip())
            start = i + 1
        i += 1
    items.append(text[start:].strip())
    return [item for item in items if item]


def check_expression(definition: str) -> tuple[str, str]:
    """``CHECK (expr) NOT VALID`` -> (``expr``, ``"NOT VALID"``): the expression and what follows it."""
    start = definition.index("(")
    end = closing_paren(definition, start)
    return as_read_back(definition[start + 1 : end]), definition[end + 1 :].strip()


def trigger_when(definition: str) -> str | None:
    """The condition of ``CREATE TRIGGER ... WHEN (condition) EXECUTE ...``, without the parentheses."""
    at = find_unquoted(definition, " WHEN (")
    if at < 0:
        return None
    start = at + len(" WHEN ")
    return definition[start + 1 : closing_paren(definition, start)]


def config_setting(config: list[str] | None, name: str) -> str | None:
    """The value of ``name`` in a ``proconfig`` / ``reloptions`` style list (``name=value``)."""
    for item in config or ():
        key, sep, value = item.partition("=")
        if sep and key == name:
            return value
    return None


def storage_parameters(options: list[str] | None, toast: list[str] | None = None) -> tuple:
    """((name, value), ...) of a relation's ``reloptions`` (``name=value``) in their order, then its TOAST
    table's (named ``toast.<name>``)."""
    pairs = [tuple(item.partition("=")[::2]) for item in options or ()]
    pairs += [(f"toast.{name}", value) for name, value in (item.partition("=")[::2] for item in toast or ())]
    return tuple(pairs)


def search_path_names(value: str) -> list[str]:
    """The schema names of a stored search_path (``"$user", public`` or ``""``), unquoted."""
    names: list[str] = []
    i = 0
    while i < len(value):
        while i < len(value) and value[i] in " ,":
            i += 1
        if i >= len(value):
            break
        if value[i] == '"':
            end = skip_quoted(value, i)
            names.append(value[i + 1 : end - 1].replace('""', '"'))
            i = end
        else:
            end = value.find(",", i)
            end = len(value) if end < 0 else end
            names.append(value[i:end].strip())
            i = end
    return names


def truthy(value: str | None) -> bool:
    """A boolean reloption as PostgreSQL accepts it (true/on/yes/1 and their prefixes)."""
    if value is None:
        return False
    return value.strip().lower() in ("t", "tr", "tru", "true", "on", "y", "ye", "yes", "1")
