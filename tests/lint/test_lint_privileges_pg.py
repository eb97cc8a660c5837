"""What the privilege rules assume about PostgreSQL, checked on a real server:
the table privilege is checked before any policy, a policy's expression runs
with the caller's EXECUTE rights (SECURITY DEFINER or not), membership passes
both on, and a per-schema default REVOKE leaves PUBLIC's EXECUTE in place."""

from __future__ import annotations

import uuid

import pytest

from schemac.lint import lint_sql


@pytest.fixture
def roles(pg_conn):
    suffix = uuid.uuid4().hex[:8]
    client, group = f"client_{suffix}", f"group_{suffix}"
    pg_conn.execute(f"create role {client} nologin")
    pg_conn.execute(f"create role {group} nologin")
    yield client, group
    pg_conn.execute(f"drop owned by {client}, {group}")
    pg_conn.execute(f"drop role {client}, {group}")


def _rules(sql: str) -> set[str]:
    return {f.name for f in lint_sql(sql)}


def _table(client: str, policies: str, grants: str) -> str:
    return f"""
        create table docs (id int primary key, tenant_id int not null);
        insert into docs values (1, 1), (2, 2);
        alter table docs enable row level security;
        {grants}
        {policies}
    """


def test_the_table_privilege_is_checked_before_any_policy(pg_conn, roles, run_as):
    client, _ = roles
    policy = f"create policy docs_update on docs for update to {client} using (true);"
    sql = _table(client, policy, f"grant select on docs to {client};")
    assert run_as(sql, client, "update docs set tenant_id = 3") == "permission denied for table docs"
    assert "policy-without-privilege" in _rules(sql)

    granted = _table(client, policy, f"grant select, update on docs to {client};")
    assert run_as(granted, client, "update docs set tenant_id = 3") == 2
    assert "policy-without-privilege" not in _rules(granted)


def test_a_privilege_held_through_membership_keeps_the_policy_alive(pg_conn, roles, run_as):
    client, group = roles
    policy = f"create policy docs_update on docs for update to {client} using (true);"
    sql = _table(client, policy, f"grant select, update on docs to {group}; grant {group} to {client};")
    assert run_as(sql, client, "update docs set tenant_id = 3") == 2
    assert "policy-without-privilege" not in _rules(sql)

    if pg_conn.info.server_version < 160000:
        return  # GRANT ... WITH INHERIT is PostgreSQL 16's
    no_inherit = sql.replace(f"to {client};", f"to {client} with inherit false;")
    assert run_as(no_inherit, client, "update docs set tenant_id = 3") == "permission denied for table docs"
    assert "policy-without-privilege" in _rules(no_inherit)


@pytest.mark.parametrize("definer", ["", "security definer set search_path = ''"])
def test_a_function_in_a_policy_needs_the_callers_execute(pg_conn, roles, definer, run_as):
    client, group = roles
    function = f"""
        create function public.allowed(t int) returns boolean language sql stable {definer}
          as $$ select t = 1 $$;
        revoke execute on function public.allowed(int) from public;
    """
    policy = f"create policy docs_read on docs for select to {client} using (public.allowed(tenant_id));"
    sql = _table(client, function + policy, f"grant select on docs to {client};")
    assert run_as(sql, client, "select id from docs") == "permission denied for function allowed"
    assert "policy-function-not-executable" in _rules(sql)

    granted = sql + f"grant execute on function public.allowed(int) to {group}; grant {group} to {client};"
    assert run_as(granted, client, "select id from docs") == [(1,)]
    assert "policy-function-not-executable" not in _rules(granted)


def test_a_per_schema_default_revoke_leaves_publics_execute(pg_conn, roles, run_as):
    client, _ = roles
    sql = """
        alter default privileges in schema public revoke execute on functions from public;
        create function public.stats() returns bigint language sql security definer set search_path = ''
          as $$ select 1 $$;
    """
    assert run_as(sql, client, "select public.stats()") == [(1,)]
    assert "security-definer-executable" in _rules(sql)

    global_revoke = sql.replace(" in schema public", "")
    assert run_as(global_revoke, client, "select public.stats()") == "permission denied for function stats"
    assert "security-definer-executable" not in _rules(global_revoke)
