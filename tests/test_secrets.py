"""No password schemac is given is ever printed or stored, in any connection-string form.

Each command that takes a database (plan, apply, test, check, import) runs
against a real server with the password written as a URL's user part, a
keyword DSN, a ``?password=`` parameter, a percent-encoded ``%``, a
malformed ``%`` (which libpq refuses, quoting it) and an unknown keyword;
with -v, so progress lines are read too. The password must appear in neither stdout nor stderr, nor in
schemac.history, which keeps user, host, port and database only.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from click.testing import CliRunner

from schemac.cli import main
from schemac.redact import passwords, redact, scrub

PASSWORD = "Hunter2-Secret-Value"
PERCENT = "Pct%Secret-Value"  # a literal % that the URL form writes as %25
SPEC = """\
version: 1
tables:
  notes:
    columns:
      id: {type: int, primary_key: true}
      body: text
    rls: true
    policies:
      readable: {command: select, using: "body is not null"}
tests:
  notes_start_empty:
    sql: select * from public.notes
    expect: {count: 0}
"""

FORMS = {
    "url": lambda c, pw=PASSWORD: (
        f"postgresql://{c['user']}:{quote(pw, safe='')}@/{c['dbname']}?host={c['host']}&port={c['port']}"
    ),
    "keywords": lambda c, pw=PASSWORD: (
        f"host={c['host']} port={c['port']} dbname={c['dbname']} user={c['user']} password={pw}"
    ),
    "quoted-keywords": lambda c, pw="Hunter2 with 'quotes'": (
        f"host={c['host']} port={c['port']} dbname={c['dbname']} user={c['user']} "
        f"password='{pw.replace(chr(39), chr(92) + chr(39))}'"
    ),
    "query": lambda c, pw=PASSWORD: (
        f"postgresql://{c['user']}@/{c['dbname']}?host={c['host']}&port={c['port']}&password={pw}"
    ),
    "percent": lambda c: FORMS["url"](c, PERCENT),
    "malformed-percent": lambda c: (
        f"postgresql://{c['user']}:Bad%zzSecret@/{c['dbname']}?host={c['host']}&port={c['port']}"
    ),
    # Neither host= nor dbname=: once taken for a file name, and printed whole in "no such file".
    "unknown-keyword": lambda c: f"hots={c['host']} password={PASSWORD}",
}
REFUSED = {"malformed-percent", "unknown-keyword"}
SECRETS = {
    "url": [PASSWORD],
    "keywords": [PASSWORD],
    "quoted-keywords": ["Hunter2 with 'quotes'", "Hunter2 with \\'quotes\\'"],
    "query": [PASSWORD],
    "percent": [PERCENT, quote(PERCENT, safe="")],
    "malformed-percent": ["Bad%zzSecret"],
    "unknown-keyword": [PASSWORD],
}
COMMANDS = {
    "plan": lambda dsn: ["-v", "plan", "--db", dsn],
    "plan-to-url": lambda dsn: ["-v", "plan", "--to", dsn],
    "apply": lambda dsn: ["-v", "apply", "--db", dsn, "--yes", "--allow-hazards", "all"],
    "test": lambda dsn: ["-v", "test", "--db", dsn],
    "check": lambda dsn: ["-v", "check", "--db", dsn],
    "import": lambda dsn: ["-v", "import", "--db", dsn, "--out", "imported.yaml", "--force"],
}


@pytest.fixture
def target(database: str) -> dict:
    """The parts of a fresh database's connection string (host is the server's socket folder)."""
    return psycopg.conninfo.conninfo_to_dict(database)


@pytest.mark.slow
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("command", COMMANDS)
def test_no_command_prints_or_stores_a_password(
    command: str, form: str, target, pg_cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCHEMAC_DEV_DB", pg_cluster.url())
    (tmp_path / "schema.yaml").write_text(SPEC)
    runner = CliRunner()
    assert runner.invoke(main, ["build"]).exit_code == 0
    dsn = FORMS[form](target)

    result = runner.invoke(main, COMMANDS[command](dsn))

    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    for secret in SECRETS[form]:
        assert secret not in result.stdout and secret not in result.stderr, result.output
    if form in REFUSED:
        assert result.exit_code == 2 and "cannot connect" in result.stderr
    elif command == "apply":
        assert result.exit_code == 0, result.output
        with psycopg.connect(pg_cluster.url(target["dbname"])) as conn:
            rows = conn.execute("SELECT target, sql, coalesce(error, '') FROM schemac.history").fetchall()
        assert rows and all(secret not in str(rows) for secret in SECRETS[form])
        assert rows[0][0] == f"{target['user']}@{target['host']}:{target['port']}/{target['dbname']}"


@pytest.mark.parametrize(
    "dsn, shown",
    [
        ("postgresql://app:s3cret@db.example.com:5432/prod", "postgresql://app:***@db.example.com:5432/prod"),
        ("postgres://app:p@ss@db/prod?sslmode=require", "postgres://app:***@db/prod?sslmode=require"),
        (
            "postgresql://app@db/prod?sslmode=require&password=s3cret&application_name=x",
            "postgresql://app@db/prod?sslmode=require&password=***&application_name=x",
        ),
        ("host=db user=app password=s3cret dbname=prod", "host=db user=app password=*** dbname=prod"),
        (
            "host=db password = 'a b\\'c' sslpassword=keypass dbname=prod",
            "host=db password = *** sslpassword=*** dbname=prod",
        ),
        ("postgresql://app@db/prod", "postgresql://app@db/prod"),
        ("service=prod", "service=prod"),
    ],
)
def test_every_form_is_redacted(dsn: str, shown: str) -> None:
    assert redact(dsn) == shown
    for password in passwords(dsn):
        assert password not in redact(dsn)


def test_a_message_quoting_the_password_is_scrubbed() -> None:
    dsn = "postgresql://app:p%zzsecret@db/prod"
    assert scrub(f'invalid percent-encoded token: "p%zzsecret" in {dsn}', dsn) == (
        'invalid percent-encoded token: "***" in postgresql://app:***@db/prod'
    )
