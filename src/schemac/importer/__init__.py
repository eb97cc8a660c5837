"""``schemac import``: a database's catalog -> a schema.yaml that rebuilds it.

The spec is written from the catalog ``introspect`` reads (:mod:`.explicit`),
then, where the database follows schemac's conventions, the objects they
generate are handed to them: the tables get ``tenant_scoped``,
``soft_delete``, ``audit`` and ``append_only`` switches and the spec a
``conventions`` section (:mod:`.recognise` guesses, :mod:`.generated` says
what each convention makes).

The guesses are kept only where the round trip proves them: the spec is
built, applied to an empty database and read back, and must come out as
the source (``check``). Where it does not, the convention behind each
difference is switched off for that table (or for the schema) and the
objects are written out as they are, with a comment; after a few rounds,
or when that does not converge, the spec is written out in full. Nothing
here prints; the result says what was found.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from ..catalog import kinds
from ..catalog import objects as cat
from ..catalog.objects import QualifiedName
from ..diff import changes as ch
from ..errors import SpecError
from ..expand.tenancy import default_commands
from ..live import LiveError
from ..spec import models as m
from ..spec.conventions import added_columns
from ..spec.leave_alone import KINDS as LISTABLE
from ..spec.names import default_name
from .explicit import Choices, build, identity, key_of
from .generated import GLOBAL, GLOBAL_KINDS, SWITCHES, Generated, Targets, generated, objects, table_of
from .recognise import tenant_call, guess
from .yamltext import Commented, dump

Check = Callable[[str], list[ch.Change]]
MAX_ROUNDS = 8
SWITCH_NAMES = {v: k for k, v in SWITCHES.items()}


@dataclass
class Imported:
    """The spec's text, and what the import found out."""

    text: str
    verified: bool  # the round trip was run
    differences: list[str]  # what still differs after the round trip; empty when exact
    conventions: dict[str, int]  # convention -> tables it is switched on for (0: set for the schema)
    unsupported: list[str]  # what the spec cannot hold, left out
    problems: list[str] = field(default_factory=list)  # why the spec itself does not build, if it does not


@dataclass
class _State:
    conventions: dict
    switches: dict[QualifiedName, dict]
    keep: set = field(default_factory=set)  # generated identities written out anyway
    exclude: dict = field(default_factory=dict)  # what the spec refuses, left out
    # Tenant-scoped tables whose policies are written out -> why the generated ones did not fit.
    own_policies: dict = field(default_factory=dict)
    rejected: dict = field(default_factory=lambda: defaultdict(list))  # table or None -> notes

    def disable(self, table: QualifiedName, switch: str, why: str) -> bool:
        if switch not in self.switches.get(table, {}):
            return False
        del self.switches[table][switch]
        self.rejected[table].append(
            f"`{switch}: true` was tried here and not kept: the database differs from "
            f"what it generates (plan step: {why}); written out as it is."
        )
        if switch == "tenant_scoped" and not any("tenant_scoped" in s for s in self.switches.values()):
            self.conventions.pop("tenancy", None)
        return True

    def drop(self, convention: str, why: str) -> bool:
        if convention == "tenancy":
            changed = False
            for table in list(self.switches):
                changed = self.disable(table, "tenant_scoped", why) or changed
            return self.conventions.pop("tenancy", None) is not None or changed
        if convention in SWITCHES:
            switch = SWITCHES[convention]
            return any([self.disable(t, switch, why) for t in list(self.switches)])
        if self.conventions.pop(convention, None) is None:
            return False
        self.rejected[None].append(
            f"`conventions.{convention}` was tried and not kept: the database differs from "
            f"what it generates (plan step: {why}); its objects are written out as they are."
        )
        return True


def _table_keys(catalog: cat.Catalog) -> dict[str, QualifiedName]:
    return {key_of(t.qname): t.qname for t in catalog.tables}


def _tenant_policies(source: cat.Catalog, table: QualifiedName, column: str) -> tuple[list, list]:
    """The policies of ``table`` the tenancy convention would have written (by name and shape), and the others."""
    ours, others = [], []
    for policy in source.policies:
        if policy.table != table:
            continue
        text = policy.using or policy.with_check
        if (
            policy.name == default_name(table, (), policy.command)
            and policy.command != "all"
            and tenant_call(text, column) is not None
        ):
            ours.append(policy)
        else:
            others.append(policy)
    return ours, others


def _shape_tenancy(source: cat.Catalog, state: _State) -> None:
    """Each tenant-scoped table's switch: the commands and roles of its tenant policies, where not the default."""
    tenancy = state.conventions.get("tenancy")
    if tenancy is None:
        return
    column = tenancy.get("column", "tenant_id")
    roles = tenancy.get("roles") or (["authenticated"] if source.flavor == "supabase" else [])
    for table, switches in state.switches.items():
        if "tenant_scoped" not in switches:
            continue
        ours, others = _tenant_policies(source, table, column)
        if others or not ours or table in state.own_policies:
            switches["tenant_scoped"] = True  # the table writes its own policies
            continue
        model = m.TableSpec(
            columns={"x": "text"},
            soft_delete=bool(switches.get("soft_delete")),
            append_only=bool(switches.get("append_only")),
        )
        wanted: dict = {}
        commands = [c for c in ("select", "insert", "update", "delete") if c in {p.command for p in ours}]
        if tuple(commands) != default_commands(model):
            wanted["commands"] = commands
        policy_roles = sorted({r for p in ours for r in p.roles})
        if policy_roles != sorted(roles):
            wanted["roles"] = policy_roles
        switches["tenant_scoped"] = wanted or True


def _choose(source: cat.Catalog, state: _State) -> tuple[Choices, Generated]:
    """The choices for the current guesses, and what the conventions generate under them."""
    _shape_tenancy(source, state)
    switches = {t: dict(s) for t, s in state.switches.items() if s}
    base = Choices(copy.deepcopy(state.conventions), switches, exclude=state.exclude)
    # The columns the conventions add are left out first: declared, they are an error.
    data = build(source, base, minimal=True).doc.data
    try:
        spec = m.Spec.model_validate(data)
    except ValidationError as exc:
        raise SpecError([]) from exc
    keys = _table_keys(source)
    skip = set()
    for key, table in spec.tables.items():
        for column in added_columns(spec, table):
            skip.add(("column", keys[key], column))
    # Without the explicit indexes, then with those the conventions do not make (so that an
    # index the database already has keeps the convention from making another).
    if "monitoring" in state.conventions:  # its log table, made by the convention unless declared
        skip.add(("table", QualifiedName(state.conventions.get("schema", "private"), "mv_refresh_log")))
    no_indexes = frozenset(skip) | {identity(i) for i in source.indexes}
    first = generated(
        dump(build(source, Choices(base.conventions, switches, no_indexes, state.exclude), minimal=True).doc)
    )
    skip |= {k for k in first.added if k[0] == "index"}
    made = generated(
        dump(build(source, Choices(base.conventions, switches, frozenset(skip), state.exclude), minimal=True).doc)
    )
    skip |= {key for key in made.added if key not in state.keep}
    # A trigger written out calls its function by name, so that function is written out too
    # (the conventions then use it rather than make their own).
    for trigger in source.triggers:
        if identity(trigger) not in skip:
            skip.discard(("function", trigger.function))
    # A tenant-scoped table that writes its own policies gets none generated, nor their grants.
    for table, switch in switches.items():
        if switch.get("tenant_scoped") is True:
            ours, others = _tenant_policies(
                source, table, state.conventions.get("tenancy", {}).get("column", "tenant_id")
            )
            if others or table in state.own_policies:
                skip -= {identity(p) for p in ours}
                skip -= {k for k in skip if k[0] == "grant" and k[1] == table}
    return Choices(base.conventions, switches, frozenset(skip), state.exclude), made


def _blame_problems(error: SpecError, state: _State, keys: dict[str, QualifiedName]) -> bool:
    changed = False
    for problem in error.problems:
        path = problem.path
        if len(path) >= 2 and path[0] == "conventions":
            name = str(path[1])
            changed = state.drop({"tenancy": "tenancy"}.get(name, name), problem.message) or changed
        elif len(path) >= 2 and path[0] == "tables" and keys.get(str(path[1])) in state.switches:
            table = keys[str(path[1])]
            named = [p for p in path[2:] if p in SWITCH_NAMES]
            for switch in named or list(state.switches[table]):
                changed = state.disable(table, switch, problem.message) or changed
    return changed


def _blame_changes(
    changes: list[ch.Change], made: Generated, state: _State, targets: Targets, source: cat.Catalog
) -> bool:
    present = objects(source)
    changed = False
    for change in changes:
        why = change.describe()
        for key, obj in targets.identities(change):
            if key in made.added:
                expansions = {made.added[key]}
            else:
                expansions = made.touched.get(key, set())
            table = made.tables.get(key) or table_of(key, obj)
            for expansion in sorted(expansions):
                if key[0] in GLOBAL_KINDS and key in made.added and key in present:
                    # Declared in the spec, a helper is used as it is instead of being generated.
                    if key not in state.keep:
                        state.keep.add(key)
                        state.keep.update(k for k, t in made.tables.items() if t == key[1] and k in made.added)
                        changed = True
                elif (
                    expansion == "tenancy"
                    and key[0] in ("policy", "grant")
                    and table in state.switches
                    and "tenant_scoped" in state.switches[table]
                ):
                    # The tenant column, its key, index and row level security may still be the
                    # convention's: first try the table's own policies, written out.
                    if table not in state.own_policies:
                        state.own_policies[table] = why
                        changed = True
                elif expansion in SWITCHES and table is not None and table in state.switches:
                    changed = state.disable(table, SWITCHES[expansion], why) or changed
                elif expansion in SWITCHES or expansion in GLOBAL:
                    changed = state.drop(expansion, why) or changed
    return changed


def _attach(doc: Commented, path: tuple, text: str) -> None:
    """A comment at ``path``, or at the nearest enclosing key the spec has."""
    data, at = doc.data, ()
    for part in path:
        if isinstance(data, dict) and part in data:
            data, at = data[part], at + (part,)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data, at = data[part], at + (part,)
        else:
            break
    doc.note(at if at else ("version",), text)


def _render(
    source: cat.Catalog, choices: Choices, header: list[str] | None = None, notes: dict | None = None
) -> tuple[str, list[str]]:
    """The spec's text, with ``notes`` (table or None -> lines) and what could not be imported as comments."""
    built = build(source, choices)
    doc = built.doc
    keys = {qname: key for key, qname in _table_keys(source).items()}
    for table, lines in sorted((notes or {}).items(), key=lambda kv: str(kv[0])):
        for line in dict.fromkeys(lines):
            _attach(doc, ("tables", keys[table]) if table in keys else (), line)
    unsupported = []
    for path, message in built.unsupported:
        _attach(doc, path, f"not imported: {message}")
        unsupported.append(message)
    unsupported += [message for _, message in built.left_out]
    if header is not None and unsupported:
        header = [
            *header[:-1],
            f"Not imported ({len(unsupported)}): what the spec cannot hold is named in a comment where it was"
            + (
                "; what is left out whole is listed under leave_alone, which plans leave alone."
                if built.left_out
                else "."
            ),
            "",
        ]
    return dump(doc, header or ()), unsupported


def _counts(choices: Choices) -> dict[str, int]:
    out: dict[str, int] = {}
    for switches in choices.switches.values():
        for switch in switches:
            name = SWITCH_NAMES.get(switch, switch)
            out[name] = out.get(name, 0) + 1
    for name in GLOBAL:
        if name in choices.conventions:
            out[name] = 0
    return dict(sorted(out.items()))


def _pattern_notes(source: cat.Catalog) -> dict:
    """Where the database looks like a convention, said as a comment on the explicit spec."""
    found = guess(source)
    notes = defaultdict(list, {k: list(v) for k, v in found.notes.items()})
    for table, switches in found.switches.items():
        listed = ", ".join(f"`{s}: true`" for s in switches)
        notes[table].append(
            f"This table follows schemac's conventions ({listed}); with those switches the "
            "conventions would generate the columns, keys, indexes, policies and triggers "
            "written out here (see docs/spec.md, Conventions)."
        )
    return notes


def import_catalog(
    source: cat.Catalog,
    check: Check | None,
    *,
    conventions: bool = True,
    label: str = "a database",
) -> Imported:
    """The spec of ``source``. ``check(text)`` builds and applies a spec and returns how the
    result differs from ``source``; without it, the spec is written out in full, unproven."""
    changes: list[ch.Change] = []
    problems: list[str] = []
    baseline: set[str] | None = None
    exclude: dict = {}
    if check is not None:
        # Everything written out: what it cannot reproduce, no convention will. What the spec
        # refuses (it does not build with it) is left out, with the reason, and tried again.
        for _ in range(MAX_ROUNDS):
            try:
                changes = check(_render(source, Choices(exclude=exclude))[0])
                baseline = {c.describe() for c in changes}
            except SpecError as exc:
                problems = [str(p) for p in exc.problems]
                if _refuse(exc, source, exclude):
                    problems = []
                    continue
            except LiveError as exc:
                problems = [str(exc)]
            break
    found, state = None, None
    if baseline is not None and conventions:
        found, state = _with_conventions(source, check, baseline, exclude)
    if found is not None:
        choices, changes = found
        notes = state.rejected
        for table, why in state.own_policies.items():
            if "tenant_scoped" in choices.switches.get(table, {}):
                notes[table].append(
                    "`tenant_scoped: true` makes the tenant column, its key, index and row level security here; "
                    f"its generated policies differ from the database's (plan step: {why}), so the policies are "
                    "written out."
                )
    else:
        choices = Choices(exclude=exclude)
        notes = _pattern_notes(source) if conventions else {}
        if state is not None:
            for table, lines in state.rejected.items():
                notes[table] = [*lines, *notes.get(table, [])]
    if not problems:
        choices, changes = _leave_unmade(source, check, choices, changes)
    differences = [c.describe() for c in changes]
    counts = _counts(choices)
    header = _header(label, check is not None, differences, problems, counts)
    text, unsupported = _render(source, choices, header, notes)
    return Imported(text, check is not None, differences, counts, unsupported, problems)


def _leave_unmade(
    source: cat.Catalog, check: Check | None, choices: Choices, changes: list[ch.Change]
) -> tuple[Choices, list[ch.Change]]:
    """``choices`` with what the spec written from them does not make again, or makes otherwise (the round
    trip lacks it, or replaces or rebuilds it: a plan to the spec would drop it, or rewrite it as the spec has
    it) listed under leave_alone, where leave_alone can name it; and the round trip's changes then. Unchanged
    when there is none, or the spec does not build with them."""
    unmade = {}
    for change in changes:
        if isinstance(change, ch.Create):
            obj, why = change.obj, "the spec as written does not make it"
        elif isinstance(change, ch.Replace):  # from the spec's database to the source: ``after`` is the source's
            obj, why = change.after, f"the spec as written makes it otherwise ({change.describe()})"
        else:
            continue
        if kinds.of(obj).noun in LISTABLE:
            unmade[identity(obj)] = (
                obj,
                f"{kinds.of(obj).noun} {kinds.of(obj).name(obj)}: {why}; a plan leaves it alone",
            )
    if check is None or not unmade:
        return choices, changes
    listing = dataclasses.replace(choices, unmade={**choices.unmade, **unmade})
    try:
        return listing, check(_render(source, listing)[0])
    except (SpecError, LiveError):
        return choices, changes


def _label(key: tuple) -> str:
    """``function private.audit``, ``policy notes_read on public.notes``, ... for messages."""
    kind = {"fk": "foreign key"}.get(key[0], key[0])
    if len(key) == 3 and isinstance(key[1], QualifiedName):
        return f"{kind} {key[2]} on {key[1]}"
    return f"{kind} {'.'.join(str(k) for k in key[1:])}"


def _refuse(error: SpecError, source: cat.Catalog, exclude: dict) -> bool:
    """Leave out the objects ``error``'s problems are about (adding them to ``exclude``); whether any was new."""
    built = build(source, Choices(exclude=exclude))
    added = False
    for problem in error.problems:
        key = built.locate(problem.path)
        if key is not None and key not in exclude:
            exclude[key] = f"{_label(key)}: the spec refuses it as the database has it ({problem.message}); left out"
            added = True
    return added


def _with_conventions(source: cat.Catalog, check: Check, baseline: set[str], exclude: dict):
    """((choices, differences), state) once a spec using the conventions reproduces the source as
    well as the explicit one does; (None, state) when the guesses do not get there."""
    targets = Targets(source)
    keys = _table_keys(source)
    first = guess(source)
    state = _State(copy.deepcopy(first.conventions), copy.deepcopy(first.switches), exclude=exclude)
    state.rejected.update({k: list(v) for k, v in first.notes.items()})
    if not (state.conventions or any(state.switches.values())):
        return None, state
    for _ in range(MAX_ROUNDS):
        try:
            choices, made = _choose(source, state)
            changes = check(_render(source, choices)[0])
        except SpecError as exc:
            if _blame_problems(exc, state, keys):
                continue
            break
        except (LiveError, ValidationError):
            break
        extra = [c for c in changes if c.describe() not in baseline]
        if not extra:
            return (choices, changes), state
        if not _blame_changes(extra, made, state, targets, source):
            break
    return None, state


def _header(
    label: str, verified: bool, differences: list[str], problems: list[str], counts: dict[str, int]
) -> list[str]:
    lines = [f"Imported by `schemac import` from {label}."]
    if not verified:
        lines.append(
            "Not checked against PostgreSQL: every object is written out; `schemac import` without "
            "--no-verify also proves the round trip and uses the conventions where they fit."
        )
    elif problems:
        lines.append("Round trip: not proved; built and applied to an empty database, this spec failed:")
        lines += [f"  {p}" for p in problems[:10]]
    elif differences:
        lines.append(
            f"Round trip: NOT exact. Built and applied to an empty database, this spec differs from "
            f"the source in {len(differences)} way{'s' if len(differences) != 1 else ''}:"
        )
        lines += [f"  {d}" for d in differences[:10]]
    else:
        lines.append(
            "Round trip: built and applied to an empty database, this spec reads back as the source "
            "(`schemac plan` between the two is empty)."
        )
    if counts:
        parts = [f"{name} on {n} table{'s' if n != 1 else ''}" if n else name for name, n in counts.items()]
        lines.append("Conventions recognised: " + ", ".join(parts) + ".")
    return [*lines, ""]
