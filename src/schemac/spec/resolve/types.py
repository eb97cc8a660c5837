"""Types: a type as a column, argument or domain writes it, checked against the names in scope;
what a column's values compare as; and the spec's own types: enums, domains and composite types."""

from __future__ import annotations

from pglast import ast

from ...catalog import objects as cat
from ...catalog.objects import QualifiedName
from ...errors import Path
from ...sqltree import SqlProblem, TypeRef, parse_type
from .. import models as m
from ..names import suggest
from ..known_types import BUILTIN, EXTENSION_TYPES, PSEUDO, SUGGESTIBLE
from .fragments import collation_name, expression, sql
from .grants import TYPE_PRIVILEGES, grants_of
from .scope import Scope


def type_of(scope: Scope, text: str, path: Path, *, pseudo: bool = False) -> str | None:
    """Check a type and return it as schemac writes it (user types schema-qualified)."""
    ref = sql(scope, parse_type, text, path, "type")
    if ref is None:
        return None
    if len(ref.names) == 2:
        qname = QualifiedName(*ref.names)
        if qname in scope.user_types:
            return text.strip()
        scope.error(path, f"unknown type '{text}'{suggest(str(qname), map(str, scope.user_types))}")
        return None
    base = ref.base
    if base in BUILTIN or (pseudo and base in PSEUDO):
        return text.strip()
    if QualifiedName("public", base) in scope.user_types:  # unqualified names resolve in public
        return f"public.{base}" + ("[]" if ref.array else "")
    if base in EXTENSION_TYPES:
        extension = EXTENSION_TYPES[base]
        if extension not in scope.extensions:
            scope.error(path, f"type '{base}' comes from the extension '{extension}'; add it under 'extensions'")
            return None
        return text.strip()
    elsewhere = sorted(str(q) for q in scope.user_types if q.name == base)
    if elsewhere:
        scope.error(
            path, f"unknown type '{text}'; did you mean '{elsewhere[0]}'? (types outside public need their schema)"
        )
        return None
    choices = [*SUGGESTIBLE, *(q.name for q in scope.user_types), *(str(q) for q in scope.user_types)]
    hint = suggest(base, choices)
    written = text.strip()
    if hint and written.lower().startswith(base):
        # Keep what followed the name: 'varchr(20)' -> 'varchar(20)'.
        hint = hint[:-2] + written[len(base) :] + "'?"
    scope.error(path, f"unknown type '{text}'{hint}")
    return None


def base_type(scope: Scope, type_text: str) -> tuple[QualifiedName, TypeRef] | None:
    """The type under a column type's domains (a domain of a domain too), as a name and as
    written; None for an array or a type that cannot be read."""
    try:
        ref = parse_type(type_text)
    except SqlProblem:
        return None
    if ref.array:
        return None
    qname = QualifiedName(*ref.names) if len(ref.names) == 2 else QualifiedName("public", ref.base)
    if scope.user_types.get(qname) == "domain":
        domain = scope.spec.domains.get(str(qname)) or scope.spec.domains.get(qname.name)
        return base_type(scope, domain.type) if domain else None
    return qname, ref


def type_family(scope: Scope, type_text: str) -> str | None:
    """What a column's values compare as: 'integer', 'text', 'uuid', an enum's name, ...; None if unknown."""
    base = base_type(scope, type_text)
    if base is None:
        return None
    qname, ref = base
    if qname in scope.user_types:
        return str(qname)
    families = {
        "int2": "integer",
        "int4": "integer",
        "int8": "integer",
        "serial": "integer",
        "bigserial": "integer",
        "smallserial": "integer",
        "numeric": "numeric",
        "text": "text",
        "varchar": "text",
        "bpchar": "text",
        "citext": "text",
    }
    return families.get(ref.base, ref.base)


def enum_default(scope: Scope, type_: str, node, path: Path) -> None:
    """A default written as a text constant must be one of its enum type's values."""
    spec = scope.spec.enums.get(type_) or scope.spec.enums.get(type_.removeprefix("public."))
    value = node.arg if isinstance(node, ast.TypeCast) else node
    text = getattr(getattr(value, "val", None), "sval", None) if isinstance(value, ast.A_Const) else None
    if spec is not None and text is not None and text not in spec.values:
        scope.error(
            path,
            f"'{text}' is not a value of the enum {type_}; its values are {', '.join(spec.values)}"
            f"{suggest(text, spec.values)}",
        )


def enums(scope: Scope) -> tuple[cat.Enum, ...]:
    out = []
    for key, enum in scope.spec.enums.items():
        qname = scope.qualify(key, ("enums", key), declare=True)
        if qname is None:
            continue
        seen: set[str] = set()
        for i, value in enumerate(enum.values):
            if value in seen:
                scope.error(("enums", key, i), f"duplicate enum value '{value}'")
            seen.add(value)
            if len(value.encode()) > 63:
                scope.error(("enums", key, i), f"enum value '{value}' is longer than 63 bytes")
        scope.user_types[qname] = "enum"
        grants = grants_of(scope, enum.grants, enum.revokes, TYPE_PRIVILEGES, ("enums", key))
        out.append(cat.Enum(qname, tuple(enum.values), enum.comment, grants))
    return tuple(out)


def domains(scope: Scope) -> tuple[cat.Domain, ...]:
    out = []
    for key, domain in scope.spec.domains.items():
        path = ("domains", key)
        qname = scope.qualify(key, path, declare=True)
        type_ = type_of(scope, domain.type, path + ("type",))
        if qname is None or type_ is None:
            continue
        scope.user_types[qname] = "domain"
        checks = (
            dict(domain.check)
            if isinstance(domain.check, dict)
            else ({f"{qname.name}_check": domain.check} if domain.check else {})
        )
        comments = {}
        for name, check in checks.items():
            scope.ident(name, path + ("check", name))
            cpath = path + ("check",) + ((name,) if isinstance(domain.check, dict) else ())
            if isinstance(check, m.DomainCheckSpec):
                checks[name], cpath = check.expression, cpath + ("expression",)
                if check.comment is not None:
                    comments[name] = check.comment
            expression(scope, checks[name], cpath, "a check constraint")
        if domain.default is not None:
            expression(scope, domain.default, path + ("default",), "a DEFAULT expression", columns=False)
        grants = grants_of(scope, domain.grants, domain.revokes, TYPE_PRIVILEGES, path)
        out.append(
            cat.Domain(
                qname,
                type_,
                domain.not_null,
                domain.default,
                tuple(checks.items()),
                domain.comment,
                grants,
                tuple(sorted(comments.items())),
            )
        )
    return tuple(out)


def declare_composite_types(scope: Scope) -> dict[QualifiedName, str]:
    """The composite types' names, declared before any type is resolved: an attribute, a domain or a
    column may use one declared after it. Returns each name's key in the spec."""
    out = {}
    for key in scope.spec.composite_types:
        qname = scope.qualify(key, ("composite_types", key), declare=True)
        if qname is not None:
            scope.user_types[qname] = "composite type"
            out[qname] = key
    return out


def composite_types(scope: Scope, declared: dict[QualifiedName, str]) -> tuple[cat.CompositeType, ...]:
    out = []
    members: dict[QualifiedName, dict[QualifiedName, Path]] = {}  # the composite types each one holds
    for qname, key in declared.items():
        spec = scope.spec.composite_types[key]
        path = ("composite_types", key)
        attributes = []
        for name, attribute in spec.attributes.items():
            where = path + ("attributes", name)
            scope.ident(name, where)
            type_ = type_of(scope, attribute.type, where + ("type",))
            if attribute.collation is not None:
                collation_name(scope, attribute.collation, where + ("collation",))
            if type_ is not None:
                held = _type_name(type_)
                if held in declared:
                    members.setdefault(qname, {}).setdefault(held, where + ("type",))
            attributes.append(cat.Attribute(name, type_ or attribute.type, attribute.collation))
        grants = grants_of(scope, spec.grants, spec.revokes, TYPE_PRIVILEGES, path)
        comments = tuple(sorted((name, a.comment) for name, a in spec.attributes.items() if a.comment is not None))
        out.append(cat.CompositeType(qname, tuple(attributes), spec.comment, grants, comments))
    for qname in declared:
        for held, where in members.get(qname, {}).items():
            if qname in _held_by(held, members):
                through = f": '{held}' holds '{qname}'" if held != qname else f" ('{qname}')"
                scope.error(where, f"a composite type cannot hold itself{through}")
    return tuple(out)


def _held_by(qname: QualifiedName, members: dict[QualifiedName, dict[QualifiedName, Path]]) -> set[QualifiedName]:
    """The composite types ``qname`` holds, directly or through others, itself included."""
    seen, todo = set(), [qname]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(members.get(name, ()))
    return seen


def _type_name(type_text: str) -> QualifiedName:
    """The type a column or attribute type names, an array's element type for an array."""
    ref = parse_type(type_text)
    return QualifiedName(*ref.names) if len(ref.names) == 2 else QualifiedName("public", ref.base)
