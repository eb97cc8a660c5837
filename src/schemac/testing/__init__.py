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
from .session import Context, roles_acted
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


def on_citus(conn: psycopg.Connection, compiled: Compiled) -> list[Result]:
    """``run`` on a Citus coordinator where the schema is committed: the rows committed too, each check in a
    transaction of its own (rolled back). Citus writes a transaction's rows over one connection per node and
    user, and shows them to no other user before they commit ("cannot perform query on placements that were
    modified in this transaction by a different user"), so the rollback of one enclosing transaction cannot
    be used. Roles the checks act as that cannot log in are reported first, on a cluster with workers: Citus
    reaches the workers as them."""
    from ..connection import LiveError

    conn.autocommit = True
    roles = sorted({*(Context(compiled, conn, World(compiled)).tenant_roles()), "anon", "service_role"})
    # Citus reaches the workers, where there are any (a node of its own keeps every shard), as the role.
    unable = [
        role
        for (role,) in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) AND NOT rolcanlogin"
            "   AND EXISTS (SELECT FROM pg_dist_node WHERE groupid <> 0) ORDER BY 1",
            (roles,),
        )
    ]
    if unable:
        raise LiveError(
            f"on Citus, the roles the checks act as must be able to log in (Citus reaches the workers as "
            f"them): {', '.join(unable)} cannot; ALTER ROLE ... LOGIN on the cluster, or test on one node"
        )
    return run(compiled, conn)


__all__ = ["CHECKS", "Context", "Result", "World", "make_world", "on_citus", "roles_acted", "run"]
