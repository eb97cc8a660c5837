"""Row level security, policies, triggers and grants, said in plain words.

A reviewer reads "authenticated users may select rows where `tenant_id =
(select private.current_tenant_id()) and deleted_at is null`" faster than
the CREATE POLICY it comes from. The SQL is quoted as written in the spec,
never paraphrased: the words say who may do what, the code says which rows.
"""

from __future__ import annotations

from ..catalog.objects import Grant, Policy, Table, Trigger
from ..spec.names import spell_qualified
from .md import code, words

ROLE_WORDS = {
    "authenticated": "authenticated users",
    "anon": "anonymous users",
    "service_role": "the service role",
    "public": "every role",
}
_ALL = "select, insert, update and delete"


def roles(names: tuple[str, ...]) -> str:
    if not names:
        return "every role"
    return words([ROLE_WORDS.get(name.lower(), f"role {code(name)}") for name in names])


def _rows(expression: str | None) -> str:
    if expression is None or expression.strip().lower() == "true":
        return "any row"
    return f"rows where {code(expression)}"


def policy(p: Policy) -> str:
    """What the policy lets its roles do (permissive) or what it holds them to (restrictive)."""
    who = roles(p.roles)
    command = _ALL if p.command == "all" else p.command
    if p.command == "insert":
        rows = _rows(p.with_check)
    else:
        rows = _rows(p.using)
    if p.permissive:
        sentence = f"{who} may {command} {rows}"
    else:
        sentence = f"{who} may {command} only {rows}, whatever other policies allow"
    if p.command in ("update", "all") and p.with_check is not None and p.with_check != p.using:
        sentence += f"; new and changed rows must satisfy {code(p.with_check)}"
    elif p.command == "update" and p.using is not None:
        sentence += "; the changed rows must still satisfy it"
    return sentence[0].upper() + sentence[1:] + "."


def rls_state(table: Table, policy_count: int) -> str:
    if not table.rls_enabled:
        state = "**disabled**: every role with a privilege on the table sees and changes every row"
        if policy_count:
            state += "; its policies have no effect until it is enabled"
        return f"Row level security: {state}."
    forced = (
        "enabled and forced (the table's owner is held to the policies too)"
        if table.rls_forced
        else "enabled, not forced (the table's owner bypasses the policies)"
    )
    if not policy_count:
        forced += "; no policy, so no row is visible to any role held to it"
    return f"Row level security: {forced}."


def trigger(t: Trigger) -> str:
    events = list(t.events)
    if t.update_of and "update" in events:
        events[events.index("update")] = f"update of {', '.join(t.update_of)}"
    when = f" when {code(t.when)}" if t.when else ""
    args = ", ".join(f"'{a}'" for a in t.args)
    function = spell_qualified(t.function)
    per = "each row" if t.level == "row" else "each statement"
    kind = ""
    if t.constraint:
        deferred = {(False, False): "", (True, False): " (deferrable)", (True, True): " (deferred to commit)"}
        kind = f"constraint trigger{deferred[t.deferrable, t.initially_deferred]}, "
    tables = [
        f"old rows as {code(t.old_table)}" if t.old_table else "",
        f"new rows as {code(t.new_table)}" if t.new_table else "",
    ]
    seen = f", with {' and '.join(filter(None, tables))}" if any(tables) else ""
    state = {"origin": "", "always": " (fires always, on replicas too)", "replica": " (fires only on replicas)"}
    state["disabled"] = " (**disabled**)"
    return f"{kind}{t.timing} {words(events)}, for {per}{when}{seen}: {code(f'{function}({args})')}{state[t.enabled]}"


def grants(items: tuple[Grant, ...]) -> list[str]:
    """``granted to authenticated: select, insert``, ``revoked from public: execute`` and ``granted to
    authenticated: update on columns name, bio, with grant option``, one per grant."""
    out = []
    for g in items:
        verb = "revoked from" if g.revoke else "granted to"
        text = f"{verb} {', '.join(code(r) for r in g.roles)}: {', '.join(g.privileges)}"
        if g.columns:
            text += f" on columns {', '.join(code(c) for c in g.columns)}"
        out.append(text + (", with grant option" if g.grantable else ""))
    return out
