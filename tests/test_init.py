"""schemac init: every template builds, checks, lints clean and applies on PostgreSQL as written."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner
from pglast import split

from schemac import devdb
from schemac.cli import main
from schemac.docgen.spec_schema import LOCAL_NAME, spec_json_schema_text
from schemac.starters import DEFAULT, TEMPLATES, template_text
from schemac.supabase import install_standin

ROOT = Path(__file__).parents[1]
MODELINE = f"# yaml-language-server: $schema={LOCAL_NAME}"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "template", [pytest.param(t, marks=pytest.mark.citus) if t.startswith("citus") else t for t in TEMPLATES]
)
def test_template_builds_checks_lints_clean_and_applies(
    template: str, project: Path, request: pytest.FixtureRequest
) -> None:
    result = run("init", "--template", template)
    assert result.exit_code == 0, result.output
    assert f"wrote schema.yaml (template {template})" in result.output
    spec = (project / "schema.yaml").read_text()
    assert spec.splitlines()[0] == MODELINE
    assert (project / LOCAL_NAME).read_text() == spec_json_schema_text()

    assert run("build").exit_code == 0
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    assert "lint:" not in checked.output  # no warning either
    linted = run("lint", "--fail-on", "info")
    assert linted.exit_code == 0, linted.output
    assert linted.output.endswith("0 findings\n")

    if template.startswith("citus"):
        apply_on_citus(request.getfixturevalue("citus_database"), spec, project / "generated" / "schema.sql")
        return
    pg_cluster = request.getfixturevalue("pg_cluster")
    name = f"t_init_{template.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            if "flavor: supabase" in spec:
                install_standin(conn)
            with conn.transaction():
                conn.execute((project / "generated" / "schema.sql").read_text())
    finally:
        pg_cluster.drop_database(name)


def apply_on_citus(url: str, spec: str, sql_file: Path) -> None:
    """On a coordinator with workers, in one transaction, a statement at a time (Citus forwards some
    statements to the workers as the client sent them, and refuses a whole script there)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for role in yaml.safe_load(spec).get("roles", []):  # roles belong to the cluster: maybe made already
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(f"CREATE ROLE {role} LOGIN")
        with conn.transaction():
            for statement in split(sql_file.read_text()):
                conn.execute(statement)


def test_the_default_template_is_minimal(project: Path) -> None:
    assert run("init").exit_code == 0
    assert (project / "schema.yaml").read_text() == template_text(DEFAULT) == template_text("minimal")


def test_an_existing_spec_is_kept_without_force(project: Path) -> None:
    (project / "schema.yaml").write_text("version: 1\n")
    result = run("init", "--template", "supabase-saas")
    assert result.exit_code == 2
    assert "schema.yaml already exists" in result.output and "--force" in result.output
    assert (project / "schema.yaml").read_text() == "version: 1\n"
    assert not (project / LOCAL_NAME).exists()

    forced = run("init", "--template", "supabase-saas", "--force")
    assert forced.exit_code == 0, forced.output
    assert (project / "schema.yaml").read_text() == template_text("supabase-saas")


def test_spec_elsewhere_gets_its_json_schema_beside_it(project: Path) -> None:
    result = run("init", "--spec", "db/schema.yaml")
    assert result.exit_code == 0, result.output
    assert (project / "db" / LOCAL_NAME).exists()
    assert "schemac build --spec db/schema.yaml" in result.output
    assert run("build", "--spec", "db/schema.yaml").exit_code == 0


def test_unknown_template_is_a_usage_error(project: Path) -> None:
    result = run("init", "--template", "blog")
    assert result.exit_code == 2
    assert "minimal" in result.output and not (project / "schema.yaml").exists()


def test_help_describes_every_template() -> None:
    text = run("init", "--help").output
    assert all(f"    {name} " in text for name in TEMPLATES)


def _body(text: str) -> str:
    """The spec without its leading comment block."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


def test_vehicle_timeline_is_the_reference_schema() -> None:
    assert _body(template_text("vehicle-timeline")) == _body((ROOT / "schema.yaml").read_text()), (
        "schema.yaml changed: copy it into src/schemac/starters/vehicle-timeline.yaml, below that file's header"
    )


def test_supabase_saas_isolates_tenants(project: Path, pg_cluster: devdb.Cluster) -> None:
    assert run("init", "--template", "supabase-saas").exit_code == 0
    assert run("build").exit_code == 0
    name = f"t_init_isolation_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    tenants, users = (uuid.UUID(int=1), uuid.UUID(int=2)), (uuid.UUID(int=11), uuid.UUID(int=12))
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            install_standin(conn)
            conn.execute((project / "generated" / "schema.sql").read_text())
            for tenant, user in zip(tenants, users):
                conn.execute("INSERT INTO auth.users (id, email) VALUES (%s, %s)", (user, f"{user.int}@example.com"))
                conn.execute("INSERT INTO profiles (id) VALUES (%s)", (user,))
                conn.execute(
                    "INSERT INTO tenants (id, name, slug) VALUES (%s, 'T', %s)", (tenant, f"tenant-{tenant.int}")
                )
                conn.execute(
                    "INSERT INTO tenant_memberships (tenant_id, user_id, role) VALUES (%s, %s, 'owner')", (tenant, user)
                )
                conn.execute(
                    "INSERT INTO projects (tenant_id, name) VALUES (%s, 'live'), (%s, 'gone')", (tenant, tenant)
                )
                conn.execute("UPDATE projects SET deleted_at = now() WHERE name = 'gone'")
            claims = {"sub": str(users[0]), "role": "authenticated", "app_metadata": {"tenant_id": str(tenants[0])}}
            conn.execute("SET ROLE authenticated")
            conn.execute("SELECT set_config('request.jwt.claims', %s, false)", (json.dumps(claims),))
            rows = conn.execute("SELECT tenant_id, name FROM projects").fetchall()
            assert rows == [(tenants[0], "live")]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO projects (tenant_id, name) VALUES (%s, 'intruder')", (tenants[1],))
            conn.execute("RESET ROLE")
    finally:
        pg_cluster.drop_database(name)
