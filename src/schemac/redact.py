"""Connection strings without their secrets: the one redaction for all that is printed, logged or stored.

A connection string reaches schemac from the command line or the
environment, in any form libpq reads: a URL (``postgresql://user:secret@host/db``),
a URL with ``?password=secret``, or keywords (``host=h password='se cret'``);
``sslpassword`` guards a client key the same way. A password may be
percent-encoded or not, quoted or not, and may be malformed, so redaction
works on the text as written and never needs libpq to accept it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

HIDDEN = "***"

# `password=` in a URL's query: the value runs to the next parameter.
_QUERY_PASSWORD = re.compile(r"(?i)([?&](?:ssl)?password=)([^&#]*)")
# `password=` among keywords: a quoted value (with \' and \\ escapes) or a word.
_KEYWORD_PASSWORD = re.compile(r"(?i)(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)")
_URL = re.compile(r"(?i)^\s*postgres(?:ql)?://")


# `key=value` at the start: libpq's keyword form (no file a spec is read from is named so).
_KEYWORDS = re.compile(r"^\s*[a-z_]+\s*=")


def is_url(dsn: str) -> bool:
    return bool(_URL.match(dsn))


def is_connection_string(text: str) -> bool:
    """Whether ``text`` names a database (a URL or keywords) rather than a file: a keyword form
    taken for a file name would be printed whole, password included, in "no such file"."""
    return is_url(text) or bool(_KEYWORDS.match(text)) or "host=" in text or "dbname=" in text


def _url_parts(dsn: str) -> tuple[str, str | None, str]:
    """(what precedes the password, the password or None, what follows it) of a URL."""
    scheme_end = dsn.index("://") + 3
    rest = dsn[scheme_end:]
    if "@" not in rest:
        return dsn, None, ""
    # libpq reads the user part up to the '@'; a password holding '@' unencoded
    # is still hidden whole by splitting at the last one.
    credentials, at, host = rest.rpartition("@")
    user, colon, password = credentials.partition(":")
    if not colon:
        return dsn, None, ""
    return dsn[:scheme_end] + user + ":", password, at + host


def passwords(dsn: str) -> list[str]:
    """Every password ``dsn`` holds, as written and as decoded, longest first."""
    found: list[str] = []
    if is_url(dsn):
        _, password, rest = _url_parts(dsn)
        if password:
            found.append(password)
        found.extend(m.group(2) for m in _QUERY_PASSWORD.finditer(rest or dsn))
    else:
        for match in _KEYWORD_PASSWORD.finditer(dsn):
            value = match.group(2)
            found.append(value)
            if value.startswith("'"):
                found.append(re.sub(r"\\(.)", r"\1", value.strip("'")))
    found += [unquote(p) for p in found]
    return sorted({p for p in found if p}, key=len, reverse=True)


def redact(dsn: str) -> str:
    """``dsn`` with each password replaced by ``***``: safe to print or store."""
    if is_url(dsn):
        head, password, rest = _url_parts(dsn)
        shown = head + HIDDEN + rest if password is not None else dsn
        return _QUERY_PASSWORD.sub(lambda m: m.group(1) + HIDDEN, shown)
    return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + HIDDEN, dsn)


def scrub(text: str, *dsns: str | None) -> str:
    """``text`` (an error message, a log line) with every connection string of ``dsns`` redacted
    and every password they hold hidden, wherever the message repeats it (libpq quotes the
    token it could not read)."""
    for dsn in filter(None, dsns):
        if dsn in text:
            text = text.replace(dsn, redact(dsn))
        # A password of a few characters would hide those letters everywhere in the message;
        # where such a one appears, it appears within its connection string, redacted above.
        for password in passwords(dsn):
            if len(password) >= 4:
                text = text.replace(password, HIDDEN)
    return text


def target(info) -> str:
    """Where a connection went, from psycopg's ``conn.info``: ``user@host:port/database``,
    the parts the history keeps (never a password, an option or a certificate)."""
    host = info.host or "localhost"
    if ":" in host and not host.startswith("/"):
        host = f"[{host}]"
    return f"{info.user}@{host}:{info.port}/{info.dbname}"
