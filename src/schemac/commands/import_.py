"""schemac import"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from ..config import DATABASE_URL_VARIABLES
from ..errors import SpecError
from .. import scratch
from ..live import LiveError
from ..redact import redact
from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, output


@click.command("import")
@click.option(
    "--db",
    metavar="URL",
    envvar=list(DATABASE_URL_VARIABLES),
    help="The database to import; default: $SCHEMAC_DATABASE_URL, then $DATABASE_URL.",
)
@click.option(
    "--from",
    "sql_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Import what this SQL file creates (run on a scratch database), instead of a database.",
)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    metavar="NAME",
    help="Import only this schema (repeat for several); default: all but the platform's.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=Path("schema.yaml"),
    show_default=True,
    help="Where to write the spec; - for stdout.",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option(
    "--no-conventions",
    is_flag=True,
    help="Write every object out; do not use tenant_scoped, soft_delete, audit, append_only, ...",
)
@click.option(
    "--no-verify",
    is_flag=True,
    help="Do not prove the round trip (no scratch database needed); implies --no-conventions.",
)
@click.option(
    "--dev-db",
    metavar="URL",
    envvar="SCHEMAC_DEV_DB",
    help="A server for the scratch databases (default: embedded PostgreSQL).",
)
def import_(
    db: str | None,
    sql_file: Path | None,
    schemas: tuple[str, ...],
    out_file: Path,
    force: bool,
    no_conventions: bool,
    no_verify: bool,
    dev_db: str | None,
) -> None:
    """Write schema.yaml from an existing database, or from an SQL file.

    Every table, key, index, partition, policy, trigger, view, function,
    type and grant is written as the spec's own keys, with the spec's
    default names left out. Where the database follows schemac's
    conventions (a tenant column with its policies, a soft-delete column,
    audit columns, an append-only guard, partitions by year), the tables
    get the switches (tenant_scoped, soft_delete, audit, append_only) and
    the objects those generate are left to them.

    The result is proved: the spec is built, applied to an empty scratch
    database and read back, and must come out as the source, so that
    `schemac plan` from one to the other is empty; then each object both
    hold is compared as PostgreSQL prints its definition, so that what
    schemac does not model yet (a function's SET statement_timeout, ...)
    makes the round trip NOT exact, named, rather than lost unseen. A
    convention switch is kept only where that holds; elsewhere the objects are written out,
    with a comment saying why. What the spec cannot hold as the database
    has it (a primary key with another name, ...) is named in a comment
    where it was; what it leaves out whole (an object the spec refuses as
    the database has it, a name the spec cannot write, one the written
    spec does not make again) is listed under `leave_alone`, with the
    reason, so that a plan to the spec leaves it alone. What schemac does not manage is named at the top with the
    reason and what uses it, and no plan ever touches it: aggregates it
    cannot write, collations, text search configurations and dictionaries,
    range and base types made by CREATE TYPE and what uses one (a
    table with a column of one, a view, key, policy or function), functions
    in languages other than sql and plpgsql and the triggers that call them,
    foreign keys to tables the spec cannot name (storage.buckets), all but
    one of the routines that share a name and of indexes alike, unlogged
    partitions, what a default partition holds of its own and a partition's
    own triggers (its table's reach it by themselves), a column a table
    inherits with a default of its own, a search_path the database sets,
    privileges on the database, privileges changed on the platform's own
    objects, and the comments the spec has no place for (on a partition, a
    key's index, a NOT NULL constraint, a rule, ...). The round trip is then
    exact for what the spec holds. The spec is proved on a scratch database
    given the source's collations, the text search configurations its
    functions name, and its search_path (as `plan --db` does; from an SQL
    file, the collations it makes); one that uses an aggregate left out
    cannot be built there, and import says which
    objects need it.

    \b
    Exit codes: 0 written, and the round trip is exact; 1 written, but the
    spec does not reproduce the source exactly (the comments at its top
    say how); 2 bad input: no source, a database or file that cannot be
    read, --out exists.

    \b
    Examples:
      schemac import --db postgresql://localhost/app
      schemac import --db "$DATABASE_URL" --schema public --schema private --out db/schema.yaml
      schemac import --from legacy/schema.sql --out schema.yaml --force
    """
    from ..importer import import_catalog, verify

    out = output()
    ctx = click.get_current_context()
    if sql_file is not None and db is not None:
        if ctx.get_parameter_source("db") == click.core.ParameterSource.ENVIRONMENT:
            db = None  # --from on the command line wins over the environment
        else:
            raise click.UsageError("give --db URL or --from FILE.sql, not both")
    if sql_file is None and db is None:
        raise click.UsageError(
            "give the database to import with --db URL (or $DATABASE_URL), or an SQL file with --from FILE.sql"
        )
    to_stdout = str(out_file) == "-"
    if not to_stdout and out_file.exists() and not force:
        out.error(f"{out_file} already exists; schemac import leaves it as it is (--force overwrites it)")
        sys.exit(EXIT_BAD_INPUT)
    label = redact(db) if db else str(sql_file)
    try:
        with ExitStack() as stack:
            # A Citus source is built again where Citus is loaded.
            if sql_file is not None:
                citus = scratch.load(sql_file).citus
                target = None
            else:
                with out.progress(f"Reading {label}"):
                    source, target = verify.read(db, schemas)
                citus = bool(source.distributions)
            server_url = None
            if sql_file is not None or not no_verify:
                with out.progress("Connecting to the dev database" if dev_db else "Starting a scratch PostgreSQL"):
                    server_url = stack.enter_context(scratch.server(dev_db, citus))
            if sql_file is not None:
                with out.progress(f"Running {sql_file} on a scratch database"):
                    source, target = verify.read_sql(sql_file, server_url, schemas)
            check = None
            if not no_verify:
                rounds = [0]

                def check(text: str):
                    rounds[0] += 1
                    with out.progress(f"Proving the round trip (build, apply, read back; round {rounds[0]})"):
                        made = verify.applied(text, server_url, schemas, str(out_file), target)
                        return verify.differences(source, made)

            result = import_catalog(source, check, conventions=not (no_conventions or no_verify), label=label)
    except LiveError as exc:
        out.error(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    except SpecError as exc:  # pragma: no cover - import_catalog reports these in the result
        out.error(f"error: {exc}")
        sys.exit(EXIT_FINDINGS)

    if to_stdout:
        click.echo(result.text, nl=False)
    else:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(result.text, encoding="utf-8")
    catalog = source
    counts = f"{len(catalog.tables)} tables, {len(catalog.views)} views, {len(catalog.functions)} functions"
    if result.conventions:
        listed = ", ".join(f"{name} ({n})" if n else name for name, n in result.conventions.items())
        out.info(f"conventions: {listed}", err=to_stdout)
    if result.unsupported:
        out.info(f"not imported ({len(result.unsupported)}), see the comments in the spec:", err=to_stdout)
        for item in result.unsupported:
            out.info(f"  {item}", err=to_stdout)
    where = "stdout" if to_stdout else str(out_file)
    if result.problems:
        for problem in result.problems:
            out.error(problem)
        out.error(
            f"wrote {where} ({counts}), but the round trip could not be proved: the spec did not build "
            "or apply (see above)"
        )
        sys.exit(EXIT_FINDINGS)
    if result.differences:
        for difference in result.differences:
            out.error(f"  differs: {difference}")
        out.error(
            f"wrote {where} ({counts}), but applied to an empty database it differs from {label} "
            f"in {len(result.differences)} way{'s' if len(result.differences) != 1 else ''} "
            "(listed above and at the top of the file)"
        )
        sys.exit(EXIT_FINDINGS)
    proof = "the round trip is exact" if result.verified else "not verified (--no-verify)"
    if result.verified and result.unsupported:
        # What was left out is not in the spec: the round trip is exact for the rest only.
        proof += f" for what the spec holds ({len(result.unsupported)} left out, named above)"
    out.summary(f"wrote {where} from {label} ({counts}); {proof}", err=to_stdout)
