"""schemac docs: the Markdown reference of a spec, its Mermaid diagram and its policies in plain words."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemac.catalog.objects import Policy, QualifiedName, Trigger
from schemac.cli import main
from schemac.docgen import words
from schemac.docgen.markdown import markdown
from schemac.docgen.md import Anchors, code
from schemac.docgen.mermaid import attribute_name, attribute_type
from schemac.pipeline import compile_file, compile_text
from schemac.starters import TEMPLATES, template_text

ROOT = Path(__file__).parents[1]
VALID = ROOT / "tests" / "specs" / "valid"
EVERY_KIND = VALID / "every_kind.yaml"
# Partitions by time without 'until' depend on the date; fix it.
TODAY = date(2026, 11, 26)
T = QualifiedName("public", "t")


def _docs(path: Path) -> str:
    return markdown(compile_file(path, today=TODAY).catalog)


def _specs() -> list[str]:
    return ["schema.yaml", *(p.name for p in sorted(VALID.glob("*.yaml"))), *TEMPLATES]


def _docs_of(spec: str) -> str:
    if spec in TEMPLATES:
        return markdown(compile_text(template_text(spec), today=TODAY).catalog)
    return _docs(ROOT / spec if spec == "schema.yaml" else VALID / spec)


def test_docs_schema_md_is_current() -> None:
    assert (ROOT / "docs" / "schema.md").read_text() == _docs(ROOT / "schema.yaml"), (
        "docs/schema.md is stale: run `schemac docs` and commit it"
    )


def test_the_same_spec_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _docs(ROOT / "schema.yaml")
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    monkeypatch.chdir(tmp_path)
    assert _docs(Path("schema.yaml")) == first


# -- the diagram ------------------------------------------------------------

# Mermaid's erDiagram grammar, as its older releases read it (newer ones accept more).
_ENTITY = r'"[^"%\r\n]+"'
_WORD = r"[A-Za-z_][A-Za-z0-9\-_\[\]()]*"
_DIAGRAM_LINE = [
    re.compile(rf"^    {_ENTITY}( \{{)?$"),
    re.compile(rf"^        {_WORD} {_WORD}( (PK|FK|UK)(, (PK|FK|UK))*)?$"),
    re.compile(r"^    }$"),
    re.compile(rf'^    {_ENTITY} (\|\||\|o)(--|\.\.)(o\{{|o\|) {_ENTITY} : "[^"]*"$'),
]


def _diagram(text: str) -> list[str]:
    block = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert block, "no mermaid block"
    return block.group(1).splitlines()


@pytest.mark.parametrize("spec", _specs())
def test_diagram_lines_follow_mermaid_grammar(spec: str) -> None:
    lines = _diagram(_docs_of(spec))
    assert lines[0] == "erDiagram"
    for line in lines[1:]:
        assert any(p.match(line) for p in _DIAGRAM_LINE), line
    attributes = [line for line in lines if line.startswith("        ")]
    assert len([line for line in lines if line == "    }"]) == len([line for line in lines if line.endswith(" {")])
    assert attributes


def test_diagram_keys_and_cardinalities() -> None:
    lines = _diagram(_docs(ROOT / "schema.yaml"))
    assert "        uuid tenant_id PK, FK" in lines  # tenant_memberships
    # A profile is an auth user: the key is the foreign key, one to at most one.
    assert '    "auth.users" ||--o| "profiles" : "id"' in lines
    # Not null: every vehicle has a tenant; dashed: not part of the vehicle's key.
    assert '    "tenants" ||..o{ "vehicles" : "tenant_id"' in lines
    # Nullable, composite: a document may point at one event (of its own tenant).
    assert '    "vehicle_events" |o..o{ "documents" : "tenant_id, event_id, event_occurred_at"' in lines
    # Partitions are not tables of the diagram.
    assert not any("vehicle_events_2024" in line for line in lines)


def test_a_unique_index_makes_a_relationship_one_to_one() -> None:
    lines = _diagram(_docs(EVERY_KIND))
    assert '    "app.orders" ||..o| "app.invoices" : "order_id, order_placed_on"' in lines
    assert '    "app.customers" |o..o{ "app.customers" : "referred_by"' in lines


def test_mermaid_names_are_made_safe() -> None:
    assert attribute_type("numeric(12, 2)") == "numeric(12_2)"
    assert attribute_type("timestamp with time zone") == "timestamp_with_time_zone"
    assert attribute_type("public.vin_code") == "vin_code"
    assert attribute_type("app.email") == "app_email"
    assert attribute_type("text[]") == "text[]"
    assert attribute_name("pk") == "pk_" and attribute_name("Fk") == "Fk_" and attribute_name("a$b") == "a_b"


# -- policies and other things in words ---------------------------------------

TENANT = "tenant_id = (select private.current_tenant_id())"


@pytest.mark.parametrize(
    "policy,expected",
    [
        (
            Policy("p", T, "select", True, ("authenticated",), f"{TENANT} and deleted_at is null"),
            f"Authenticated users may select rows where `{TENANT} and deleted_at is null`.",
        ),
        (
            Policy("p", T, "insert", True, ("authenticated",), None, TENANT),
            f"Authenticated users may insert rows where `{TENANT}`.",
        ),
        (
            Policy("p", T, "update", True, ("authenticated",), f"{TENANT} and deleted_at is null", TENANT),
            f"Authenticated users may update rows where `{TENANT} and deleted_at is null`; "
            f"new and changed rows must satisfy `{TENANT}`.",
        ),
        (
            Policy("p", T, "update", True, ("authenticated",), "id = (select auth.uid())"),
            "Authenticated users may update rows where `id = (select auth.uid())`; the changed rows must still satisfy it.",
        ),
        (
            Policy("p", T, "delete", True, ("service_role", "admin"), None),
            "The service role and role `admin` may delete any row.",
        ),
        (Policy("p", T, "all", True, (), "true"), "Every role may select, insert, update and delete any row."),
        (
            Policy("p", T, "select", True, ("anon",), "a | b = 1"),
            "Anonymous users may select rows where `a \\| b = 1`.",
        ),
        (
            Policy("p", T, "all", False, ("public",), "not internal.is_weekend()", "not internal.is_weekend()"),
            "Every role may select, insert, update and delete only rows where `not internal.is_weekend()`, "
            "whatever other policies allow.",
        ),
    ],
)
def test_policy_in_words(policy: Policy, expected: str) -> None:
    assert words.policy(policy) == expected


def test_trigger_in_words() -> None:
    trigger = Trigger(
        "g",
        T,
        QualifiedName("internal", "touch"),
        "before",
        ("update",),
        ("name", "email"),
        "row",
        "old.name is distinct from new.name",
        ("x",),
    )
    assert words.trigger(trigger) == (
        "before update of name, email, for each row when `old.name is distinct from new.name`: `internal.touch('x')`"
    )


def test_inline_code_survives_backticks_and_newlines() -> None:
    assert code("a\n   b") == "`a b`"
    assert code("`x`") == "`` `x` ``"
    assert code("a ``b`` c") == "```a ``b`` c```"


def test_inline_code_keeps_the_spaces_of_a_name() -> None:
    # CommonMark keeps a lone space at one end of a code span, and drops one from each end when
    # both have one: a name that starts and ends with a space is padded.
    assert code("Users can view their own todos. ") == "`Users can view their own todos. `"
    assert code(" both ") == "`  both  `"
    assert code("two  spaces") == "`two  spaces`"


# -- the document -------------------------------------------------------------


def test_reference_sections() -> None:
    text = _docs(ROOT / "schema.yaml")
    assert (
        "Authenticated users may select rows where `tenant_id = (select private.current_tenant_id()) "
        "and deleted_at is null`." in text
    )
    assert "Row level security: enabled, not forced" in text  # tenant_memberships
    assert "- SC202 `rls-not-forced`: private.current_tenant_id() reads memberships" in text
    assert "- SC302 `index-not-tenant-first` on index `tenant_memberships_user_id_tenant_id_idx`: finds the" in text
    assert "- `vehicle_events_append_only`: before update and delete, for each row: `private.reject_mutation()`" in text
    assert "- `vehicle_events_default`: default" in text
    assert "| `vin` | `vin_code` | no |  | UK |  |" in text
    for heading in ("## Views", "## Materialized views", "## Functions", "### private.current_tenant_id"):
        assert f"\n{heading}\n" in text


def test_every_kind_of_object_has_its_place() -> None:
    compiled = compile_file(EVERY_KIND)
    text = markdown(compiled.catalog)
    c = compiled.catalog
    headings = set(re.findall(r"^### (.+)$", text, re.M))
    names = {
        (q.name if q.schema == "public" else str(q))
        for q in [t.qname for t in c.tables] + [v.qname for v in c.views] + [f.qname for f in c.functions]
    }
    assert names <= headings
    for e in c.enums:
        assert f"`{e.qname.name if e.qname.schema == 'public' else e.qname}`" in text
    assert "(restrictive): Every role may select, insert, update and delete only rows where" in text
    assert "Extensions: `citext`, `pg_trgm`, `btree_gist`." in text
    assert "identity (by default)" in text and "generated: `lower(name)`" in text
    assert "`customers_name_trgm_idx` | `name gin_trgm_ops` | gin; where `name <> ''`" in text
    assert "Row level security: **disabled**" in text
    assert "deferrable" in text and "nulls not distinct" in text


@pytest.mark.parametrize("spec", _specs())
def test_every_link_leads_to_a_heading(spec: str) -> None:
    text = _docs_of(spec)
    anchors = Anchors()
    targets = {anchors.add(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links and links <= targets, links - targets


# -- the command --------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_command_writes_then_checks(project: Path) -> None:
    stale = run("docs", "--check")
    assert stale.exit_code == 1
    assert "docs/schema.md is stale: run `schemac docs` and commit the result" in stale.output
    written = run("docs")
    assert written.exit_code == 0 and "wrote docs/schema.md" in written.output
    assert (project / "docs" / "schema.md").read_text() == (ROOT / "docs" / "schema.md").read_text()
    assert run("docs").output == "docs/schema.md is up to date\n"
    assert run("docs", "--check").exit_code == 0

    (project / "schema.yaml").write_text(
        (project / "schema.yaml").read_text().replace("One row per Supabase auth user.", "One row per user.")
    )
    changed = run("docs", "--check")
    assert changed.exit_code == 1
    assert "-One row per Supabase auth user.\n+One row per user.\n" in changed.output


def test_command_with_other_paths_names_them(project: Path) -> None:
    (project / "db").mkdir()
    shutil.move(project / "schema.yaml", project / "db" / "schema.yaml")
    result = run("docs", "--spec", "db/schema.yaml", "--out", "SCHEMA.md", "--check")
    assert result.exit_code == 1
    assert "run `schemac docs --spec db/schema.yaml --out SCHEMA.md`" in result.output
    assert run("docs", "--spec", "db/schema.yaml", "--out", "SCHEMA.md").exit_code == 0
    assert (project / "SCHEMA.md").exists()


def test_command_on_a_bad_spec_exits_2(project: Path) -> None:
    (project / "schema.yaml").write_text("version: 1\ntables: {t: {columns: {a: {type: timestampz}}}}\n")
    result = run("docs")
    assert result.exit_code == 2
    assert "did you mean 'timestamptz'" in result.output
    assert not (project / "docs").exists()


# -- docs/commands.md -----------------------------------------------------------


def test_docs_commands_md_is_current() -> None:
    from schemac.docgen.commands import commands_markdown

    assert (ROOT / "docs" / "commands.md").read_text() == commands_markdown(main), (
        "docs/commands.md is stale (a command's help changed): run "
        "`python -m schemac.docgen.commands > docs/commands.md` and commit it"
    )


def test_commands_md_covers_every_command_with_its_exit_codes() -> None:
    from schemac.docgen.commands import EXIT_CODES, command_names

    text = (ROOT / "docs" / "commands.md").read_text()
    names = command_names(main)
    assert {"build", "check", "docs", "init", "json-schema", "lint", "validate"} <= set(names)
    assert set(EXIT_CODES) <= set(names), "EXIT_CODES names commands that no longer exist"
    for name in names:
        section = text.split(f"\n## schemac {name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"Usage: schemac {name} [OPTIONS]" in section
        assert "Example" in section, f"schemac {name} --help has no example"
        assert "Exit codes:\n\n- 0: " in section


def test_a_policy_name_ending_in_a_space_is_documented_as_it_is(tmp_path: Path) -> None:
    # Supabase's examples name policies as sentences, some with a space at the end: another
    # name than the one without it, so the reference must show it.
    spec = tmp_path / "schema.yaml"
    spec.write_text(
        "version: 1\n"
        "roles: [authenticated]\n"
        "tables:\n"
        "  todos:\n"
        "    columns:\n"
        "      id: {type: bigint, primary_key: true}\n"
        "    rls: true\n"
        "    policies:\n"
        "      'Users can view their own todos. ':\n"
        "        command: select\n"
        "        roles: [authenticated]\n"
        "        using: 'true'\n"
    )
    out = tmp_path / "schema.md"
    result = CliRunner().invoke(main, ["--no-color", "docs", "--spec", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "`Users can view their own todos. `" in out.read_text()


def test_publications_are_listed_with_their_tables_and_operations() -> None:
    text = _docs(EVERY_KIND)
    assert "- [Publications](#publications)" in text
    assert (
        "| `order_changes` | `app.customers`, `app.orders` | insert, update, delete (partitions as their table) "
        "| What the warehouse replicates. |"
    ) in text


def test_the_projects_policies_and_triggers_on_platform_tables_have_their_section() -> None:
    text = _docs(VALID / "platform_tables.yaml")
    assert "- [Platform tables](#platform-tables): [auth.users](#authusers), [storage.objects](#storageobjects)" in text
    section = text[text.index("\n## Platform tables\n") : text.index("\n## Functions\n")]
    assert "### storage.objects\n\nThe platform's table: the spec holds only the project's policies" in section
    assert (
        "- `Avatar images are publicly accessible.`: Anonymous users and authenticated users may select rows "
        "where `bucket_id = 'avatars'`." in section
    )
    assert "- `on_auth_user_created`: after insert, for each row: `private.handle_new_user()` Every new user" in section


def test_aggregates_are_listed_with_their_functions_and_state() -> None:
    text = _docs(EVERY_KIND)
    assert "- [Aggregates](#aggregates)" in text
    # '' as the first state is shown, not taken for none.
    assert "| `app.joined(text)` | `textcat` | `text` from `''` | The texts, end to end. |" in text
    assert "| `app.biggest(bigint)` | `int8larger` | `bigint` |  |" in text


def test_default_privileges_are_listed_by_creator_schema_and_type() -> None:
    text = _docs(EVERY_KIND)
    assert "- [Default privileges](#default-privileges)" in text
    assert "| the applying role | every schema | functions | nothing |" in text
    assert "| the applying role | `app` | tables | granted to `public`: select |" in text


def test_composite_types_are_listed_with_their_attributes() -> None:
    text = _docs(EVERY_KIND)
    section = text[text.index("\n## Types and sequences\n") :]
    assert (
        "| `app.shipping_address` | `street text`, `city text collate C`, `Postal Code varchar(10)`, "
        "`priority public.priority` | Where an order goes. |"
    ) in section, section[:2000]
