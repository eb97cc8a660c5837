"""Output formats parse back into the structure their consumers expect."""

from __future__ import annotations

import json

from schemac.lint import all_rules, format_github, format_json, format_sarif, format_text, lint_sql

SQL = (
    "create table vehicles (id uuid primary key, tenant_id uuid, deleted_at timestamptz);\n"
    "alter table vehicles enable row level security;\n"
    'create policy "read, all: 100%" on vehicles for select using (tenant_id = auth.uid());\n'
    "select 1 frm x;\n"
)


def _findings():
    return lint_sql(SQL, "db/schema.sql")


def test_text():
    findings = _findings()
    lines = format_text(findings, hints=False).splitlines()
    assert len(lines) == len(findings)
    first = findings[0]
    assert lines[0] == (
        f"db/schema.sql:{first.line}:{first.column}: {first.severity.value} {first.code} {first.name}: {first.message}"
    )
    with_hints = format_text(findings).splitlines()
    assert with_hints[1].strip() == f"help: {first.help}"
    assert "\033[" in format_text(findings, color=True)
    assert format_text([]) == ""


def test_json_round_trip():
    data = json.loads(format_json(_findings()))
    assert isinstance(data, list) and data
    keys = {"code", "name", "severity", "file", "line", "column", "end_line", "end_column", "message", "help"}
    for item in data:
        assert set(item) == keys
        assert item["line"] >= 1 and item["column"] >= 1
        assert (item["end_line"], item["end_column"]) >= (item["line"], item["column"])
    assert {"syntax-error", "soft-delete-filter-missing", "rls-initplan"} <= {i["name"] for i in data}


def test_sarif_structure(tmp_path):
    findings = _findings()
    document = json.loads(format_sarif(findings))
    assert document["version"] == "2.1.0" and "sarif-2.1.0" in document["$schema"]
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"] == finding.message
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "db/schema.sql"
        region = physical["region"]
        assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)


def test_sarif_uris_relative_to_root(tmp_path):
    path = tmp_path / "sql dir" / "a.sql"
    path.parent.mkdir()
    findings = lint_sql("create table a (x int);\n", str(path))
    run = json.loads(format_sarif(findings, root=tmp_path))["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "sql%20dir/a.sql", "uriBaseId": "SRCROOT"}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].endswith("/")


def test_github_annotations_are_escaped():
    findings = _findings()
    lines = format_github(findings).splitlines()
    assert len(lines) == len(findings)
    for line, finding in zip(lines, findings):
        level = {"error": "error", "warning": "warning", "info": "notice"}[finding.severity.value]
        assert line.startswith(f"::{level} file=db/schema.sql,line={finding.line},col={finding.column},")
        properties, message = line[2 + len(level) + 1 :].split("::", 1)
        assert "\n" not in message and "title=" + f"{finding.code} {finding.name}" in properties
    policy_line = next(line for line in lines if "SC210" in line)
    assert "read%2C all%3A 100%25" not in policy_line.split("::")[1]  # properties hold no message text
    assert "read, all: 100%25" in policy_line.split("::", 2)[2]
    assert "%0A" in policy_line  # the hint is on a second line of the annotation
