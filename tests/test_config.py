"""Project settings: schemac.toml or [tool.schemac], the environment, and options that win over both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac import config
from schemac.cli import main

ROOT = Path(__file__).parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "db").mkdir()
    shutil.copy(ROOT / "schema.yaml", tmp_path / "db" / "schema.yaml")
    monkeypatch.chdir(tmp_path)
    for name in (*config.DATABASE_URL_VARIABLES, config.DEV_DB_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str, **env: str):
    return CliRunner(env=env or None).invoke(main, list(args))


def test_no_settings_is_the_defaults(tmp_path: Path) -> None:
    assert config.load(tmp_path) == config.Config()


def test_schemac_toml_sets_the_paths(project: Path) -> None:
    (project / "schemac.toml").write_text('spec = "db/schema.yaml"\nout = "db/generated"\ndocs = "db/schema.md"\n')
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "wrote db/generated/schema.sql" in result.output
    assert run("docs").output == "wrote db/schema.md\n"
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("db/schema.yaml is valid and db/generated is up to date\n")


def test_pyproject_tool_schemac_and_its_lint_table(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.schemac]\nspec = "db/schema.yaml"\n\n'
        '[tool.schemac.lint]\nexposed-schemas = ["api"]\n'
    )
    loaded = config.load(project)
    assert loaded.spec == Path("db/schema.yaml")
    assert loaded.lint == {"exposed-schemas": ["api"]}
    assert Path(loaded.source).name == "pyproject.toml"
    assert run("validate").output.startswith("db/schema.yaml: valid")


def test_schemac_toml_wins_over_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.schemac]\nspec = "elsewhere.yaml"\n')
    (project / "schemac.toml").write_text('spec = "db/schema.yaml"\n')
    assert config.load(project).spec == Path("db/schema.yaml")


def test_the_command_line_wins(project: Path) -> None:
    (project / "schemac.toml").write_text('spec = "missing.yaml"\n')
    assert run("validate").exit_code == 2
    result = run("validate", "--spec", "db/schema.yaml")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('spce = "x.yaml"\n', "unknown setting 'spce'; did you mean 'spec'?"),
        ("spec = 3\n", "'spec' must be a non-empty string"),
        ("[lint]\nexposed-schemaz = []\n", "schemac.toml: [lint]: unknown lint option 'exposed-schemaz'"),
        ("spec = \n", "schemac.toml: "),
    ],
)
def test_bad_settings_exit_2_and_name_the_key(project: Path, text: str, message: str) -> None:
    (project / "schemac.toml").write_text(text)
    result = run("validate", "--spec", "db/schema.yaml")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_help_works_whatever_the_settings_say(project: Path) -> None:
    (project / "schemac.toml").write_text("spec = 3\n")
    assert run("--help").exit_code == 0
    assert run("--version").exit_code == 0


def test_the_database_url_comes_from_the_environment() -> None:
    assert config.database_url({}) is None
    assert config.database_url({"DATABASE_URL": "postgresql://b"}) == "postgresql://b"
    assert (
        config.database_url({"SCHEMAC_DATABASE_URL": "postgresql://a", "DATABASE_URL": "postgresql://b"})
        == "postgresql://a"
    )
    assert config.database_url({"SCHEMAC_DATABASE_URL": "", "DATABASE_URL": "postgresql://b"}) == "postgresql://b"


def test_plan_reads_the_database_url_from_the_environment(project: Path, pg_cluster) -> None:
    # A database that cannot be reached proves the URL was taken: exit 2 naming it. The goal is
    # built meanwhile all the same, on the session's server rather than on an embedded one started
    # for each run (seconds each).
    url, dev_db = "postgresql://nobody@127.0.0.1:1/nothing", pg_cluster.url()
    result = run("plan", "--to", "db/schema.yaml", DATABASE_URL=url, SCHEMAC_DEV_DB=dev_db)
    assert result.exit_code == 2
    assert "cannot connect to postgresql://nobody@127.0.0.1:1/nothing" in result.output
    result = run(
        "plan",
        "--to",
        "db/schema.yaml",
        "--db",
        "postgresql://other@127.0.0.1:1/x",
        DATABASE_URL=url,
        SCHEMAC_DEV_DB=dev_db,
    )
    assert "postgresql://other@127.0.0.1:1/x" in result.output


def test_check_does_not_take_the_database_from_the_environment(project: Path) -> None:
    assert run("build", "--spec", "db/schema.yaml").exit_code == 0
    result = run("check", "--spec", "db/schema.yaml", DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")
    assert result.exit_code == 0, result.output


def test_dev_db_setting_reaches_the_commands(project: Path) -> None:
    (project / "schemac.toml").write_text('spec = "db/schema.yaml"\ndev-db = "postgresql://dev@127.0.0.1:1/postgres"\n')
    result = run("plan")
    assert result.exit_code == 2
    assert "cannot connect to postgresql://dev@127.0.0.1:1/postgres" in result.output
    # The environment wins over the file.
    result = run("plan", SCHEMAC_DEV_DB="postgresql://env@127.0.0.1:1/postgres")
    assert "cannot connect to postgresql://env@127.0.0.1:1/postgres" in result.output


def test_check_fails_on_a_stale_markdown_reference(project: Path) -> None:
    (project / "schemac.toml").write_text('spec = "db/schema.yaml"\n')
    assert run("build").exit_code == 0
    assert run("check").exit_code == 0  # no docs/schema.md: nothing to compare
    assert run("docs").exit_code == 0
    assert run("check").exit_code == 0
    (project / "docs" / "schema.md").write_text("# stale\n")
    result = run("check")
    assert result.exit_code == 1
    assert "docs/schema.md is stale: run `schemac docs --spec db/schema.yaml` and commit the result" in result.output
    assert "+# " in result.output  # the diff


def test_import_writes_the_spec_the_settings_name(project: Path, pg_cluster) -> None:
    (project / "schemac.toml").write_text('spec = "db/imported.yaml"\n')
    (project / "notes.sql").write_text("create table notes (id bigint primary key, body text);\n")
    result = run("import", "--from", "notes.sql", "--dev-db", pg_cluster.url())
    assert result.exit_code == 0, result.output
    assert "wrote db/imported.yaml" in result.output
    assert run("validate").output.startswith("db/imported.yaml: valid (1 tables")


def test_a_spec_in_another_project_uses_that_projects_folders(project: Path) -> None:
    other = project / "other"
    other.mkdir()
    shutil.copy(ROOT / "schema.yaml", other / "schema.yaml")
    (other / "schemac.toml").write_text('out = "sql"\n')
    (project / "docs").mkdir()
    (project / "docs" / "schema.md").write_text("the current folder's docs, stale for other/\n")

    assert run("build", "--spec", "other/schema.yaml").output.startswith("wrote other/sql/schema.sql")
    assert run("docs", "--spec", "other/schema.yaml").output == "wrote other/docs/schema.md\n"
    result = run("check", "--spec", "other/schema.yaml")
    assert result.exit_code == 0, result.output
    assert not (project / "generated").exists()
    # An option given on the command line is taken as it is, from the current folder.
    assert run("check", "--spec", "other/schema.yaml", "--docs", "docs/schema.md").exit_code == 1


def test_a_spec_without_settings_is_its_own_folders_project(project: Path) -> None:
    assert run("build", "--spec", "db/schema.yaml").output.startswith("wrote db/generated/schema.sql")
    assert run("check", "--spec", "db/schema.yaml").exit_code == 0
    (project / "schemac.toml").write_text('spec = "db/schema.yaml"\n')  # now the project is the current folder
    assert run("build").output.startswith("wrote generated/schema.sql")


def test_plan_out_json_writes_json_that_apply_takes(project: Path, pg_cluster, database: str) -> None:
    (project / "tiny.yaml").write_text(
        "version: 1\ntables:\n  notes:\n    columns:\n      id: {type: int, primary_key: true}\n"
    )
    env = {"SCHEMAC_DEV_DB": pg_cluster.url()}
    assert run("plan", "--db", database, "--to", "tiny.yaml", "--out", "plan.sql", **env).exit_code == 0
    assert (project / "plan.sql").read_text().startswith("BEGIN;\n\nCREATE TABLE public.notes")
    result = run("plan", "--db", database, "--to", "tiny.yaml", "--out", "plan.json", **env)
    assert result.exit_code == 0, result.output
    assert (project / "plan.json").read_text().startswith("{")
    result = run("apply", "--db", database, "--plan", "plan.json", "--yes", **env)
    assert result.exit_code == 0, result.output
    run("plan", "--db", database, "--to", "tiny.yaml", "--out", "plan.txt", **env)
    assert (project / "plan.txt").read_text() == "No changes: the database matches.\n"
