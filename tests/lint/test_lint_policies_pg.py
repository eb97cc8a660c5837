"""What the policy rules assume about PostgreSQL, checked on a real server:
a missing expression admits no row, a constant-true one admits every row,
and a role with BYPASSRLS sees every row whatever the policies say."""

from __future__ import annotations

import uuid

import pytest

from schemac.lint import lint_sql


@pytest.fixture
def roles(pg_conn):
    suffix = uuid.uuid4().hex[:8]
    client, worker = f"client_{suffix}", f"worker_{suffix}"
    pg_conn.execute(f"create role {client} nologin")
    pg_conn.execute(f"create role {worker} nologin bypassrls")
    yield client, worker
    pg_conn.execute(f"drop owned by {client}, {worker}")
    pg_conn.execute(f"drop role {client}, {worker}")


def _schema(client: str, worker: str, policies: str) -> str:
    return f"""
        create table docs (id int primary key, tenant_id int not null);
        insert into docs values (1, 1), (2, 2);
        alter table docs enable row level security;
        alter table docs force row level security;
        grant select, insert, update, delete on docs to {client}, {worker};
        {policies}
    """


def _rules(sql: str) -> set[str]:
    return {f.name for f in lint_sql(sql)}


def test_insert_policy_without_with_check_admits_no_row(pg_conn, roles, run_as):
    client, worker = roles
    policy = f"create policy docs_insert on docs for insert to {client};"
    sql = _schema(client, worker, policy)
    assert "violates row-level security" in run_as(sql, client, "insert into docs values (3, 1)")
    found = _rules(sql)
    assert "policy-admits-nothing" in found
    assert not found & {"tenant-filter-missing", "policy-always-true"}


def test_update_policy_without_using_admits_no_row(pg_conn, roles, run_as):
    client, worker = roles
    policies = (
        f"create policy docs_read on docs for select to {client} using (true);\n"
        f"create policy docs_update on docs for update to {client} with check (true);"
    )
    sql = _schema(client, worker, policies)
    assert run_as(sql, client, "update docs set tenant_id = 3") == 0
    assert "policy-admits-nothing" in _rules(sql)


def test_constant_true_with_check_admits_every_row(pg_conn, roles, run_as):
    client, worker = roles
    sql = _schema(client, worker, f"create policy docs_insert on docs for insert to {client} with check (1 = 1);")
    assert run_as(sql, client, "insert into docs values (3, 99)") == 1
    assert "policy-always-true" in _rules(sql.replace(client, "authenticated"))


def test_a_bypassrls_role_sees_every_row_so_its_policies_leak_nothing(pg_conn, roles, run_as):
    client, worker = roles
    policies = (
        f"create policy docs_worker on docs for select to {worker} using (tenant_id = 1);\n"
        f"create policy docs_gated on docs for select to {client} using (current_user = '{worker}');"
    )
    sql = _schema(client, worker, policies)
    assert run_as(sql, worker, "select id from docs order by id") == [(1,), (2,)]
    assert run_as(sql, client, "select id from docs") == []
    linted = f"create role {worker} bypassrls;\n" + sql
    assert "tenant-filter-missing" not in _rules(linted)
    assert "tenant-filter-missing" in _rules(linted.replace(f"= '{worker}'", "= 'someone_else'"))


def test_all_policy_with_only_with_check_reads_no_row_but_inserts(pg_conn, roles, run_as):
    """Its WITH CHECK does not stand in for the missing USING: SELECT, UPDATE
    and DELETE see nothing through it, INSERT is checked by it."""
    client, worker = roles
    sql = _schema(client, worker, f"create policy docs_all on docs for all to {client} with check (tenant_id = 1);")
    assert run_as(sql, client, "select id from docs") == []
    assert run_as(sql, client, "delete from docs") == 0
    assert run_as(sql, client, "insert into docs values (3, 1)") == 1
    assert "policy-admits-nothing" in _rules(sql)
