"""The engine: locations, syntax errors, suppressions, configuration, registry."""

from __future__ import annotations

import pytest

from schemac.lint import LintConfig, Severity, at_or_above, explain, get_rule, lint_files, lint_sql
from schemac.lint.registry import Registry, Rule, UnknownRule


def _at(findings, name):
    return [(f.line, f.column) for f in findings if f.name == name]


def test_columns_count_characters_not_bytes():
    sql = (
        "-- ünïcödé 🚗 comment\n"
        'create table "véhicules" (nom text, "event_créé" date, "mis_à_jour_at" timestamptz);\n'
        'create table "🚗" (id int primary key, at timestamp);\n'
    )
    findings = lint_sql(sql, "u.sql")
    assert _at(findings, "no-primary-key") == [(2, 14)]
    # libpg_query's offsets are bytes: counted as characters this would be (3, 42)
    assert _at(findings, "timestamp-without-tz") == [(3, 39)]
    assert _at(findings, "date-timestamptz-mix") == [(2, 37)]


def test_non_ascii_location_of_a_nested_node():
    sql = "create table t (id int primary key, note text default 'ééééé', event_date date, created_at timestamptz);\n"
    (finding,) = [f for f in lint_sql(sql) if f.name == "date-timestamptz-mix"]
    assert (finding.line, finding.column) == (1, sql.index("event_date") + 1)


def test_syntax_error_after_non_ascii_text_and_linting_goes_on():
    sql = "select 'héhé';\nselect é frm x;\ncreate table t (x int);\n"
    findings = lint_sql(sql, "s.sql")
    assert _at(findings, "syntax-error") == [(2, 14)]
    assert _at(findings, "no-primary-key") == [(3, 14)]


def test_findings_are_in_file_order_across_files(tmp_path):
    first = tmp_path / "001_schema.sql"
    second = tmp_path / "002_change.sql"
    first.write_text("create table vehicles (id uuid primary key, vin text);\n")
    second.write_text("set lock_timeout = '1s';\nalter table vehicles drop column vin;\ncreate table x (a int);\n")
    findings = lint_files([first, second])
    assert [(f.file.rsplit("/", 1)[1], f.line) for f in findings] == sorted(
        (f.file.rsplit("/", 1)[1], f.line) for f in findings
    )
    # a table created in an earlier file already exists when a later one alters it
    assert [f.file for f in findings if f.name == "drop-column"] == [str(second)]


def test_undecodable_file_is_a_finding(tmp_path):
    path = tmp_path / "latin1.sql"
    path.write_bytes("create table t (id int primary key);\n-- caf\xe9\n".encode("latin-1"))
    (finding,) = lint_files([path])
    assert finding.name == "syntax-error" and "UTF-8" in finding.message


SUPPRESSION_FORMS = [
    "-- schemac-ignore no-primary-key  a log table\ncreate table a (x int);\n",
    "-- schemac-ignore SC103\ncreate table a (x int);\n",
    "-- schemac: ignore[no-primary-key] reason\ncreate table a (x int);\n",
    "/* schemac: ignore[rls-disabled, SC103] */\ncreate table a (x int);\n",
    "create table a (x int); -- schemac-ignore no-primary-key\n",
    "create table a (\n  x int -- schemac-ignore no-primary-key, rls-disabled inside\n);\n",
    "-- schemac-ignore-file no-primary-key\ncreate table z (id int primary key);\ncreate table a (x int);\n",
    "-- schemac: ignore-file[no-primary-key]\ncreate table a (x int);\n",
]


@pytest.mark.parametrize("sql", SUPPRESSION_FORMS)
def test_suppression_forms(sql):
    findings = lint_sql(sql)
    assert "no-primary-key" not in {f.name for f in findings}
    assert "unused-suppression" not in {f.name for f in findings}


def test_suppression_applies_to_its_statement_only():
    sql = "-- schemac-ignore no-primary-key\ncreate table a (x int);\ncreate table b (x int);\n"
    assert _at(lint_sql(sql), "no-primary-key") == [(3, 14)]


def test_directive_inside_a_string_is_not_a_suppression():
    sql = "create table a (x text default '-- schemac-ignore no-primary-key');\n"
    assert _at(lint_sql(sql), "no-primary-key") == [(1, 14)]


def test_config_selects_ignores_and_overrides_severity():
    sql = "create table a (x int);\n"
    only = lint_sql(sql + "selec 1;\n", config=LintConfig(select=("SC1",)))
    assert {f.code for f in only} == {"SC103", "SC001"}  # syntax errors are always reported
    ignored = lint_sql(sql, config=LintConfig(ignore=("rls-disabled", "no-primary-key")))
    assert not {"rls-disabled", "no-primary-key"} & {f.name for f in ignored}
    config = LintConfig.from_mapping({"severity": {"no-primary-key": "error"}})
    (finding,) = [f for f in lint_sql(sql, config=config) if f.name == "no-primary-key"]
    assert finding.severity is Severity.ERROR


def test_config_from_mapping_rejects_typos():
    with pytest.raises(ValueError, match="unknown lint option"):
        LintConfig.from_mapping({"soft-delete-colum": "removed_at"})
    with pytest.raises(ValueError, match="unknown severity"):
        LintConfig.from_mapping({"severity": {"fk-unindexed": "fatal"}})
    config = LintConfig.from_mapping({"exposed-schemas": ["public", "api"], "tenant-column": "org_id"})
    assert config.exposed_schemas == ("public", "api") and config.tenant_column == "org_id"


def test_at_or_above():
    findings = lint_sql("create table a (x int);\nalter table a enable row level security;\n")
    assert {f.severity for f in at_or_above(findings, "warning")} <= {Severity.WARNING, Severity.ERROR}
    assert all(f.severity is Severity.ERROR for f in at_or_above(findings, Severity.ERROR))


def test_registry_refuses_duplicates_and_bad_docs():
    registry = Registry()
    good = get_rule("fk-unindexed")
    registry.add(good)
    with pytest.raises(ValueError, match="duplicate rule code"):
        registry.add(Rule(good.code, "other-name", good.severity, "", good.doc, good.check))
    with pytest.raises(ValueError, match="duplicate rule name"):
        registry.add(Rule("SC999", good.name, good.severity, "", good.doc, good.check))
    with pytest.raises(ValueError, match="sections"):
        registry.add(Rule("SC998", "no-docs", good.severity, "", "nothing", good.check))
    with pytest.raises(ValueError, match="kebab-case"):
        registry.add(Rule("SC997", "Not_Kebab", good.severity, "", good.doc, good.check))


def test_explain_by_code_or_name():
    assert explain("SC101") == explain("composite-pk-fk-trap")
    assert explain("sc101").startswith("# composite-pk-fk-trap (SC101)")
    with pytest.raises(UnknownRule):
        explain("no-such-rule")


def test_config_from_pyproject(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n')
    assert LintConfig.from_pyproject(path) == LintConfig()
    path.write_text(
        '[tool.schemac.lint]\nignore = ["SC5"]\nsoft-delete-column = "removed_at"\n'
        '[tool.schemac.lint.severity]\nrls-no-policy = "warning"\n'
    )
    config = LintConfig.from_pyproject(path)
    assert config.ignore == ("SC5",) and config.soft_delete_column == "removed_at"
    assert config.severity["rls-no-policy"] is Severity.WARNING
    path.write_text("[tool.schemac.lint\n")
    with pytest.raises(ValueError):
        LintConfig.from_pyproject(path)


def test_suppression_covers_the_other_statements_of_its_object():
    sql = (
        "-- schemac: ignore[rls-not-forced, no-primary-key] the object's ignores, on each statement\n"
        "create table a (x int);\n"
        "-- schemac: ignore[rls-not-forced, no-primary-key] the object's ignores, on each statement\n"
        "alter table a enable row level security;\n"
        "create policy p on a for select to authenticated using (true);\n"
        "create table b (x int);\n"
        "alter table b enable row level security;\n"
    )
    findings = lint_sql(sql)
    assert [(f.line, f.name) for f in findings if f.name in ("rls-not-forced", "no-primary-key")] == [
        (6, "no-primary-key"),
        (7, "rls-not-forced"),
    ]
    assert "unused-suppression" not in {f.name for f in findings}


def test_indexes_on_a_materialized_view_created_in_the_file_are_no_hazard():
    sql = "create materialized view private.mv as select 1 as x;\ncreate index on private.mv (x);\n"
    assert not {"index-not-concurrent", "lock-timeout-missing"} & {f.name for f in lint_sql(sql)}


def test_one_finding_per_mistake_when_rules_overlap():
    """A column or table that two rules see for the same reason is reported once:
    a `timestamp` *_at column (timestamp-without-tz, not also date-timestamptz-mix),
    an unindexed created_by foreign key (fk-unindexed, not also audit-column-unindexed),
    a table with policies and RLS off (policy-without-rls, not also rls-disabled)."""
    sql = (
        "create table docs (id uuid primary key, created_at timestamp, updated_at timestamptz,\n"
        "  created_by uuid references profiles);\n"
        "create policy r on docs for select to authenticated using (id = (select auth.uid()));\n"
    )
    findings = lint_sql(sql)
    names = sorted(f.name for f in findings)
    assert names == ["fk-unindexed", "policy-without-rls", "timestamp-without-tz"], names


def test_a_file_parsed_in_groups_gives_the_same_findings(monkeypatch):
    """Large files are parsed in groups of statements (for the memory peak);
    locations, non-ASCII text and BEGIN ATOMIC bodies come out as from one parse."""
    from schemac.lint import source

    sql = "".join(
        f'-- tâble {i}\ncreate table t{i} (id int primary key, "nöm" text, at_{i} timestamp);\n'
        f"create function f{i}() returns int language sql begin atomic select 1; select {i}; end;\n"
        for i in range(30)
    ) + (
        "create function g() returns void language plpgsql as $$\nbegin\n  perform 1;\n"
        "create temporary table scratch (a int);\nend $$;\n"
    )  # a group boundary inside a body
    whole = [(f.line, f.column, f.code) for f in lint_sql(sql)]
    monkeypatch.setattr(source, "GROUP_CHARS", 100)
    grouped = [(f.line, f.column, f.code) for f in lint_sql(sql)]
    assert grouped == whole
    # a group that would end at the only boundary after it: the one inside g's body
    monkeypatch.setattr(source, "GROUP_CHARS", sql.index("create function g()"))
    assert [(f.line, f.column, f.code) for f in lint_sql(sql)] == whole
    assert ("SC001" not in {code for _, _, code in whole}) and len(whole) >= 60


def test_the_suppression_scan_reads_only_the_stretches_that_hold_a_marker():
    """Its cost follows the number of `schemac` markers, not of statements."""
    from schemac.lint.source import Source, parse
    from schemac.lint.suppress import _pieces_with_marker, find_suppressions

    sql = "".join(f"create table t{i} (id int primary key);\n" for i in range(500))
    sql += "-- schemac: ignore[rls-disabled] a lookup table\ncreate table last (id int primary key);\n"
    source = Source(sql, "many.sql")
    statements = parse(source).statements
    pieces = list(_pieces_with_marker(source, statements))
    assert len(pieces) == 1 and "schemac: ignore" in pieces[0][1]
    (suppression,) = find_suppressions(source, statements)
    assert suppression.stmt is statements[-1]
