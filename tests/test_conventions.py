"""The conventions: what they expand to, and that it holds on a real PostgreSQL.

tests/specs/valid/conventions.yaml sets every convention with options away
from the defaults (the reference schema.yaml, tested in test_reference.py,
uses the defaults). Here it is applied and exercised as the API roles would:
tenant isolation, soft delete, append-only for every role, audit columns,
sign-up, partition maintenance and monitoring. Malformed uses of the
conventions are in tests/specs/invalid/ (83 onwards).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest

from schemac.catalog.objects import QualifiedName
from schemac.errors import SpecError
from schemac.expand import EXPANSIONS, ExpansionError, expand
from schemac.pipeline import compile_text
from schemac.spec.loader import load_text
from schemac.spec.models import Spec
from schemac.spec.resolve import resolve
from schemac.supabase import install_standin

SPEC = Path(__file__).parent / "specs" / "valid" / "conventions.yaml"
BUILT = date(2026, 9, 1)  # partitions of 2026-09 .. 2026-11 are built; later ones are the function's
O1, O2 = uuid.UUID(int=1), uuid.UUID(int=2)
U1, U2 = uuid.UUID(int=11), uuid.UUID(int=12)


def _resolved(text: str):
    doc = load_text(text, "t.yaml")
    spec = Spec.model_validate(doc.data)
    return spec, resolve(spec, doc.positions, BUILT)


# -- the expansion stage ---------------------------------------------------------


def test_every_convention_is_an_expansion() -> None:
    names = [e.__name__ for e in EXPANSIONS]
    assert names == [
        "audit",
        "tenancy",
        "soft_delete",
        "append_only",
        "partitions",
        "signup",
        "monitoring",
        "partition_security",
        "distribution",
    ]


def test_expansions_are_pure() -> None:
    spec, catalog = _resolved(SPEC.read_text())
    before = repr(catalog)
    first = expand(spec, catalog)
    assert repr(catalog) == before, "an expansion changed its input"
    assert expand(spec, catalog) == first


def test_resolve_leaves_the_conventions_to_expand() -> None:
    spec, catalog = _resolved(SPEC.read_text())
    projects = next(t for t in catalog.tables if t.qname.name == "projects")
    assert projects.column("org_id") is None and not projects.rls_enabled
    expanded = expand(spec, catalog)
    projects = next(t for t in expanded.tables if t.qname.name == "projects")
    assert [c.name for c in projects.columns] == [
        "id",
        "org_id",
        "name",
        "inserted_at",
        "author_id",
        "updated_at",
        "updated_by",
        "removed_at",
    ]
    assert projects.rls_enabled and projects.rls_forced


def test_an_expansion_problem_carries_its_path() -> None:
    spec, catalog = _resolved(SPEC.read_text())
    spec = spec.model_copy(
        update={"tables": {**spec.tables, "orgs": spec.tables["orgs"].model_copy(update={"tenant_scoped": True})}}
    )
    with pytest.raises(ExpansionError) as caught:
        expand(spec, catalog)
    assert [(path, key) for path, _, key in caught.value.issues] == [(("tables", "orgs", "tenant_scoped"), True)]


def test_a_declared_helper_function_is_used_as_it_is() -> None:
    text = SPEC.read_text().replace(
        "tables:\n",
        """functions:
  internal.current_org:
    returns: uuid
    volatility: stable
    body: select '00000000-0000-0000-0000-000000000001'::uuid

tables:
""",
        1,
    )
    sql = compile_text(text, "t.yaml", BUILT).sql
    assert sql.count("CREATE FUNCTION internal.current_org()") == 1
    assert "select '00000000-0000-0000-0000-000000000001'::uuid" in sql
    assert "app_metadata" not in sql


def test_policies_compute_the_tenant_once_per_statement() -> None:
    sql = compile_text(SPEC.read_text(), "t.yaml", BUILT).sql
    assert sql.count("org_id = (select internal.current_org())") >= 8
    assert "org_id = internal.current_org()" not in sql


def test_append_only_tables_get_no_update_or_delete_policy() -> None:
    spec, catalog = _resolved(SPEC.read_text())
    expanded = expand(spec, catalog)
    commands = {p.command for p in expanded.policies if p.table == QualifiedName("public", "task_events")}
    assert commands == {"select", "insert"}
    table = next(t for t in expanded.tables if t.qname.name == "task_events")
    assert table.comment.startswith("Append-only")


def test_keys_between_tenant_tables_carry_the_tenant() -> None:
    spec, catalog = _resolved(SPEC.read_text())
    expanded = expand(spec, catalog)
    tasks, projects = QualifiedName("public", "tasks"), QualifiedName("public", "projects")
    key = next(fk for fk in expanded.foreign_keys if fk.table == tasks and fk.ref_table == projects)
    assert (key.name, key.columns, key.ref_columns) == (
        "tasks_org_id_project_id_fkey",
        ("org_id", "project_id"),
        ("org_id", "id"),
    )
    table = next(t for t in expanded.tables if t.qname == projects)
    assert ("projects_org_id_id_key", ("org_id", "id")) in {(u.name, u.columns) for u in table.uniques}
    # Keys to tables that are no tenant's keep their columns, and get an index led by them.
    author = next(fk for fk in expanded.foreign_keys if fk.table == tasks and fk.columns == ("author_id",))
    assert author.ref_table == QualifiedName("public", "profiles")
    assert any(i.table == tasks and [k.column for k in i.keys] == ["author_id"] for i in expanded.indexes)


def test_a_named_key_keeps_its_name_and_set_null_is_refused() -> None:
    text = SPEC.read_text().replace(
        "project_id: {type: uuid, not_null: true, references: projects.id, on_delete: cascade}",
        "project_id: {type: uuid, not_null: true, references: {table: projects, name: tasks_project}}",
    )
    spec, catalog = _resolved(text)
    key = next(fk for fk in expand(spec, catalog).foreign_keys if fk.name == "tasks_project")
    assert key.columns == ("org_id", "project_id")
    text = SPEC.read_text().replace(
        "references: projects.id, on_delete: cascade", "references: projects.id, on_delete: set null"
    )
    with pytest.raises(SpecError) as caught:
        compile_text(text, "t.yaml", BUILT)
    assert (
        "tables.tasks.columns.project_id.references: a foreign key between tenant-scoped tables includes "
        "org_id, so 'set null' would set org_id too"
    ) in str(caught.value)


# -- on PostgreSQL -----------------------------------------------------------------


@pytest.fixture(scope="module")
def db(pg_database: str):
    sql = compile_text(SPEC.read_text(), SPEC.name, BUILT).sql
    with psycopg.connect(pg_database, autocommit=True) as conn:
        install_standin(conn)
        conn.execute(sql)
        for user, org in ((U1, O1), (U2, O2)):
            conn.execute(
                "INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES (%s, %s, %s)",
                (user, f"{user.int}@example.com", json.dumps({"full_name": f"User {user.int}"})),
            )
            conn.execute("INSERT INTO orgs (id, name) VALUES (%s, %s)", (org, f"org {org.int}"))
            for n in range(3):
                conn.execute(
                    "INSERT INTO projects (org_id, name, removed_at) VALUES (%s, %s, %s)",
                    (org, f"p{n}", "2026-01-01" if n == 2 else None),
                )
        yield conn


def _as(conn: psycopg.Connection, user: uuid.UUID | None, org: uuid.UUID | None, role: str = "authenticated") -> None:
    claims = {"sub": str(user), "role": role, "app_metadata": {"org": str(org)}} if user else {"role": role}
    conn.execute("SELECT set_config('request.jwt.claims', %s, false)", (json.dumps(claims),))
    conn.execute(f"SET ROLE {role}")


@pytest.fixture
def reset(db):
    yield db
    db.execute("RESET ROLE")
    db.execute("RESET request.jwt.claims")


def test_sign_up_creates_the_profile(reset) -> None:
    rows = reset.execute("SELECT id, email, full_name FROM profiles ORDER BY id").fetchall()
    assert rows == [(U1, "11@example.com", "User 11"), (U2, "12@example.com", "User 12")]


def test_a_tenant_sees_its_live_rows_only(reset) -> None:
    _as(reset, U1, O1)
    rows = reset.execute("SELECT org_id, name FROM projects ORDER BY name").fetchall()
    assert rows == [(O1, "p0"), (O1, "p1")]


def test_anon_sees_nothing(reset) -> None:
    """anon is granted nothing on these tables (grants are an allow-list): refused outright."""
    _as(reset, None, None, role="anon")
    for table in ("projects", "tasks", "task_events"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reset.execute(f"SELECT count(*) FROM {table}")


def test_writes_stay_in_the_tenant(reset) -> None:
    _as(reset, U1, O1)
    project = reset.execute("SELECT id FROM projects WHERE name = 'p0'").fetchone()[0]
    reset.execute("INSERT INTO tasks (org_id, project_id, title) VALUES (%s, %s, 'mine')", (O1, project))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reset.execute("INSERT INTO tasks (org_id, project_id, title) VALUES (%s, %s, 'theirs')", (O2, project))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reset.execute("UPDATE projects SET org_id = %s WHERE id = %s", (O2, project))
    _as(reset, U2, O2)
    assert reset.execute("UPDATE projects SET name = 'x' WHERE id = %s", (project,)).rowcount == 0
    # tasks has neither a DELETE policy nor the privilege (commands: select, insert, update).
    _as(reset, U1, O1)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reset.execute("DELETE FROM tasks")


def test_audit_columns_fill_themselves(reset) -> None:
    _as(reset, U1, O1)
    reset.execute("INSERT INTO projects (org_id, name) VALUES (%s, 'audited')", (O1,))
    author, inserted, updated = reset.execute(
        "SELECT author_id, inserted_at, updated_at FROM projects WHERE name = 'audited'"
    ).fetchone()
    assert author == U1 and inserted == updated
    _as(reset, U2, O1)  # claims O1 without a membership check: this spec reads the claim alone
    reset.execute("UPDATE projects SET name = 'audited 2' WHERE name = 'audited'")
    author, updated_by, updated = reset.execute(
        "SELECT author_id, updated_by, updated_at FROM projects WHERE name = 'audited 2'"
    ).fetchone()
    assert (author, updated_by) == (U1, U2) and updated >= inserted


def test_a_tenant_cannot_reference_another_tenants_rows(reset) -> None:
    theirs = reset.execute("SELECT id FROM projects WHERE org_id = %s AND name = 'p0'", (O2,)).fetchone()[0]
    _as(reset, U1, O1)
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        reset.execute("INSERT INTO tasks (org_id, project_id, title) VALUES (%s, %s, 'into theirs')", (O1, theirs))


def test_authors_are_not_taken_from_the_client(reset) -> None:
    _as(reset, U1, O1)
    reset.execute(
        "INSERT INTO projects (org_id, name, author_id, updated_by) VALUES (%s, 'forged', %s, %s)", (O1, U2, U2)
    )
    reset.execute("UPDATE projects SET author_id = %s WHERE name = 'forged'", (U2,))
    assert reset.execute("SELECT author_id, updated_by FROM projects WHERE name = 'forged'").fetchone() == (U1, U1)


@pytest.mark.parametrize("role", ["postgres", "service_role", "authenticated"])
def test_append_only_holds_for_every_role(reset, role: str) -> None:
    reset.execute("INSERT INTO task_events (org_id, task_id, occurred_at) VALUES (%s, 1, '2026-10-05')", (O1,))
    if role == "authenticated":
        _as(reset, U1, O1)
    else:
        reset.execute(f"SET ROLE {role}")
    statements = [
        "UPDATE task_events SET task_id = 2",
        "DELETE FROM task_events",
        "TRUNCATE task_events",
        "TRUNCATE task_events_2026_10",
    ]
    if role != "authenticated":  # authenticated has no privilege on the partition: refused before the trigger
        statements.append("DELETE FROM task_events_2026_10")
    for statement in statements:
        # authenticated: no UPDATE/DELETE privilege (grants are an allow-list), nor a policy.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reset.execute(statement)
    reset.execute("RESET ROLE")
    assert reset.execute("SELECT count(*) FROM task_events").fetchone()[0] >= 1


def test_partition_maintenance_is_idempotent(reset) -> None:
    created = [r[0] for r in reset.execute("SELECT * FROM internal.create_partitions()")]
    assert all(name.startswith("public.task_events_") for name in created)
    assert reset.execute("SELECT * FROM internal.create_partitions()").fetchall() == []
    ok, ahead = reset.execute(
        "SELECT ok, periods_ahead FROM internal.partition_coverage WHERE table_name = 'task_events'"
    ).fetchone()
    assert ok and ahead >= 2
    # New partitions are guarded like the built ones: forced RLS, the TRUNCATE trigger.
    for name in created:
        forced, guards = reset.execute(
            "SELECT c.relforcerowsecurity, (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid"
            " AND t.tgname LIKE '%%no_truncate') FROM pg_class c WHERE c.oid = %s::regclass",
            (name,),
        ).fetchone()
        assert forced and guards == 1, name


def test_refreshes_are_logged_and_freshness_reads_the_log(reset) -> None:
    assert reset.execute(
        "SELECT refreshed_at FROM internal.mv_freshness WHERE view_name = 'task_counts'"
    ).fetchone() == (None,)
    reset.execute("SELECT internal.refresh_materialized_view('internal.task_counts')")
    refreshed = reset.execute(
        "SELECT refreshed_at FROM internal.mv_freshness WHERE view_name = 'task_counts'"
    ).fetchone()[0]
    assert refreshed is not None
    with pytest.raises(psycopg.errors.WrongObjectType):
        reset.execute("SELECT internal.refresh_materialized_view('public.tasks')")
    assert reset.execute("SELECT count(*) FROM internal.table_health WHERE table_name = 'projects'").fetchone()[0] == 1


def test_helpers_are_not_callable_by_the_api(reset) -> None:
    _as(reset, U1, O1)
    for call in ("internal.create_partitions()", "internal.refresh_materialized_view('internal.task_counts')"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reset.execute(f"SELECT {call}")


# -- the plain PostgreSQL flavor: roles named, the tenant from a setting -----------------

PLAIN = """
version: 1
roles: [schemac_app]
conventions:
  user_id: nullif(current_setting('app.user_id', true), '')::uuid
  tenancy:
    references: tenants
    roles: [schemac_app]
    current_tenant: {source: setting, setting: app.tenant_id}
tables:
  tenants:
    columns:
      id: {type: uuid, primary_key: true}
    rls: true
  notes:
    tenant_scoped: true
    soft_delete: true
    audit: true
    columns:
      id:   {type: bigint, identity: always, primary_key: true}
      body: text
"""


def test_plain_postgres_with_a_setting(pg_cluster) -> None:
    sql = compile_text(PLAIN, "plain.yaml", BUILT).sql
    name = f"t_plain_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            if not conn.execute("SELECT FROM pg_roles WHERE rolname = 'schemac_app'").fetchone():
                conn.execute("CREATE ROLE schemac_app")
            conn.execute(sql)
            conn.execute("INSERT INTO tenants VALUES (%s), (%s)", (O1, O2))
            conn.execute("INSERT INTO notes (tenant_id, body) VALUES (%s, 'a'), (%s, 'b')", (O1, O2))
            conn.execute("GRANT USAGE ON SCHEMA public TO schemac_app")
            conn.execute("SET ROLE schemac_app")
            conn.execute(
                "SELECT set_config('app.tenant_id', %s, false), set_config('app.user_id', %s, false)",
                (str(O1), str(U1)),
            )
            assert conn.execute("SELECT body FROM notes").fetchall() == [("a",)]
            conn.execute("INSERT INTO notes (tenant_id, body) VALUES (%s, 'c')", (O1,))
            assert conn.execute("SELECT created_by FROM notes WHERE body = 'c'").fetchone() == (U1,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO notes (tenant_id, body) VALUES (%s, 'd')", (O2,))
            conn.execute("RESET ROLE")
            conn.execute("DROP OWNED BY schemac_app")
    finally:
        pg_cluster.drop_database(name)


def test_pg_cron_schedules_the_maintenance() -> None:
    text = SPEC.read_text().replace(
        "target: {postgres: 15, flavor: supabase}\n",
        "target: {postgres: 15, flavor: supabase}\nextensions: [pg_cron]\n",
        1,
    )
    sql = compile_text(text, "t.yaml", BUILT).sql
    assert (
        "CREATE MATERIALIZED VIEW internal.partition_maintenance_job AS\n"
        "select cron.schedule('schemac: create partitions', '@daily', 'select internal.create_partitions()')"
        " as job_id;"
    ) in sql
    assert "partition_maintenance_job" not in compile_text(SPEC.read_text(), "t.yaml", BUILT).sql


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "version: 1\nconventions:\n  schema: public\n  monitoring: true\n",
            "t.yaml:3:11: conventions.schema: schema 'public' is exposed through the API; the conventions' helper "
            "functions belong in one that is not",
        ),
        (
            "version: 1\ntarget: {flavor: supabase}\nconventions:\n  schema: auth\n  monitoring: true\n",
            "t.yaml:4:11: conventions.schema: schema 'auth' belongs to the platform; the conventions' helpers need a "
            "schema of their own",
        ),
    ],
)
def test_the_helpers_schema_is_not_exposed(text: str, message: str) -> None:
    # (More malformed uses are in tests/specs/invalid/, 83-98.)
    with pytest.raises(SpecError) as caught:
        compile_text(text, "t.yaml", BUILT)
    assert [str(p) for p in caught.value.problems] == [message]
