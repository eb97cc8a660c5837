"""The spec's own ``tests:``: a role, JWT claims, SQL, and what to expect."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import psycopg.errors

from .result import Result
from .session import Context


def _plain(value):
    """A value as YAML writes it: numbers, text, booleans and null as they are, anything else as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def sqlstate(code: str) -> str | None:
    """A SQLSTATE from a code (``42501``) or a condition name (``insufficient_privilege``)."""
    try:
        return psycopg.errors.lookup(code.upper()).sqlstate
    except KeyError:
        return code.upper() if len(code) == 5 and code.isalnum() else None


def run_spec_tests(ctx: Context) -> Iterator[Result]:
    for key, test in ctx.spec.tests.items():
        name = f"tests: {key}"
        expect = test.expect
        with ctx.scope():
            if test.setup:
                ctx.act(None)
                setup = ctx.attempt(test.setup)
                if setup.failed:
                    yield Result.failed(name, f"setup failed: {setup.describe()}")
                    continue
            claims = dict(test.claims)
            if test.role and "role" not in claims:
                claims["role"] = test.role
            ctx.act(test.role, claims if (test.claims or test.role) else None)
            out = ctx.attempt(test.sql)
        if expect.error is not None:
            wanted = sqlstate(expect.error)
            yield Result.expect(
                name,
                out.failed and out.sqlstate == wanted,
                out.describe()
                + (f" (expected error {wanted})" if out.failed else f" and no error (expected error {wanted})"),
            )
        elif out.failed:
            yield Result.failed(name, out.describe())
        elif expect.count is not None:
            yield Result.expect(name, out.rowcount == expect.count, f"{out.describe()} (expected {expect.count})")
        else:
            got = [[_plain(v) for v in row] for row in (out.rows or [])]
            wanted = [[_plain(v) for v in row] for row in expect.rows]
            yield Result.expect(name, got == wanted, f"rows {got} (expected {wanted})")
