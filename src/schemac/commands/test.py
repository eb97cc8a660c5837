"""schemac test"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, compile_or_exit, output, spec_option


@click.command()
@spec_option
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Test in this database: everything is applied in one transaction that is rolled back at the "
    "end, so the database is left as it was (it must not already hold the schema). On Citus, "
    "the schema and its rows stay: give a database made for the test.",
)
@click.option(
    "--dev-db",
    "dev_db",
    metavar="URL",
    help="A PostgreSQL server to create the scratch database on (default: the embedded PostgreSQL).",
)
def test(spec_path: Path, db_url: str | None, dev_db: str | None) -> None:
    """Prove the spec's guarantees on a real PostgreSQL.

    Builds the compiled spec on a scratch database as `plan` does, by a role
    that is not a superuser (the Supabase stand-in first, under the supabase
    flavor), makes rows for two tenants in every table the conventions
    touch, and checks, acting as the API roles: a tenant sees only its own rows and cannot
    insert, update, delete or move another's; soft-deleted rows are
    invisible; UPDATE, DELETE and TRUNCATE on append-only tables fail for every role,
    the owner and service_role included; anon sees nothing; every SECURITY
    DEFINER function pins its search_path; partitions exist for the current
    and premade periods and create_partitions() is idempotent. Then the
    spec's own `tests:` run.

    On a Citus coordinator (target: {citus: true}) the schema and its rows are
    committed, and each check runs in a transaction of its own: Citus shows
    the rows one role wrote in a transaction to no other role before it
    commits. Give --db a database made for the test. The roles the checks act
    as must be able to log in: Citus reaches the workers as them.

    Prints each check with PASS or FAIL (and, on failure, what was seen),
    then `N passed, N failed`. Exit 1 when a check fails, 2 on bad input
    (an invalid spec, a schema that does not apply, no database).

    \b
    Examples:
      schemac test
      schemac test --dev-db postgresql://localhost/postgres
      schemac test --db postgresql://localhost/empty_db
    """
    from ..live import LiveError, connect
    from ..scratch import Goal, built, prepare
    from ..testing import on_citus, roles_acted, run

    compiled = compile_or_exit(spec_path)
    goal = Goal.of_compiled(compiled, str(spec_path))
    out = output()

    def on(url: str):
        with connect(url) as conn:
            if goal.citus:
                conn.autocommit = True  # Citus checks commit their rows (testing.on_citus)
                prepare(conn, goal)
                return on_citus(conn, compiled)
            with conn.transaction(force_rollback=True):
                prepare(conn, goal)
                return run(compiled, conn)

    try:
        if db_url:
            results = on(db_url)
        else:
            # Built as plan builds it, by a role that is not a superuser (docs/security.md).
            with built(goal, dev_db, for_tests=roles_acted(compiled.spec)) as scratch:
                if goal.citus:
                    scratch.conn.commit()
                    results = on_citus(scratch.conn, compiled)
                else:
                    with scratch.conn.transaction(force_rollback=True):
                        results = run(compiled, scratch.conn)
    except LiveError as exc:
        out.error(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    failed = [r for r in results if not r.passed]
    for result in results:
        if result.passed:
            out.echo(f"PASS  {result.name}")
        else:
            out.echo(f"FAIL  {result.name}")
            out.echo(f"        seen: {result.seen}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        sys.exit(EXIT_FINDINGS)
