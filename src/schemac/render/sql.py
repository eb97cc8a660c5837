"""Catalog -> one SQL script: a statement per object through its template, in dependency order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from pglast.parser import ParseError

from .. import __version__
from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.graph import Stage, Statement, column_key, order
from ..catalog.objects import QualifiedName
from ..catalog.partitions import children, descendants, root
from ..introspect.text import search_path_names
from ..spec.platform import platform_for
from ..spec.names import not_null_name, postgres_name
from ..sqltree import (
    SqlProblem,
    looks_like_function,
    parse_type,
    plpgsql_declared,
    plpgsql_header,
    references,
    table_columns,
)
from .citus import distribution_statements
from .constraints import constraint_body, index_key_sql, inline_constraints, timing
from .quoting import ident, literal, qualified, storage_parameters_sql

# A function body is written between the first of these that cannot end it early.
BODY_QUOTES = ("$function$", "$body$", "$schemac$", "$schemac_body$")


def body_quote(body: str) -> str | None:
    """The dollar quote to write ``body`` between, or None when each would end it early.

    The body sits right against its quotes (PostgreSQL keeps every byte between
    them), so a body ending in ``$function`` rules out ``$function$`` as well."""
    return next((tag for tag in BODY_QUOTES if tag not in body + tag[:-1]), None)


SECTION_TITLES = {
    Stage.SCHEMAS: "Schemas",
    Stage.EXTENSIONS: "Extensions",
    Stage.TYPES: "Types",
    Stage.SEQUENCES: "Sequences",
    Stage.FUNCTIONS: "Functions",
    Stage.TABLES: "Tables",
    Stage.PARTITIONS: "Partitions",
    Stage.DISTRIBUTION: "Citus distribution",
    Stage.INDEXES: "Indexes",
    Stage.FOREIGN_KEYS: "Foreign keys",
    Stage.TABLE_FUNCTIONS: "Functions that read tables",
    Stage.VIEWS: "Views",
    Stage.SECURITY: "Row level security",
    Stage.TRIGGERS: "Triggers",
    Stage.GRANTS: "Grants",
    Stage.PUBLICATIONS: "Publications",
    Stage.DEFAULT_PRIVILEGES: "Default privileges",
}


def template_dir() -> Path:
    """Templates ship inside the wheel; in a source checkout they sit at the top level."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def _role(name: str) -> str:
    return "PUBLIC" if name.lower() == "public" else ident(name)


def search_path_sql(text: str) -> str:
    """A search_path's value in SQL: its schema names, or ``''`` for none."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or parts in (['""'], ["''"]):
        return "''"
    return ", ".join(p if p == "pg_temp" else ident(p) for p in parts)


# Settings whose value is a list of names, each quoted as an identifier (GUC_LIST_QUOTE): written as a list
# of literals, as pg_get_functiondef writes them, so that PostgreSQL keeps the text it printed.
LIST_SETTINGS = frozenset({"temp_tablespaces", "local_preload_libraries", "session_preload_libraries"})


def setting_name(name: str) -> str:
    """A configuration parameter's name: ``statement_timeout``, ``myapp.tenant`` (each part an identifier)."""
    return ".".join(ident(part) for part in name.split("."))


def setting_value(value: str, name: str) -> str:
    """The value of ``SET name = value`` that PostgreSQL keeps as ``value``."""
    if name in LIST_SETTINGS:
        return ", ".join(literal(part) for part in search_path_names(value)) or "''"
    return literal(value)


def key_part_sql(part: cat.PartitionKeyPart) -> str:
    """One part of a partition key as PostgreSQL prints it: a column, a call (``lower(code)``),
    or any other expression in parentheses; then its collation and operator class."""
    if part.column is not None:
        text = ident(part.column)
    else:
        text = part.expression if looks_like_function(part.expression) else f"({part.expression})"
    if part.collation:
        text += f" COLLATE {part.collation}"
    if part.opclass:
        text += f" {part.opclass}"
    return text


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        # Templates do not change while schemac runs: no stat() per statement.
        auto_reload=False,
    )
    env.filters.update(
        ident=ident,
        literal=literal,
        role=_role,
        search_path=search_path_sql,
        setting_name=setting_name,
        setting_value=setting_value,
        key_part=key_part_sql,
        publication_options=publication_options,
        published_tables=published_tables,
        default_privileges_clause=kinds.default_privileges_clause,
        number=number,
        storage_parameters=storage_parameters_sql,
    )
    return env


def number(value: float) -> str:
    """A number as SQL writes it: ``5`` for 5.0, ``0.5``."""
    return str(int(value)) if value == int(value) else repr(value)


def _render(template: str, **context) -> str:
    return environment().get_template(f"{template}.sql.j2").render(**context).strip()


def change_sql(macro: str, *args, **kwargs) -> str:
    """One statement that changes an existing database: a macro of changes.sql.j2."""
    return str(getattr(environment().get_template("changes.sql.j2").module, macro)(*args, **kwargs)).strip()


# -- what a piece of SQL depends on ----------------------------------------


def _names(pairs, key, default_schemas: Sequence[str] = ("public",)) -> set[str]:
    """Dependency keys (``key``: kinds.RELATIONS.key, ...) of (schema or None, name) pairs; an
    unqualified name may be any of ``default_schemas``' (a function's own search_path)."""
    return {
        key(QualifiedName(schema, name))
        for qualifier, name in pairs
        for schema in ((qualifier,) if qualifier else default_schemas)
    }


def _path_schemas(search_path: str | None) -> tuple[str, ...]:
    """The schemas in which an unqualified name of a function's body is looked up: those of its own
    ``SET search_path`` (pg_catalog, pg_temp and "$user" hold nothing the spec makes), else public."""
    if search_path is None:
        return ("public",)
    parts = (p.strip() for p in search_path.split(","))
    return tuple(
        name
        for name in (p[1:-1].replace('""', '"') if p.startswith('"') else p for p in parts)
        if name and name not in ("$user", "pg_temp", "pg_catalog")
    )


def requires_sql(*texts: str | None, query: bool = False) -> set[str]:
    """Relations, functions and types named in SQL expressions (or queries)."""
    out: set[str] = set()
    for text in texts:
        if text:
            out |= _requires_one(text if query else f"SELECT {text}")
    return out


@lru_cache(maxsize=16384)
def _requires_one(sql_text: str) -> frozenset[str]:
    # The same expressions recur across tables (defaults, tenant filters).
    refs = references(sql_text)
    return frozenset(
        _names(refs.relations, kinds.RELATIONS.key)
        | _names(refs.functions, kinds.ROUTINES.key)
        | _names(refs.types, kinds.TYPES.key)
    )


def requires_type(type_text: str) -> set[str]:
    text = type_text.removeprefix("SETOF ").strip()
    try:
        ref = parse_type(text)
    except ValueError:
        return set()
    # A table's name is also the name of its row type.
    qname = QualifiedName(*ref.names) if len(ref.names) == 2 else QualifiedName("public", ref.base)
    return {kinds.TYPES.key(qname), kinds.RELATIONS.key(qname)}


def _schema(q: QualifiedName) -> str:
    return kinds.SCHEMA.key(q.schema)


# -- statements per object kind ----------------------------------------------


def _comment(kind: str, target: str, text: str | None, requires: Iterable[str], stage: Stage) -> Iterator[Statement]:
    """COMMENT ON, when there is a comment; after the statements that provide ``requires``."""
    if text is not None:
        yield Statement(
            stage,
            _render("comment", kind=kind, target=target, text=text),
            requires=frozenset(requires),
            label=f"comment on {kind.lower()} {target}",
        )


def _constraint_comments(
    on: QualifiedName, comments: Iterable[tuple[str, str | None]], requires: Iterable[str], stage: Stage, domain=False
) -> Iterator[Statement]:
    """COMMENT ON CONSTRAINT for each (name, comment) of ``on``, after what makes the constraint (``requires``)."""
    for name, text in comments:
        yield from _comment("CONSTRAINT", kinds.constraint_sql_name(on, name, domain), text, requires, stage)


def _comment_on(obj, stage: Stage) -> Iterator[Statement]:
    """COMMENT ON the object, when it has a comment; after the statement that creates it."""
    kind = kinds.of(obj)
    requires = kind.provides(obj) or kinds.RELATIONS.key(kind.on(obj)[0])
    yield from _comment(kind.keyword, kind.sql_name(obj), obj.comment, {requires}, stage)


def _grants(obj, scope: cat.PrivilegeScope) -> Iterator[Statement]:
    """The object's privileges, after the statement that creates it: what the database's defaults gave the
    roles of ``scope`` is revoked first, so they end with exactly the object's grants to them."""
    kind = kinds.of(obj)
    if kind.grant_keyword is None or not scope.manages(obj):
        return
    target = kind.granted_as(obj)
    everyone = cat.Grant(("all",), scope.roles, revoke=True)
    lines = [
        _render("grant", grant=g, kind=kind.grant_keyword, target=target) for g in (everyone, *_kept(obj.grants, scope))
    ]
    # An identity column's sequence takes the defaults for sequences; a spec grants nothing on it (inserting
    # needs nothing), a catalog read from a database what it holds.
    for column in obj.columns if isinstance(obj, cat.Table) else ():
        if column.identity:
            sequence = ident(column.sequence or identity_sequence(obj.qname, column.name))
            for grant in (everyone, *_kept(column.sequence_grants, scope)):
                lines.append(_render("grant", grant=grant, kind="SEQUENCE", target=sequence))
    yield Statement(
        Stage.GRANTS, "\n".join(lines), requires=frozenset({kind.provides(obj)}), label=f"grant on {target}"
    )


def _kept(grants: tuple[cat.Grant, ...], scope: cat.PrivilegeScope) -> list[cat.Grant]:
    """The grants to roles of ``scope``; revokes say nothing after REVOKE ALL."""
    return [g for g in grants if not g.revoke and {r.lower() for r in g.roles} <= set(scope.roles)]


def privilege_scope(catalog: cat.Catalog) -> cat.PrivilegeScope:
    """Whose privileges the catalog's SQL states exactly: a spec's allow-list; for a catalog read from a
    database, PUBLIC, the API roles on Supabase and every role some object grants to, so that its SQL
    recreates each object's privileges as they were read, whatever the defaults of the database it runs on."""
    if catalog.privileges is not None:
        return catalog.privileges
    roles = {"public", *(("anon", "authenticated") if catalog.flavor == "supabase" else ())}
    for kind in kinds.GRANTED:
        for obj in getattr(catalog, kind.slot):
            grants = obj.grants + tuple(g for c in getattr(obj, "columns", ()) for g in c.sequence_grants)
            roles |= {r.lower() for g in grants for r in g.roles}
    roles |= {r.lower() for entry in catalog.default_privileges for g in entry.grants for r in g.roles}
    creators = {entry.for_role.lower() for entry in catalog.default_privileges if entry.for_role}
    return cat.PrivilegeScope(("public", *sorted(roles - {"public"})), creators=tuple(sorted(creators)))


def identity_sequence(table: QualifiedName, column: str) -> QualifiedName:
    """The name PostgreSQL gives an identity column's sequence: ``table_column_seq`` cut to fit. A spec
    whose name PostgreSQL would number (it is taken) is refused when the REVOKE on it runs."""
    return QualifiedName(table.schema, postgres_name(table.name, column, "seq"))


def identity_clause(column: cat.Column) -> str:
    """`` (START WITH 1000 INCREMENT BY 10)``: an identity's sequence options that are not the defaults."""
    options = identity_options_sql(column, column.identity_options, cat.IdentityOptions())
    return f" ({' '.join(options)})" if options else ""


def identity_options_sql(column: cat.Column, options: cat.IdentityOptions, was: cat.IdentityOptions) -> list[str]:
    """The sequence options of ``options`` that differ from ``was``, as CREATE/ALTER SEQUENCE writes them;
    an option back to its default is written as the default."""
    out = []
    if options.increment != was.increment:
        out.append(f"INCREMENT BY {options.increment}")
    # Counting the other way, the defaults of MINVALUE and MAXVALUE are others (1 .. max, min .. -1).
    turned = (options.increment > 0) != (was.increment > 0)
    if options.min_value != was.min_value or turned:
        out.append("NO MINVALUE" if options.min_value is None else f"MINVALUE {options.min_value}")
    if options.max_value != was.max_value or turned:
        out.append("NO MAXVALUE" if options.max_value is None else f"MAXVALUE {options.max_value}")
    if options.start != was.start or options.first(column.type) != was.first(column.type):
        out.append(f"START WITH {options.first(column.type)}")
    if options.cache != was.cache:
        out.append(f"CACHE {options.cache}")
    if options.cycle != was.cycle:
        out.append("CYCLE" if options.cycle else "NO CYCLE")
    return out


def _column_parts(column: cat.Column) -> list[str]:
    """Name, type, then the column's options, as separate words."""
    parts = [ident(column.name), column.type]
    if column.collation:
        parts.append(f"COLLATE {qualified(column.collation)}")
    if column.not_null and not column.inherited_not_null:  # else its parents give it
        parts.append(f"CONSTRAINT {ident(column.not_null_name)} NOT NULL" if column.not_null_name else "NOT NULL")
    if column.identity:
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY{identity_clause(column)}")
    if column.generated:
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) {'VIRTUAL' if column.virtual else 'STORED'}")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    return parts


def column_definition(column: cat.Column) -> str:
    """A column as ALTER TABLE ... ADD COLUMN writes it."""
    return " ".join(_column_parts(column))


def _table_lines(table: cat.Table, parents_defaults: frozenset[str] = frozenset()) -> list[str]:
    """``parents_defaults``: the columns a parent gives a default, which one of its own without one says
    DEFAULT NULL so as not to take it (as pg_dump writes it)."""
    own = [c for c in table.columns if c.local]  # what it inherits comes with INHERITS
    own = [
        replace(c, default="NULL")
        if c.name in parents_defaults and c.default is None and not (c.identity or c.generated)
        else c
        for c in own
    ]
    if table.of_type:  # its type gives its columns and their collations: it says only their options
        own = [c for c in (replace(c, collation=None) for c in own) if len(_column_parts(c)) > 2]
    width = max((len(ident(c.name)) for c in own), default=0)  # a table may have no columns
    type_width = max((len(c.type) for c in own), default=0)
    lines = []
    for column in own:
        parts = _column_parts(column)
        parts[0] = parts[0].ljust(width)
        if table.of_type:
            parts[1] = "WITH OPTIONS"
        elif len(parts) > 2:
            parts[1] = parts[1].ljust(type_width)
        lines.append(" ".join(parts))
    for con in inline_constraints(table):
        lines.append(f"CONSTRAINT {ident(con.name)} {constraint_body(con, indent='    ')}")
    return lines


def _constraints_require(*constraints: cat.TableConstraint) -> set[str]:
    """What the expressions of checks and exclusion constraints use."""
    requires: set[str] = set()
    for con in constraints:
        if isinstance(con, cat.Check):
            requires |= requires_sql(con.expression)
        elif isinstance(con, cat.Exclusion):
            requires |= requires_sql(con.where, *(e.key.expression for e in con.elements))
    return requires


def _own_constraints(partition: cat.Partition) -> Iterator[Statement]:
    """A partition's own keys and checks, added after it: declared in PARTITION OF (...), a key's
    columns would take NOT NULL constraints of the partition's own (PostgreSQL 18) beside its table's."""
    q = partition.qname
    for con in partition.constraints:
        not_valid = isinstance(con, cat.Check) and not con.valid and con.enforced
        yield Statement(
            Stage.PARTITIONS,
            change_sql("add_constraint", q, con.name, constraint_body(con, indent="    "), not_valid=not_valid),
            requires=frozenset({kinds.RELATIONS.key(q)} | _constraints_require(con)),
            label=f"constraint {con.name} on {q}",
            source=partition,
        )


def _tables(catalog: cat.Catalog) -> Iterator[Statement]:
    defaults = _default_not_null_names(catalog.tables)
    tables = {t.qname: t for t in catalog.tables}
    for table in catalog.tables:
        given = {c.name for p in table.inherits if p in tables for c in tables[p].columns if c.default is not None}
        yield from _table(table, defaults, frozenset(given))


def _default_not_null_names(tables: tuple[cat.Table, ...]) -> dict[tuple[str, str], QualifiedName]:
    """(schema, name) -> the table whose NOT NULL constraint PostgreSQL 18 names so by default."""
    return {
        (t.qname.schema, not_null_name(t.qname, c.name)): t.qname
        for t in tables
        for c in t.columns
        if c.not_null and c.not_null_name is None
    }


def _table(
    table: cat.Table,
    default_not_null_names: dict[tuple[str, str], QualifiedName],
    parents_defaults: frozenset[str] = frozenset(),
) -> Iterator[Statement]:
    q = table.qname
    requires = {_schema(q)}
    # A NOT NULL constraint named as another table's is by default (a table made LIKE it): PostgreSQL
    # picks names unique in the schema, so that table comes first and keeps its own name.
    for column in table.columns:
        first = default_not_null_names.get((q.schema, column.not_null_name or ""))
        if first is not None and first != q:
            requires.add(kinds.RELATIONS.key(first))
    requires |= {kinds.RELATIONS.key(parent) for parent in table.inherits}
    if table.of_type:
        requires.add(kinds.TYPES.key(table.of_type))
    for column in table.columns:
        requires |= requires_type(column.type)
        requires |= requires_sql(column.default, column.generated)
    requires |= _constraints_require(*table.constraints)
    yield Statement(
        Stage.TABLES,
        _render("table", table=table, lines=_table_lines(table, parents_defaults)),
        provides=kinds.RELATIONS.key(q),
        requires=frozenset(requires),
        label=f"table {q}",
        ignore=table.ignore,
        source=table,
    )
    for check in table.checks:
        if not check.valid and check.enforced:
            yield Statement(
                Stage.TABLES,
                not_valid_check_sql(q, check),
                requires=frozenset({kinds.RELATIONS.key(q)}),
                label=f"check {check.name} on {q}",
                source=table,
            )
    yield from _comment_on(table, Stage.TABLES)
    yield from _constraint_comments(
        q, ((con.name, con.comment) for con in table.constraints), {kinds.RELATIONS.key(q)}, Stage.TABLES
    )
    for column in table.columns:
        yield from _comment(
            "COLUMN", f"{ident(q)}.{ident(column.name)}", column.comment, {kinds.RELATIONS.key(q)}, Stage.TABLES
        )
    if table.replica_identity != "default":
        index = QualifiedName(q.schema, table.replica_index) if table.replica_index else None
        yield Statement(
            Stage.INDEXES if index else Stage.TABLES,
            change_sql("replica_identity", q, table.replica_identity, table.replica_index),
            requires=frozenset({kinds.RELATIONS.key(q), *([kinds.RELATIONS.key(index)] if index else [])}),
            label=f"replica identity of {q}",
            source=table,
        )
    if table.rls_enabled:
        yield Statement(
            Stage.SECURITY,
            _render("rls", qname=q, forced=table.rls_forced),
            requires=frozenset({kinds.RELATIONS.key(q)}),
            label=f"row level security on {q}",
            ignore=table.ignore,
        )


def index_sql(index: cat.Index, *, concurrently: bool = False, only: bool = False) -> str:
    """CREATE INDEX; ``only`` builds it on a partitioned table alone, for its
    partitions' indexes to be attached one by one."""
    keys = ", ".join(map(index_key_sql, index.keys))
    return _render("index", index=index, keys=keys, concurrently=concurrently, only=only)


def _index(index: cat.Index, stage: Stage, after: frozenset[str] = frozenset()) -> Iterator[Statement]:
    """``after``: the indexes it must follow (those of a partition's tables, for its own)."""
    requires = {kinds.RELATIONS.key(index.table)} | requires_sql(index.where, *(k.expression for k in index.keys))
    requires |= after
    yield Statement(
        stage,
        index_sql(index),
        provides=kinds.INDEX.provides(index),
        requires=frozenset(requires),
        label=f"index {index.name}",
        ignore=index.ignore,
        source=index,
    )
    yield from _comment_on(index, stage)


def foreign_key_sql(fk: cat.ForeignKey, *, not_valid: bool = False) -> str:
    """ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY; ``not_valid`` skips checking existing rows now
    (as does a key that need not be valid). A key NOT ENFORCED checks no rows at all, and says only that."""
    return _render(
        "foreign_key", fk=fk, timing=timing(fk).strip(), not_valid=(not_valid or not fk.valid) and fk.enforced
    )


def not_valid_check_sql(table: QualifiedName, check: cat.Check) -> str:
    """ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID: a check existing rows need not pass,
    as a plan adds one too (the add_constraint macro of changes.sql.j2)."""
    return change_sql("add_constraint", table, check.name, constraint_body(check), not_valid=True)


def function_sql(function: cat.Function, *, or_replace: bool = False) -> str:
    quote = body_quote(function.body)
    return _render(
        "function", function=function, quote=quote, or_replace=or_replace, standard_body=standard_body(function)
    )


def standard_body(function: cat.Function) -> bool:
    """Whether an SQL function's body is SQL-standard (``BEGIN ATOMIC ... END`` or ``RETURN ...``),
    written after the header rather than as a string."""
    head = function.body.lstrip()[:12].upper()
    return function.language == "sql" and (head.startswith("BEGIN ATOMIC") or head.startswith("RETURN"))


def _result_types(returns: str) -> list[str]:
    """The types a function's result names: each column's of ``TABLE (...)``, else the one type."""
    if returns[:5].upper() != "TABLE":
        return [returns]
    try:
        return [type_ for _, type_ in table_columns(returns)]
    except SqlProblem:  # PostgreSQL reports it when the function is created
        return []


def _function(function: cat.Function) -> Iterator[Statement]:
    q = function.qname
    requires = {_schema(q)}
    for type_ in _result_types(function.returns) if function.returns else ():
        requires |= requires_type(type_)
    for arg in function.args:
        requires |= requires_type(arg.type)
    stage = Stage.FUNCTIONS
    # PostgreSQL checks the body under the function's own SET search_path, when it has one.
    path = _path_schemas(function.search_path)
    if function.language == "plpgsql":
        # PostgreSQL compiles a PL/pgSQL body when it creates the function: the statements are
        # only checked when they run, but the types its DECLAREs name must exist by then.
        declared = plpgsql_declared(function.body, plpgsql_header(function.args, function.returns))
        requires |= _names(declared.relations, kinds.RELATIONS.key, path) | _names(
            declared.relations, kinds.TYPES.key, path
        )
        if declared.relations or not declared.complete:
            stage = Stage.TABLE_FUNCTIONS
    elif function.language == "sql":
        # PostgreSQL checks an SQL function's body when it is created, so the
        # tables and functions it uses must exist first.
        try:
            refs = references(function.body)
        except ParseError:
            # A body pglast cannot read (an SQL-standard BEGIN ATOMIC body read from a database):
            # PostgreSQL reports what is wrong with it; created after the tables, it finds them.
            stage = Stage.TABLE_FUNCTIONS
        else:
            requires |= (
                _names(refs.relations, kinds.RELATIONS.key, path)
                | _names(refs.functions, kinds.ROUTINES.key, path)
                | _names(refs.types, kinds.TYPES.key, path)
            )
            if refs.relations:
                stage = Stage.TABLE_FUNCTIONS
    requires.discard(kinds.ROUTINES.key(q))
    yield Statement(
        stage,
        function_sql(function),
        provides=kinds.ROUTINES.key(q),
        requires=frozenset(requires),
        label=f"{kinds.of(function).noun} {q}",
        ignore=function.ignore,
        source=function,
    )
    yield from _comment_on(function, stage)


def aggregate_arguments(aggregate: cat.Aggregate) -> str:
    """The arguments of CREATE AGGREGATE: ``*`` for none, and an ordered-set aggregate's direct ones,
    then ``ORDER BY`` and those it aggregates (``float8 ORDER BY float8``, ``ORDER BY anyelement``)."""

    def argument(arg: cat.Argument) -> str:
        mode = f"{arg.mode} " if arg.mode != "in" else ""
        return f"{mode}{ident(arg.name) + ' ' if arg.name else ''}{arg.type}"

    if aggregate.direct_args is None:
        return ", ".join(map(argument, aggregate.args)) or "*"
    direct, ordered = aggregate.args[: aggregate.direct_args], aggregate.args[aggregate.direct_args :]
    return " ".join(filter(None, (", ".join(map(argument, direct)), "ORDER BY", ", ".join(map(argument, ordered)))))


def aggregate_options(aggregate: cat.Aggregate) -> list[tuple[str, str]]:
    """CREATE AGGREGATE's (option, value) pairs, in the order pg_dump writes them."""
    options = [("SFUNC", aggregate.sfunc), ("STYPE", aggregate.stype)]
    for option, value in (
        ("INITCOND", aggregate.initcond),
        ("FINALFUNC", aggregate.finalfunc),
        ("COMBINEFUNC", aggregate.combinefunc),
        ("SERIALFUNC", aggregate.serialfunc),
        ("DESERIALFUNC", aggregate.deserialfunc),
        ("MSFUNC", aggregate.msfunc),
        ("MINVFUNC", aggregate.minvfunc),
        ("MSTYPE", aggregate.mstype),
        ("MINITCOND", aggregate.minitcond),
    ):
        if value is not None:
            options.append((option, literal(value) if option.endswith("INITCOND") else value))
    if aggregate.finalfunc_extra:
        options.append(("FINALFUNC_EXTRA", "true"))
    if aggregate.sortop:
        operator = aggregate.sortop if "." in aggregate.sortop else f"pg_catalog.{aggregate.sortop}"
        options.append(("SORTOP", f"OPERATOR({operator})"))
    if aggregate.parallel:
        options.append(("PARALLEL", aggregate.parallel.upper()))
    if aggregate.hypothetical:
        options.append(("HYPOTHETICAL", "true"))
    return options


def _aggregate(aggregate: cat.Aggregate) -> Iterator[Statement]:
    q = aggregate.qname
    requires = {_schema(q)}
    for type_ in (*(a.type for a in aggregate.args), aggregate.stype, aggregate.mstype):
        if type_:
            requires |= requires_type(type_)
    for function in aggregate.functions:
        if "." in function:
            requires.add(kinds.ROUTINES.key(function.split("(")[0]))
    requires.discard(kinds.ROUTINES.key(q))
    yield Statement(
        Stage.FUNCTIONS,
        _render(
            "aggregate",
            aggregate=aggregate,
            arguments=aggregate_arguments(aggregate),
            options=aggregate_options(aggregate),
        ),
        provides=kinds.ROUTINES.key(q),
        requires=frozenset(requires),
        label=f"aggregate {q}",
        source=aggregate,
    )
    yield from _comment_on(aggregate, Stage.FUNCTIONS)


def _view(view: cat.View) -> Iterator[Statement]:
    q = view.qname
    options = [
        name
        for name, on in (
            ("security_invoker = true", view.security_invoker),
            ("security_barrier = true", view.security_barrier),
            (f"check_option = {view.check_option}", view.check_option),
            (storage_parameters_sql(view.storage_parameters), view.storage_parameters),
        )
        if on
    ]
    requires = {_schema(q)} | requires_sql(view.query, query=True)
    requires.discard(kinds.RELATIONS.key(q))
    yield Statement(
        Stage.VIEWS,
        _render("view", view=view, options=options),
        provides=kinds.RELATIONS.key(q),
        requires=frozenset(requires),
        label=f"view {q}",
        ignore=view.ignore,
        source=view,
    )
    yield from _comment_on(view, Stage.VIEWS)
    for column, text in view.column_comments:
        yield from _comment("COLUMN", f"{ident(q)}.{ident(column)}", text, {kinds.RELATIONS.key(q)}, Stage.VIEWS)


def _schemas(catalog: cat.Catalog) -> Iterator[Statement]:
    for schema in catalog.schemas:
        if schema.name != "public":
            yield Statement(
                Stage.SCHEMAS,
                _render("schema", schema=schema),
                provides=kinds.SCHEMA.key(schema.name),
                label=f"schema {schema.name}",
                source=schema,
            )
        yield from _comment_on(schema, Stage.SCHEMAS)


def _extensions(catalog: cat.Catalog) -> Iterator[Statement]:
    for ext in catalog.extensions:
        yield Statement(
            Stage.EXTENSIONS,
            _render("extension", extension=ext),
            provides=kinds.EXTENSION.key(ext.name),
            requires=frozenset({kinds.SCHEMA.key(ext.schema)} if ext.schema else ()),
            label=f"extension {ext.name}",
            source=ext,
        )


def _enums(catalog: cat.Catalog) -> Iterator[Statement]:
    for enum in catalog.enums:
        yield Statement(
            Stage.TYPES,
            _render("enum", enum=enum),
            provides=kinds.TYPES.key(enum.qname),
            requires=frozenset({_schema(enum.qname)}),
            label=f"type {enum.qname}",
            source=enum,
        )
        yield from _comment_on(enum, Stage.TYPES)


def _domains(catalog: cat.Catalog) -> Iterator[Statement]:
    for domain in catalog.domains:
        requires = {_schema(domain.qname)} | requires_type(domain.type)
        requires |= requires_sql(domain.default, *(e for _, e in domain.checks))
        yield Statement(
            Stage.TYPES,
            _render("domain", domain=domain),
            provides=kinds.TYPES.key(domain.qname),
            requires=frozenset(requires),
            label=f"domain {domain.qname}",
            source=domain,
        )
        yield from _comment_on(domain, Stage.TYPES)
        yield from _constraint_comments(
            domain.qname, domain.check_comments, {kinds.TYPES.key(domain.qname)}, Stage.TYPES, domain=True
        )


def attribute_definition(attribute: cat.Attribute, width: int = 0) -> str:
    """An attribute as CREATE TYPE (its name padded to ``width``) and ALTER TYPE ... ADD ATTRIBUTE write it."""
    collation = f" COLLATE {qualified(attribute.collation)}" if attribute.collation else ""
    return f"{ident(attribute.name).ljust(width)} {attribute.type}{collation}"


def _composite_types(catalog: cat.Catalog) -> Iterator[Statement]:
    for type_ in catalog.composite_types:
        width = max((len(ident(a.name)) for a in type_.attributes), default=0)
        lines = [attribute_definition(a, width) for a in type_.attributes]
        requires = {_schema(type_.qname)}
        for attribute in type_.attributes:
            requires |= requires_type(attribute.type)
        yield Statement(
            Stage.TYPES,
            _render("composite_type", type=type_, lines=lines),
            provides=kinds.TYPES.key(type_.qname),
            requires=frozenset(requires),
            label=f"composite type {type_.qname}",
            source=type_,
        )
        yield from _comment_on(type_, Stage.TYPES)
        for name, text in type_.attribute_comments:
            target = f"{ident(type_.qname)}.{ident(name)}"
            yield from _comment("COLUMN", target, text, {kinds.TYPES.key(type_.qname)}, Stage.TYPES)


def _sequences(catalog: cat.Catalog) -> Iterator[Statement]:
    for seq in catalog.sequences:
        q = seq.qname
        yield Statement(
            Stage.SEQUENCES,
            _render("sequence", sequence=seq),
            provides=kinds.RELATIONS.key(q),
            requires=frozenset({_schema(q)}),
            label=f"sequence {q}",
            source=seq,
        )
        yield from _comment_on(seq, Stage.SEQUENCES)
        if seq.owned_by:
            yield Statement(
                Stage.TABLES,
                _render("sequence_owned_by", sequence=seq),
                requires=frozenset(
                    {kinds.RELATIONS.key(q), kinds.RELATIONS.key(seq.owned_by[0]), column_key(*seq.owned_by)}
                ),
                label=f"sequence {q} owner",
            )


def _partitions(catalog: cat.Catalog) -> Iterator[Statement]:
    parent_of = {p.qname: p.parent for p in catalog.partitions}

    def root_of(q: QualifiedName) -> QualifiedName:
        return root(parent_of, q)

    for partition in catalog.partitions:
        q = partition.qname
        yield Statement(
            Stage.PARTITIONS,
            _render("partition", partition=partition),
            provides=kinds.RELATIONS.key(q),
            # The columns it sets, where a plan adds them to its table (the root of its tree).
            requires=frozenset(
                {kinds.RELATIONS.key(partition.parent)}
                | {column_key(root_of(q), c.name) for c in partition.own_columns}
                | requires_sql(*(c.default for c in partition.own_columns))
            ),
            label=f"partition {q}",
            source=partition,
        )
        yield from _own_constraints(partition)
        if partition.rls_enabled:
            yield Statement(
                Stage.SECURITY,
                _render("rls", qname=q, forced=partition.rls_forced),
                requires=frozenset({kinds.RELATIONS.key(q)}),
                label=f"row level security on {q}",
                ignore=partition.ignore,
            )


def _indexes(catalog: cat.Catalog) -> Iterator[Statement]:
    views = {view.qname for view in catalog.views}
    parent_of = {p.qname: p.parent for p in catalog.partitions}
    provided: dict[QualifiedName, set[str]] = {}
    for index in catalog.indexes:
        provided.setdefault(index.table, set()).add(kinds.INDEX.provides(index))
    for index in catalog.indexes:
        # A partition's own index after its tables': made first, it would be taken as the copy of
        # theirs that CREATE INDEX makes on each partition (when it has the same definition).
        after, above = set(), index.table
        while above in parent_of:
            above = parent_of[above]
            after |= provided.get(above, set())
        # A materialized view's indexes are read with the view they belong to.
        yield from _index(index, Stage.VIEWS if index.table in views else Stage.INDEXES, frozenset(after))


def _foreign_keys(catalog: cat.Catalog) -> Iterator[Statement]:
    below = children(catalog.partitions)
    for fk in catalog.foreign_keys:
        # Partitions first: a key added to a partitioned table is added to each of them.
        requires = {
            kinds.RELATIONS.key(fk.table),
            kinds.RELATIONS.key(fk.ref_table),
            *(kinds.RELATIONS.key(p.qname) for q in (fk.table, fk.ref_table) for p in descendants(below, q)),
        }
        yield Statement(
            Stage.FOREIGN_KEYS,
            foreign_key_sql(fk),
            requires=frozenset(requires),
            label=f"foreign key {fk.name}",
            source=fk,
        )
        # Requiring what the key requires, it comes right after it.
        yield from _constraint_comments(fk.table, [(fk.name, fk.comment)], requires, Stage.FOREIGN_KEYS)


def _policies(catalog: cat.Catalog) -> Iterator[Statement]:
    for policy in catalog.policies:
        requires = {kinds.RELATIONS.key(policy.table)} | requires_sql(policy.using, policy.with_check)
        yield Statement(
            Stage.SECURITY,
            _render("policy", policy=policy),
            requires=frozenset(requires),
            label=f"policy {policy.name} on {policy.table}",
            ignore=policy.ignore,
            source=policy,
        )
        yield from _comment_on(policy, Stage.SECURITY)


def _triggers(catalog: cat.Catalog) -> Iterator[Statement]:
    for trigger in catalog.triggers:
        events = " OR ".join(
            "UPDATE OF " + ", ".join(map(ident, trigger.update_of))
            if e == "update" and trigger.update_of
            else e.upper()
            for e in trigger.events
        )
        requires = {kinds.RELATIONS.key(trigger.table), kinds.ROUTINES.key(trigger.function)} | requires_sql(
            trigger.when
        )
        if trigger.from_table:
            requires.add(kinds.RELATIONS.key(trigger.from_table))
        yield Statement(
            Stage.TRIGGERS,
            _render("trigger", trigger=trigger, events=events),
            requires=frozenset(requires),
            label=f"trigger {trigger.name} on {trigger.table}",
            source=trigger,
        )
        if trigger.enabled != "origin":
            yield Statement(
                Stage.TRIGGERS,
                change_sql("enable_trigger", trigger.table, trigger.name, trigger.enabled),
                requires=frozenset({kinds.RELATIONS.key(trigger.table)}),
                label=kinds.trigger_state(trigger),
            )
        yield from _comment_on(trigger, Stage.TRIGGERS)


def _publications(catalog: cat.Catalog) -> Iterator[Statement]:
    platform = platform_for(catalog.flavor).publications
    for publication in catalog.publications:
        sql = _render(
            "publication",
            publication=publication,
            platform=publication.name in platform,
            default=cat.Publication(publication.name),
        )
        if sql:  # else the platform's own, left as the platform made it
            yield Statement(
                Stage.PUBLICATIONS,
                sql,
                provides=kinds.PUBLICATION.key(publication.name),
                requires=frozenset(kinds.RELATIONS.key(t) for t in publication.tables),
                label=f"publication {publication.name}",
                source=publication,
            )
        yield from _comment_on(publication, Stage.PUBLICATIONS)


def _each(make: Callable[[Any], Iterator[Statement]], slot: str) -> Callable[[cat.Catalog], Iterator[Statement]]:
    def statements_of(catalog: cat.Catalog) -> Iterator[Statement]:
        for obj in getattr(catalog, slot):
            yield from make(obj)

    return statements_of


# The statements of each slot of a catalog. Each kind says its own statements (their stage, what they
# require, where its comment goes); the script lists them in the registry's order (kinds.KINDS), and
# the grants on every object after them. tests/test_kinds.py checks that every slot is here.
STATEMENTS_BY_SLOT: dict[str, Callable[[cat.Catalog], Iterator[Statement]]] = {
    "schemas": _schemas,
    "extensions": _extensions,
    "enums": _enums,
    "domains": _domains,
    "composite_types": _composite_types,
    "sequences": _sequences,
    "functions": _each(_function, "functions"),
    "aggregates": _each(_aggregate, "aggregates"),
    "tables": _tables,
    "partitions": _partitions,
    "distributions": lambda catalog: iter(distribution_statements(catalog, _render)),
    "indexes": _indexes,
    "foreign_keys": _foreign_keys,
    "views": _each(_view, "views"),
    "policies": _policies,
    "triggers": _triggers,
    "publications": _publications,
    "default_privileges": lambda catalog: _default_privileges_of(catalog),
}


def statements(catalog: cat.Catalog) -> list[Statement]:
    """Every statement the catalog needs, not yet ordered."""
    out = [stmt for slot in kinds.BY_SLOT for stmt in STATEMENTS_BY_SLOT[slot](catalog)]
    scope = privilege_scope(catalog)
    for slot in kinds.BY_SLOT:
        for obj in getattr(catalog, slot):
            out.extend(_grants(obj, scope))
    return out


def _default_privileges_of(catalog: cat.Catalog) -> Iterator[Statement]:
    scope = privilege_scope(catalog)
    for entry in catalog.default_privileges:
        yield from _default_privileges(entry, scope, catalog.flavor)


def _default_privileges(entry: cat.DefaultPrivileges, scope: cat.PrivilegeScope, flavor: str) -> Iterator[Statement]:
    """An entry of default privileges, when the scope manages its creator's. The roles of the scope end with
    exactly its grants on a new database: what its defaults give them there is revoked first (PostgreSQL's
    built-in EXECUTE or USAGE to PUBLIC, for every schema; the platform's own entries). Never from the
    creator, whose own privileges on what it makes are not managed."""
    if not scope.manages_defaults_of(entry.for_role):
        return
    managed = set(scope.roles)
    given = set(cat.default_acl(None, entry.on, entry.schema))
    if entry.for_role is None and (entry.schema, entry.on) in platform_for(flavor).default_privileges:
        given |= {"anon", "authenticated"} if flavor == "supabase" else set()
    revoke_from = [role for role in scope.roles if role in given]
    grants = [g for g in entry.grants if not g.revoke and {r.lower() for r in g.roles} <= managed]
    if not (revoke_from or grants):
        return
    yield Statement(
        Stage.DEFAULT_PRIVILEGES,
        _render("default_privileges", entry=entry, revoke_from=revoke_from, grants=grants),
        requires=frozenset({kinds.SCHEMA.key(entry.schema)} if entry.schema else ()),
        label=kinds.DEFAULT_PRIVILEGES.name(entry),
        source=entry,
    )


def other_creators_sql(catalog: cat.Catalog) -> list[str]:
    """The statements of the default privileges of roles other than the applying one (FOR ROLE), as
    :func:`render` writes them: only a member of that role (or a superuser) may run one."""
    scope = privilege_scope(catalog)
    return [
        statement.text
        for entry in catalog.default_privileges
        if entry.for_role
        for statement in _default_privileges(entry, scope, catalog.flavor)
    ]


def publication_options(publication: cat.Publication) -> str:
    """The WITH (...) of a publication: what it publishes, and as which table a partition's rows go."""
    return (
        f"publish = {literal(', '.join(publication.publish))}, "
        f"publish_via_partition_root = {'true' if publication.via_partition_root else 'false'}"
    )


def published_tables(publication: cat.Publication, tables: Sequence[QualifiedName] | None = None) -> str:
    """The list of FOR TABLE, ADD TABLE or SET TABLE (of ``tables``; default: all the publication's), each
    table with the columns and the rows it sends where the publication names them."""
    items = []
    for table in publication.tables if tables is None else tables:
        item = ident(table)
        if (sent := publication.filter_of(table)) is not None:
            if sent.columns:
                item += f" ({', '.join(map(ident, sent.columns))})"
            if sent.where is not None:
                item += f" WHERE ({sent.where})"
        items.append(item)
    return ", ".join(items)


def header(catalog: cat.Catalog) -> str:
    return "\n".join(
        [
            f"-- Generated by schemac {__version__} from {catalog.source}; do not edit.",
            f"-- Change {catalog.source} and run `schemac build` instead.",
            f"-- Target: PostgreSQL {catalog.target_version} ({catalog.flavor}){' on Citus' if catalog.distributions else ''}.",
        ]
    )


def render(catalog: cat.Catalog) -> str:
    """The whole script: header, then statements in dependency order under section titles."""
    parts = [header(catalog)]
    stage = None
    for stmt in order(statements(catalog)):
        if stmt.stage != stage:
            stage = stmt.stage
            title = SECTION_TITLES[stage]
            parts.append(f"-- {title} {'-' * (73 - len(title))}")
        parts.append(stmt.text)
    return "\n\n".join(parts) + "\n"
