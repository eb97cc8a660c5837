"""Spec models -> catalog objects, with every name, reference and SQL fragment checked.

All problems are collected (each with its path in the spec, so the loader's
positions can place it) and raised together as one :class:`SpecError`.
"""

from __future__ import annotations

import re
from datetime import date

from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..errors import Path, Problem, SpecError
from ..lint import LintConfig, UnknownRule, all_rules, get_rule
from ..sqltree import (
    SqlProblem, check_expression, check_plpgsql, check_query, check_statements, column_names, column_qualifiers,
    common_table_names, forbid_subquery,
    parse_type, references,
)
from . import models as m
from .loader import Positions
from .names import default_name, identifier_problem, split_qualified, suggest
from .partitions import PeriodError, time_partitions
from .platform import platform_for
from .types import BUILTIN, EXTENSION_TYPES, PSEUDO, SPELLINGS, SUGGESTIBLE

EXTENSION_NAME = re.compile(r"[a-z][a-z0-9_-]*")  # uuid-ossp has a hyphen
TABLE_PRIVILEGES = {"select", "insert", "update", "delete", "truncate", "references", "trigger", "all"}
SEQUENCE_PRIVILEGES = {"usage", "select", "update", "all"}
FUNCTION_PRIVILEGES = {"execute", "all"}


class Resolver:
    def __init__(self, spec: m.Spec, positions: Positions, today: date):
        self.spec = spec
        self.pos = positions
        self.today = today
        self.problems: list[Problem] = []
        self.platform = platform_for(spec.target.flavor)
        self.schemas = set(spec.schemas) | set(self.platform.schemas)
        self.extensions = {e.name for e in spec.extensions}
        self.roles = set(self.platform.roles) | set(spec.roles)
        # Every name in a schema's relation/type namespace, to report duplicates.
        self.namespace: dict[QualifiedName, Path] = {}
        self.user_types: dict[QualifiedName, str] = {}  # enums and domains -> kind
        self.tables: dict[QualifiedName, tuple[Path, m.TableSpec]] = {}
        self.functions: dict[QualifiedName, tuple[Path, m.FunctionSpec]] = {}
        self.primary_keys: dict[QualifiedName, tuple[str, ...]] = {}

    # -- reporting ---------------------------------------------------------

    def error(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.pos.problem(path, message, key=key))

    def ident(self, name: str, path: Path, *, key: bool = True) -> bool:
        problem = identifier_problem(name)
        if problem:
            self.error(path, problem, key=key)
        return problem is None

    def sql(self, check, text: str, path: Path, what: str):
        try:
            return check(text)
        except SqlProblem as exc:
            # The path already ends with the key ('...using'); say what only where it does not.
            self.error(path, str(exc) if path and path[-1] == what else f"{what}: {exc}")
            return None

    def expression(self, text: str, path: Path, where: str, *, columns: bool = True):
        """One SQL expression as PostgreSQL allows it in ``where`` (no subqueries there): its node, or None."""
        node = self.sql(check_expression, text, path, path[-1] if isinstance(path[-1], str) else where)
        if node is None:
            return None
        try:
            forbid_subquery(node, where)
        except SqlProblem as exc:
            self.error(path, str(exc))
            return None
        if not columns and (names := column_names(node)):
            self.error(path, f"a default cannot refer to a column ('{names[0]}'); PostgreSQL allows only constants and function calls here")
            return None
        return node

    # -- names -------------------------------------------------------------

    def qualify(self, key: str, path: Path, *, declare: bool = False) -> QualifiedName | None:
        parts = split_qualified(key)
        if parts is None:
            self.error(path, f"'{key}' is not a name: write 'name' or 'schema.name'", key=True)
            return None
        schema, name = parts
        if not (self.ident(schema, path) and self.ident(name, path)):
            return None
        if schema not in self.schemas:
            self.error(path, f"schema '{schema}' is not declared under 'schemas'{suggest(schema, self.schemas)}", key=True)
            return None
        qname = QualifiedName(schema, name)
        if declare and schema in self.platform.schemas and schema not in self.spec.schemas and schema != "public":
            self.error(path, f"schema '{schema}' belongs to the platform; create '{name}' in a schema of your own", key=True)
            return None
        if declare:
            if qname in self.namespace:
                first = self.pos.of(self.namespace[qname], key=True)[0]
                self.error(path, f"'{qname}' is already defined (line {first}); tables, views, sequences, indexes and types share one namespace per schema", key=True)
                return None
            self.namespace[qname] = path
        return qname

    def find_table(self, ref: str, path: Path) -> QualifiedName | None:
        parts = split_qualified(ref)
        qname = QualifiedName(*parts) if parts else None
        if qname is not None and (qname in self.tables or qname in self.platform.tables):
            return qname
        known = [str(q) if q.schema != "public" else q.name for q in [*self.tables, *self.platform.tables]]
        self.error(path, f"unknown table '{ref}'{suggest(ref, known)}")
        return None

    def table_columns(self, qname: QualifiedName) -> tuple[str, ...]:
        if qname in self.tables:
            return tuple(self.tables[qname][1].columns)
        return self.platform.tables[qname][1]

    def column_exists(self, table: QualifiedName, column: str, path: Path) -> bool:
        columns = self.table_columns(table)
        if column in columns:
            return True
        self.error(path, f"table '{table}' has no column '{column}'{suggest(column, columns)}")
        return False

    # -- types -------------------------------------------------------------

    def type(self, text: str, path: Path, *, pseudo: bool = False) -> str | None:
        """Check a type and return it as schemac writes it (user types schema-qualified)."""
        ref = self.sql(parse_type, text, path, "type")
        if ref is None:
            return None
        if len(ref.names) == 2:
            qname = QualifiedName(*ref.names)
            if qname in self.user_types:
                return text.strip()
            self.error(path, f"unknown type '{text}'{suggest(str(qname), map(str, self.user_types))}")
            return None
        base = ref.base
        if base in BUILTIN or (pseudo and base in PSEUDO):
            return text.strip()
        if QualifiedName("public", base) in self.user_types:  # unqualified names resolve in public
            return f"public.{base}" + ("[]" if ref.array else "")
        if base in EXTENSION_TYPES:
            extension = EXTENSION_TYPES[base]
            if extension not in self.extensions:
                self.error(path, f"type '{base}' comes from the extension '{extension}'; add it under 'extensions'")
                return None
            return text.strip()
        elsewhere = sorted(str(q) for q in self.user_types if q.name == base)
        if elsewhere:
            self.error(path, f"unknown type '{text}'; did you mean '{elsewhere[0]}'? (types outside public need their schema)")
            return None
        choices = [*SUGGESTIBLE, *(q.name for q in self.user_types), *(str(q) for q in self.user_types)]
        hint = suggest(base, choices)
        written = text.strip()
        if hint and written.lower().startswith(base):
            # Keep what followed the name: 'varchr(20)' -> 'varchar(20)'.
            hint = hint[:-2] + written[len(base):] + "'?"
        self.error(path, f"unknown type '{text}'{hint}")
        return None

    # -- lint suppressions ----------------------------------------------------

    def ignores(self, ignore: dict[str, str], path: Path) -> tuple[tuple[str, str], ...]:
        """``ignore: {rule: reason}``; the rule must exist and the reason be given."""

        out = []
        for name, reason in ignore.items():
            try:
                get_rule(name)
            except UnknownRule:
                known = [r.name for r in all_rules()] + [r.code for r in all_rules()]
                self.error(path + ("ignore", name), f"unknown lint rule '{name}'{suggest(name, known)}", key=True)
                continue
            if not reason.strip():
                self.error(path + ("ignore", name), "say why the finding is accepted")
                continue
            out.append((name, " ".join(reason.split())))
        return tuple(out)

    # -- grants ------------------------------------------------------------

    def role(self, role: str, path: Path) -> bool:
        """A role must exist: one the platform provides or one listed under 'roles'."""
        if role.lower() == "public" or role in self.roles:
            return True
        if not self.ident(role, path, key=False):
            return False
        hint = suggest(role, self.roles) or "; list the roles the database already has under 'roles'"
        self.error(path, f"unknown role '{role}'{hint}")
        return False

    def grants(self, grants, revokes, allowed: set[str], path: Path) -> tuple[cat.Grant, ...]:
        out = []
        for key, items in (("grants", grants), ("revokes", revokes)):
            for i, item in enumerate(items):
                roles = item.to if key == "grants" else item.from_
                for j, role in enumerate(roles):
                    self.role(role, path + (key, i, "to" if key == "grants" else "from", j))
                for j, privilege in enumerate(item.privileges):
                    if privilege not in allowed:
                        self.error(path + (key, i, "privileges", j), f"privilege '{privilege}' does not apply here; use one of {', '.join(sorted(allowed))}")
                out.append(cat.Grant(tuple(item.privileges), tuple(roles), revoke=key == "revokes"))
        return tuple(out)

    # -- the whole spec ----------------------------------------------------

    def needs_version(self, version: int, feature: str, path: Path) -> None:
        target = self.spec.target.postgres
        if target < version:
            self.error(path, f"{feature} needs PostgreSQL {version} or later; the target is PostgreSQL {target}")

    def resolve(self) -> cat.Catalog:
        spec = self.spec
        schemas = []
        for name, schema in spec.schemas.items():
            if self.ident(name, ("schemas", name)):
                exposed = schema.exposed if schema.exposed is not None else name == "public"
                grants = self.grants(schema.grants, [], {"usage", "create", "all"}, ("schemas", name))
                schemas.append(cat.Schema(name, exposed, grants, schema.comment))
        if "public" not in spec.schemas:
            schemas.insert(0, cat.Schema("public", exposed=True))
        for i, role in enumerate(spec.roles):
            self.ident(role, ("roles", i), key=False)
        try:
            LintConfig.from_mapping(spec.lint)
        except ValueError as exc:
            self.error(("lint",), str(exc), key=True)
        extensions = []
        for i, ext in enumerate(spec.extensions):
            if not EXTENSION_NAME.fullmatch(ext.name):
                self.error(("extensions", i), f"invalid extension name '{ext.name}'")
            if ext.schema_ and ext.schema_ not in self.schemas:
                self.error(("extensions", i, "schema"), f"schema '{ext.schema_}' is not declared under 'schemas'{suggest(ext.schema_, self.schemas)}")
            extensions.append(cat.Extension(ext.name, ext.schema_, ext.version))

        enums = self.enums()
        # Names of tables and functions first, so references may point forward.
        for key, table in spec.tables.items():
            qname = self.qualify(key, ("tables", key), declare=True)
            if qname:
                self.tables[qname] = (("tables", key), table)
                self.user_types[qname] = "table"  # its row type, e.g. `returns: setof vehicles`
        for key, function in spec.functions.items():
            qname = self.qualify(key, ("functions", key))
            if qname:
                self.functions[qname] = (("functions", key), function)
        domains = self.domains()
        sequences = self.sequences()
        functions = tuple(self.function(q, p, f) for q, (p, f) in self.functions.items())
        tables, partitions, fks, indexes, policies, triggers = [], [], [], [], [], []
        for qname, (path, table) in self.tables.items():
            self.primary_keys[qname] = self.primary_key_columns(table)
        for qname, (path, table) in self.tables.items():
            tables.append(self.table(qname, path, table, partitions, indexes, policies, triggers))
        for qname, (path, table) in self.tables.items():
            fks.extend(self.foreign_keys(qname, path, table))
        views = self.views(indexes)
        if self.problems:
            raise SpecError(self.problems)
        return cat.Catalog(
            source=self.pos.file,
            target_version=spec.target.postgres,
            flavor=spec.target.flavor,
            schemas=tuple(schemas),
            extensions=tuple(extensions),
            enums=enums,
            domains=domains,
            sequences=sequences,
            tables=tuple(tables),
            partitions=tuple(partitions),
            foreign_keys=tuple(fks),
            indexes=tuple(indexes),
            policies=tuple(policies),
            triggers=tuple(triggers),
            views=views,
            functions=functions,
        )

    def enums(self) -> tuple[cat.Enum, ...]:
        out = []
        for key, enum in self.spec.enums.items():
            qname = self.qualify(key, ("enums", key), declare=True)
            if qname is None:
                continue
            seen: set[str] = set()
            for i, value in enumerate(enum.values):
                if value in seen:
                    self.error(("enums", key, i), f"duplicate enum value '{value}'")
                seen.add(value)
                if len(value.encode()) > 63:
                    self.error(("enums", key, i), f"enum value '{value}' is longer than 63 bytes")
            self.user_types[qname] = "enum"
            out.append(cat.Enum(qname, tuple(enum.values), enum.comment))
        return tuple(out)

    def domains(self) -> tuple[cat.Domain, ...]:
        out = []
        for key, domain in self.spec.domains.items():
            path = ("domains", key)
            qname = self.qualify(key, path, declare=True)
            type_ = self.type(domain.type, path + ("type",))
            if qname is None or type_ is None:
                continue
            self.user_types[qname] = "domain"
            checks = domain.check if isinstance(domain.check, dict) else (
                {f"{qname.name}_check": domain.check} if domain.check else {})
            for name, expression in checks.items():
                self.ident(name, path + ("check", name))
                self.expression(expression, path + ("check",) + ((name,) if isinstance(domain.check, dict) else ()), "a check constraint")
            if domain.default is not None:
                self.expression(domain.default, path + ("default",), "a DEFAULT expression", columns=False)
            out.append(cat.Domain(qname, type_, domain.not_null, domain.default, tuple(checks.items()), domain.comment))
        return tuple(out)

    def sequences(self) -> tuple[cat.Sequence, ...]:
        out = []
        for key, seq in self.spec.sequences.items():
            path = ("sequences", key)
            qname = self.qualify(key, path, declare=True)
            if qname is None:
                continue
            owned_by = None
            if seq.owned_by:
                table_ref, _, column = seq.owned_by.rpartition(".")
                table = self.find_table(table_ref or seq.owned_by, path + ("owned_by",))
                if table and self.column_exists(table, column, path + ("owned_by",)):
                    owned_by = (table, column)
            grants = self.grants(seq.grants, seq.revokes, SEQUENCE_PRIVILEGES, path)
            out.append(cat.Sequence(qname, seq.type, seq.start, seq.increment, seq.min_value, seq.max_value,
                                    seq.cache, seq.cycle, owned_by, grants, seq.comment))
        return tuple(out)

    # -- tables ------------------------------------------------------------

    @staticmethod
    def primary_key_columns(table: m.TableSpec) -> tuple[str, ...]:
        if table.primary_key:
            return tuple(table.primary_key)
        return tuple(name for name, column in table.columns.items() if column.primary_key)

    def column(self, table: m.TableSpec, name: str, spec: m.ColumnSpec, path: Path) -> cat.Column | None:
        self.ident(name, path)
        type_ = self.type(spec.type, path + ("type",))
        for key, where in (("default", "a DEFAULT expression"), ("generated", "a generated column"),
                           ("check", "a check constraint")):
            text = getattr(spec, key)
            if text is not None:
                self.expression(text, path + (key,), where, columns=key != "default")
        if spec.identity and (spec.default is not None or spec.generated is not None):
            self.error(path + ("identity",), "an identity column cannot also have a default or a generated expression")
        if spec.default is not None and spec.generated is not None:
            self.error(path + ("generated",), "a generated column cannot also have a default")
        if spec.identity and type_ and parse_type(type_).base not in ("int2", "int4", "int8"):
            self.error(path + ("identity",), "identity columns must be smallint, integer or bigint")
        if spec.primary_key and table.primary_key:
            self.error(path + ("primary_key",), "the table also has a table-level 'primary_key'; declare the key in one place")
        if spec.references is None and (spec.on_delete or spec.on_update):
            self.error(path + ("on_delete" if spec.on_delete else "on_update",), "'on_delete' and 'on_update' need 'references'")
        if type_ is None:
            return None
        not_null = spec.not_null or spec.primary_key or name in (table.primary_key or ())
        return cat.Column(name, type_, not_null, spec.default, spec.identity, spec.generated,
                          spec.collation, spec.comment, spec.renamed_from)

    def table(self, qname, path, table: m.TableSpec, partitions, indexes, policies, triggers) -> cat.Table:
        columns = tuple(c for name, spec in table.columns.items()
                        if (c := self.column(table, name, spec, path + ("columns", name))) is not None)
        names = set(table.columns)
        pk_columns = self.primary_keys[qname]
        pk = None
        if pk_columns:
            for i, column in enumerate(table.primary_key or ()):
                if column not in names:
                    self.error(path + ("primary_key", i), f"unknown column '{column}'{suggest(column, names)}")
            pk = cat.PrimaryKey(self.constraint_name(qname, (), "pkey", path), pk_columns)
        uniques = []
        for name, column in table.columns.items():
            if column.unique:
                uniques.append(cat.Unique(self.constraint_name(qname, (name,), "key", path + ("columns", name)), (name,)))
        for i, unique in enumerate(table.unique):
            upath = path + ("unique", i)
            # `[a, b]` or `{columns: [a, b]}`: point at the column as written.
            cpath = upath + ("columns",) if upath + ("columns",) in self.pos.keys else upath
            for j, column in enumerate(unique.columns):
                if column not in names:
                    self.error(cpath + (j,), f"unknown column '{column}'{suggest(column, names)}")
            if unique.nulls_not_distinct:
                self.needs_version(15, "NULLS NOT DISTINCT", upath)
            name = unique.name or default_name(qname, unique.columns, "key")
            uniques.append(cat.Unique(self.constraint_name(qname, unique.columns, "key", upath, name), tuple(unique.columns), unique.nulls_not_distinct))
        checks = []
        for name, column in table.columns.items():
            if column.check:
                checks.append(cat.Check(default_name(qname, (name,), "check"), column.check))
        for name, expression in table.checks.items():
            self.ident(name, path + ("checks", name))
            if name in {c.name for c in checks}:
                self.error(path + ("checks", name), f"constraint '{name}' is already the name of a column's check; choose another name", key=True)
            elif self.expression(expression, path + ("checks", name), "a check constraint") is not None:
                checks.append(cat.Check(name, expression))

        partition_key = None
        if table.partition:
            partition_key = self.partitioning(qname, path + ("partition",), table, columns, partitions)
            pk_path = path + (("primary_key",) if table.primary_key else ("columns", pk_columns[0] if pk_columns else "", "primary_key"))
            for kind, cols, cpath in [("primary key", pk_columns, pk_path)] + [
                ("unique constraint", u.columns, path + ("unique",)) for u in uniques
            ]:
                if cols and table.partition.column not in cols:
                    self.error(cpath, f"the {kind} ({', '.join(cols)}) of a table partitioned by '{table.partition.column}' must include '{table.partition.column}'; PostgreSQL enforces uniqueness per partition")

        seen_indexes: dict[tuple, int] = {}
        for i, index in enumerate(table.indexes):
            shape = (tuple(index.columns), index.where, index.method, tuple(index.include), index.unique)
            if shape in seen_indexes:
                j = seen_indexes[shape]
                line = self.pos.of(path + ("indexes", j))[0]
                cols = ", ".join(k.column or k.expression or "" for k in index.columns)
                self.error(path + ("indexes", i), f"this index duplicates indexes[{j}] (line {line}): both are on ({cols}); remove one, or give them different columns")
                continue
            seen_indexes[shape] = i
            built = self.index(qname, index, path + ("indexes", i), names)
            if built:
                if table.partition and index.unique and not any(k.column == table.partition.column for k in built.keys):
                    self.error(path + ("indexes", i), f"a unique index on a table partitioned by '{table.partition.column}' must include that column")
                indexes.append(built)

        rls = table.rls
        if rls is not None and rls.force and not rls.enable:
            self.error(path + ("rls",), "'force' needs 'enable: true'; forcing row level security that is off does nothing")
        for name, policy in table.policies.items():
            built = self.policy(qname, name, policy, path + ("policies", name))
            if built:
                policies.append(built)
        if table.policies and (rls is None or not rls.enable):
            self.error(path + ("policies",), "the table has policies but row level security is off; add 'rls: true'", key=True)
        for name, trigger in table.triggers.items():
            built = self.trigger(qname, name, trigger, path + ("triggers", name), names)
            if built:
                triggers.append(built)
        grants = self.grants(table.grants, table.revokes, TABLE_PRIVILEGES, path)
        return cat.Table(qname, columns, pk, tuple(uniques), tuple(checks), partition_key,
                         bool(rls and rls.enable), bool(rls and rls.force), grants, table.comment, table.renamed_from,
                         self.ignores(table.ignore, path))

    def constraint_name(self, table: QualifiedName, columns, suffix: str, path: Path, name: str | None = None) -> str:
        """Names of index-backed constraints live in the schema's relation namespace."""
        name = name or default_name(table, columns, suffix)
        if self.ident(name, path, key=True):
            self.qualify(f"{table.schema}.{name}", path, declare=True)
        return name

    def partitioning(self, qname, path, table: m.TableSpec, columns, partitions) -> cat.PartitionKey | None:
        spec = table.partition
        column = next((c for c in columns if c.name == spec.column), None)
        if spec.column not in table.columns:
            self.error(path + ("column",), f"unknown column '{spec.column}'{suggest(spec.column, table.columns)}")
            return None
        if spec.interval:
            if column is None:
                return None
            try:
                bounds = time_partitions(spec, column.type, self.today)
            except PeriodError as exc:
                self.error(path + ((exc.key,) if exc.key else ()), str(exc))
                return None
            for suffix, bound in bounds:
                child = QualifiedName(qname.schema, f"{qname.name}_{suffix}")
                if not self.partition_name(child, path):
                    break  # the others are too long as well; one message says it
                if self.qualify(str(child), path, declare=True):
                    partitions.append(cat.Partition(child, qname, bound))
        for name, bound in spec.partitions.items():
            child = self.qualify(name if "." in name else f"{qname.schema}.{name}", path + ("partitions", name), declare=True)
            text = self.partition_bound(spec.by, bound, path + ("partitions", name))
            if child and text:
                partitions.append(cat.Partition(child, qname, text))
        if spec.default:
            child = QualifiedName(qname.schema, f"{qname.name}_default")
            if self.partition_name(child, path) and self.qualify(str(child), path + ("default",), declare=True):
                partitions.append(cat.Partition(child, qname, None))
        return cat.PartitionKey(spec.by, spec.column)

    def partition_name(self, child: QualifiedName, path: Path) -> bool:
        size = len(child.name.encode())
        if size <= 63:
            return True
        self.error(path, f"the partition '{child.name}' would be {size} bytes; PostgreSQL truncates names "
                         "longer than 63 bytes, so shorten the table name")
        return False

    def partition_bound(self, strategy: str, bound: m.PartitionBound, path: Path) -> str | None:
        from ..render.quoting import literal

        keys = {"list": {"values"}, "range": {"from_", "to"}, "hash": {"modulus", "remainder"}}
        stray = sorted(k for k in bound.model_fields_set - keys[strategy])
        if stray:
            self.error(path + (stray[0].rstrip("_"),), f"'{stray[0].rstrip('_')}' does not apply to a {strategy} partition")
            return None
        if strategy == "list" and bound.values:
            return f"IN ({', '.join(literal(v) for v in bound.values)})"
        if strategy == "range" and bound.from_ is not None and bound.to is not None:
            return f"FROM ({literal(bound.from_)}) TO ({literal(bound.to)})"
        if strategy == "hash" and bound.modulus and bound.remainder is not None:
            return f"WITH (MODULUS {bound.modulus}, REMAINDER {bound.remainder})"
        need = {"list": "'values'", "range": "'from' and 'to'", "hash": "'modulus' and 'remainder'"}[strategy]
        self.error(path, f"a {strategy} partition needs {need}")
        return None

    def index(self, table: QualifiedName, index: m.IndexSpec, path: Path, names) -> cat.Index | None:
        keys = []
        ok = True
        for i, key in enumerate(index.columns):
            if key.column is not None and names is not None and key.column not in names:
                self.error(path + ("columns", i), f"unknown column '{key.column}'{suggest(key.column, names)}")
                ok = False
            if key.expression is not None and self.expression(key.expression, path + ("columns", i, "expression"), "an index expression") is None:
                ok = False
            keys.append(cat.IndexKey(key.column, key.expression, key.order, key.nulls, key.opclass))
        for i, column in enumerate(index.include):
            if names is not None and column not in names:
                self.error(path + ("include", i), f"unknown column '{column}'{suggest(column, names)}")
                ok = False
        if index.where is not None and self.expression(index.where, path + ("where",), "an index predicate") is None:
            ok = False
        if index.nulls_not_distinct:
            self.needs_version(15, "NULLS NOT DISTINCT", path + ("nulls_not_distinct",))
        if index.name:
            ok = self.ident(index.name, path + ("name",), key=False) and ok
        key_names = [k.column or "expr" for k in index.columns]
        name = index.name or default_name(table, key_names, "idx")
        if not self.qualify(f"{table.schema}.{name}", path + ("name",) if index.name else path, declare=True):
            ok = False
        if not ok:
            return None
        return cat.Index(name, table, tuple(keys), index.unique, index.method, index.where,
                         tuple(index.include), index.nulls_not_distinct, self.ignores(index.ignore, path))

    def policy(self, table: QualifiedName, name: str, policy: m.PolicySpec, path: Path) -> cat.Policy | None:
        ok = self.ident(name, path)
        if policy.command == "insert" and policy.using is not None:
            self.error(path + ("using",), "an INSERT policy has no 'using' (there are no existing rows to filter); use 'with_check'")
            ok = False
        if policy.command in ("select", "delete") and policy.with_check is not None:
            self.error(path + ("with_check",), f"a {policy.command.upper()} policy has no 'with_check'; use 'using'")
            ok = False
        if policy.using is None and policy.with_check is None:
            self.error(path, "a policy needs 'using', 'with_check' or both", key=True)
            ok = False
        for key in ("using", "with_check"):
            text = getattr(policy, key)
            if text is not None and self.sql(check_expression, text, path + (key,), key) is None:
                ok = False
        for i, role in enumerate(policy.roles):
            ok = self.role(role, path + ("roles", i)) and ok
        if not ok:
            return None
        return cat.Policy(name, table, policy.command, policy.type == "permissive", tuple(policy.roles),
                          policy.using, policy.with_check, policy.comment, self.ignores(policy.ignore, path))

    def trigger(self, table, name, trigger: m.TriggerSpec, path, names) -> cat.Trigger | None:
        ok = self.ident(name, path)
        function = self.find_function(trigger.function, path + ("function",))
        if function and function in self.functions:
            returns = self.functions[function][1].returns.strip().lower()
            if returns != "trigger":
                self.error(path + ("function",), f"function '{function}' returns {returns}, not trigger")
                ok = False
        for i, column in enumerate(trigger.update_of):
            if column not in names:
                self.error(path + ("update_of", i), f"unknown column '{column}'{suggest(column, names)}")
                ok = False
        if trigger.update_of and "update" not in trigger.events:
            self.error(path + ("update_of",), "'update_of' needs the 'update' event")
            ok = False
        if trigger.timing == "instead of":
            self.error(path + ("timing",), "INSTEAD OF triggers belong on views; a table's trigger runs before or after")
            ok = False
        if "truncate" in trigger.events and trigger.level == "row":
            self.error(path + ("events",), "a TRUNCATE trigger fires once per statement; add 'level: statement'")
            ok = False
        if trigger.when is not None:
            node = self.expression(trigger.when, path + ("when",), "a trigger's WHEN condition")
            if node is None:
                ok = False
            elif trigger.level == "statement" and {"old", "new"} & {n.lower() for n in column_qualifiers(node)}:
                self.error(path + ("when",), "a statement-level trigger has no OLD or NEW row to test in 'when'")
                ok = False
        if not ok or function is None:
            return None
        return cat.Trigger(name, table, function, trigger.timing, tuple(trigger.events), tuple(trigger.update_of),
                           trigger.level, trigger.when, tuple(trigger.args))

    def find_function(self, ref: str, path: Path) -> QualifiedName | None:
        ref = ref.removesuffix("()")
        parts = split_qualified(ref)
        qname = QualifiedName(*parts) if parts else None
        if qname in self.functions or qname in self.platform.functions:
            return qname
        known = [str(q) for q in [*self.functions, *self.platform.functions]]
        self.error(path, f"unknown function '{ref}'{suggest(ref, known)}")
        return None

    # -- foreign keys --------------------------------------------------------

    def foreign_keys(self, qname: QualifiedName, path: Path, table: m.TableSpec) -> list[cat.ForeignKey]:
        wanted = []  # (columns, target ref, target columns or None, options, path)
        for name, column in table.columns.items():
            ref = column.references
            if ref is None:
                continue
            fpath = path + ("columns", name, "references")
            if (ref.on_delete and column.on_delete) or (ref.on_update and column.on_update):
                self.error(fpath, "'on_delete'/'on_update' given twice")
            options = dict(on_delete=ref.on_delete or column.on_delete, on_update=ref.on_update or column.on_update,
                           deferrable=ref.deferrable, name=ref.name)
            # 'public.vehicles' reads as table 'public', column 'vehicles' until
            # we know that 'public.vehicles' is a table.
            whole = f"{ref.table}.{ref.column}"
            if ref.column is not None and not self.is_table(ref.table) and self.is_table(whole):
                wanted.append(((name,), whole, None, options, fpath))
            else:
                wanted.append(((name,), ref.table, (ref.column,) if ref.column else None, options, fpath))
        for i, fk in enumerate(table.foreign_keys):
            options = dict(on_delete=fk.on_delete, on_update=fk.on_update, deferrable=fk.deferrable, name=fk.name)
            for j, column in enumerate(fk.columns):
                if column not in table.columns:
                    self.error(path + ("foreign_keys", i, "columns", j), f"unknown column '{column}'{suggest(column, table.columns)}")
            wanted.append((tuple(fk.columns), fk.references.table, tuple(fk.references.columns), options, path + ("foreign_keys", i, "references")))
        out = []
        for columns, target_ref, ref_columns, options, fpath in wanted:
            target = self.find_table(target_ref, fpath)
            if target is None:
                continue
            target_pk = self.primary_keys.get(target) or self.platform.tables.get(target, ((),))[0]
            if ref_columns is None:
                if not target_pk:
                    self.error(fpath, f"table '{target}' has no primary key to reference; name the column")
                    continue
                ref_columns = target_pk
            if not all(self.column_exists(target, c, fpath) for c in ref_columns):
                continue
            if len(ref_columns) != len(columns):
                self.error(fpath, f"the foreign key has {len(columns)} column(s) but references {len(ref_columns)}")
                continue
            if not self.is_key(target, ref_columns):
                self.error(fpath, self.trap_message(target, columns, ref_columns))
                continue
            name = options.pop("name") or default_name(qname, columns, "fkey")
            self.ident(name, fpath, key=False)
            out.append(cat.ForeignKey(name, qname, tuple(columns), target, tuple(ref_columns), **options))
        return out

    def is_table(self, ref: str) -> bool:
        parts = split_qualified(ref)
        return bool(parts) and (QualifiedName(*parts) in self.tables or QualifiedName(*parts) in self.platform.tables)

    def is_key(self, target: QualifiedName, columns) -> bool:
        wanted = set(columns)
        if target in self.platform.tables:
            return wanted == set(self.platform.tables[target][0])
        spec = self.tables[target][1]
        keys = [set(self.primary_keys[target])]
        keys += [{n} for n, c in spec.columns.items() if c.unique]
        keys += [set(u.columns) for u in spec.unique]
        keys += [{k.column for k in i.columns} for i in spec.indexes
                 if i.unique and i.where is None and all(k.column for k in i.columns)]
        return wanted in keys

    def trap_message(self, target: QualifiedName, columns, ref_columns) -> str:
        spec = self.tables[target][1] if target in self.tables else None
        pk = self.primary_keys.get(target) or self.platform.tables.get(target, ((),))[0]
        referenced = f"{target.name}({', '.join(ref_columns)})"
        if spec and spec.partition and spec.partition.column not in ref_columns:
            column = spec.partition.column
            return (
                f"foreign key to {referenced} cannot work: '{target.name}' is partitioned by '{column}', "
                f"so its primary key is ({', '.join(pk)}) and no unique key covers ({', '.join(ref_columns)}) alone. "
                f"Add a column that copies the referenced row's {column} and reference both: "
                f"foreign_keys: [{{columns: [{', '.join(columns)}, <{column} column>], "
                f"references: {{table: {target.name}, columns: [{', '.join(pk)}]}}}}]"
            )
        return (
            f"foreign key to {referenced} needs a primary key or unique constraint on exactly "
            f"({', '.join(ref_columns)}); the primary key of '{target.name}' is ({', '.join(pk) or 'none'})"
        )

    # -- views and functions ---------------------------------------------------

    def views(self, indexes) -> tuple[cat.View, ...]:
        # Names first, so that a view may read a view declared after it.
        declared = {}
        for kind, items in (("views", self.spec.views), ("materialized_views", self.spec.materialized_views)):
            for key in items:
                declared[(kind, key)] = self.qualify(key, (kind, key), declare=True)
        out = []
        for kind, items in (("views", self.spec.views), ("materialized_views", self.spec.materialized_views)):
            for key, view in items.items():
                path = (kind, key)
                qname = declared[path]
                query = self.sql(check_query, view.query, path + ("query",), "query")
                if query is not None and not self.relations_exist(query, path + ("query",)):
                    query = None
                materialized = kind == "materialized_views"
                if getattr(view, "security_invoker", False):
                    self.needs_version(15, "security_invoker views", path + ("security_invoker",))
                grants = self.grants(view.grants, view.revokes, TABLE_PRIVILEGES, path)
                if qname is None or query is None:
                    continue
                if materialized:
                    for i, index in enumerate(view.indexes):
                        built = self.index(qname, index, path + ("indexes", i), None)
                        if built:
                            indexes.append(built)
                out.append(cat.View(
                    qname, view.query.strip().rstrip(";").rstrip(), materialized,
                    with_data=getattr(view, "with_data", True),
                    security_invoker=getattr(view, "security_invoker", False),
                    security_barrier=getattr(view, "security_barrier", False),
                    grants=grants, comment=view.comment, ignore=self.ignores(view.ignore, path),
                ))
        return tuple(out)

    def relations_exist(self, tree, path: Path) -> bool:
        """Every table or view a query reads is in the spec, the platform or the system catalogs."""
        ctes = common_table_names(tree)
        known = set(self.namespace) | set(self.platform.tables)
        ok = True
        for schema, name in sorted(references(tree).relations, key=lambda r: (r[0] or "", r[1])):
            if schema is None and (name in ctes or name.startswith("pg_")):
                continue
            if schema in ("pg_catalog", "information_schema") or (schema in self.platform.schemas and schema not in self.spec.schemas and schema != "public"):
                continue
            if QualifiedName(schema or "public", name) in known:
                continue
            written = f"{schema}.{name}" if schema else name
            choices = [q.name if q.schema == "public" else str(q) for q in known]
            self.error(path, f"unknown table '{written}'{suggest(written, choices)}")
            ok = False
        return ok

    def function(self, qname: QualifiedName, path: Path, function: m.FunctionSpec) -> cat.Function:
        args = []
        for i, arg in enumerate(function.args):
            if arg.name is not None:
                self.ident(arg.name, path + ("args", i), key=False)
            type_ = self.type(arg.type, path + ("args", i, "type"), pseudo=True) or arg.type
            if arg.default is not None:
                self.expression(arg.default, path + ("args", i, "default"), "an argument default", columns=False)
            args.append(cat.Argument(arg.name, type_, arg.default, arg.mode))
        returns = function.returns.strip()
        lowered = returns.lower()
        if lowered.startswith("setof "):
            returns = "SETOF " + (self.type(returns[6:], path + ("returns",), pseudo=True) or returns[6:])
        elif not re.match(r"table\s*\(", lowered):
            returns = self.type(returns, path + ("returns",), pseudo=True) or returns
        if function.search_path is not None:
            for part in filter(None, (p.strip() for p in function.search_path.split(","))):
                if part not in ("pg_temp", '""', "''"):
                    self.ident(part, path + ("search_path",), key=False)
        if function.language == "sql":
            self.sql(check_statements, function.body, path + ("body",), "function body")
        else:
            header = f"CREATE FUNCTION f() RETURNS {returns}"
            try:
                check_plpgsql(function.body, header)
            except SqlProblem as exc:
                self.error(path + ("body",), f"function body: {exc}")
        if function.security_definer and function.search_path is None:
            self.error(path + ("search_path",), "a SECURITY DEFINER function must pin 'search_path' (for example search_path: '') so callers cannot hijack the names it uses", key=True)
        grants = self.grants(function.grants, function.revokes, FUNCTION_PRIVILEGES, path)
        return cat.Function(qname, tuple(args), returns, function.language, function.body.strip("\n"),
                            function.volatility, function.strict, function.security_definer,
                            function.search_path, function.parallel, grants, function.comment,
                            self.ignores(function.ignore, path))


def resolve(spec: m.Spec, positions: Positions, today: date | None = None) -> cat.Catalog:
    """Check every name, reference and SQL fragment of ``spec``; return its catalog."""
    return Resolver(spec, positions, today or date.today()).resolve()
