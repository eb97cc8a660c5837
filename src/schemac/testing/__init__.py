"""``schemac test``: prove on a real PostgreSQL what the conventions promise.

The schema is applied to a database (the caller gives the connection, inside
a transaction it rolls back), rows are made for two tenants, and small checks
(``checks.CHECKS``) act as the API roles would and report what they saw. The
spec's own ``tests:`` run afterwards (``spec_tests``). Nothing here prints.
"""

from __future__ import annotations

import psycopg

from ..pipeline import Compiled
from .checks import CHECKS
from .result import Result
from .session import Context
from .spec_tests import run_spec_tests
from .world import World, make_world


def run(compiled: Compiled, conn: psycopg.Connection) -> list[Result]:
    """Every generated check, then the spec's tests, on ``conn``, where the schema is applied.

    The caller holds the transaction; each check runs in a savepoint rolled back after it.
    """
    world = make_world(compiled, conn)
    ctx = Context(compiled, conn, world)
    results: list[Result] = list(world.problems)
    for check in CHECKS:
        results.extend(check(ctx))
    results.extend(run_spec_tests(ctx))
    return results


__all__ = ["CHECKS", "Context", "Result", "World", "make_world", "run"]
