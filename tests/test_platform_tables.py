"""The project's policies and triggers on the platform's tables (a policy on storage.objects, a
sign-up trigger on auth.users): read, planned and imported as the project's, while the platform's
tables themselves, and the platform's own triggers on them, are never touched."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import yaml

from schemac import live
from schemac.apply import Settings, apply
from schemac.catalog.objects import Catalog, QualifiedName
from schemac.introspect import introspect
from schemac.plan import HAZARDS
from schemac.supabase import install_standin

OBJECTS = QualifiedName("storage", "objects")
USERS = QualifiedName("auth", "users")

PROJECT = """
create table public.profiles (id uuid primary key references auth.users on delete cascade, name text);
create function public.handle_new_user() returns trigger language plpgsql security definer
    set search_path = '' as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
create trigger on_auth_user_created after insert on auth.users
    for each row execute function public.handle_new_user();
create policy "Avatars are readable by members." on storage.objects
    for select to authenticated using (bucket_id = 'avatars');
"""

# The platform's own trigger on its table calls the platform's function: not the project's.
PLATFORM_OWN = """
create function storage.touch() returns trigger language plpgsql as $$ begin new.updated_at = now(); return new; end $$;
create trigger update_objects_updated_at before update on storage.objects
    for each row execute function storage.touch();
"""


@pytest.fixture
def database(databases) -> str:
    """A database with the Supabase stand-in."""
    url = databases()
    with psycopg.connect(url, autocommit=True) as conn:
        install_standin(conn)
    return url


def _run(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute(sql)


def _read(url: str) -> Catalog:
    with psycopg.connect(url) as conn:
        return introspect(conn)


def test_the_projects_policies_and_triggers_on_platform_tables_are_read_as_its_own(database) -> None:
    _run(database, PROJECT + PLATFORM_OWN)
    catalog = _read(database)
    assert [(p.table, p.name, p.using) for p in catalog.policies if p.table == OBJECTS] == [
        (OBJECTS, "Avatars are readable by members.", "(bucket_id = 'avatars'::text)")
    ]
    assert [(t.table, t.name, t.function) for t in catalog.triggers] == [
        (USERS, "on_auth_user_created", QualifiedName("public", "handle_new_user"))
    ]
    # Modelled, so no longer named as left alone; the platform's tables are not the spec's.
    assert catalog.unmanaged == ()
    assert {t.qname.schema for t in catalog.tables} == {"public"}


SIGNUP = """\
version: 1
target: {flavor: supabase}
schemas: [private]
conventions:
  signup: profiles
tables:
  profiles:
    columns:
      id: {type: uuid, primary_key: true, references: auth.users.id, on_delete: cascade}
"""


def test_a_plan_from_an_empty_database_makes_the_signup_conventions_trigger(tmp_path, pg_cluster) -> None:
    # Both sides were read without auth.users' triggers, so the plan never made it: apply lost it unsaid.
    spec = tmp_path / "schema.yaml"
    spec.write_text(SIGNUP)
    plan = live.plan(live.Side(Catalog(), "an empty database"), live.desired(str(spec), pg_cluster.url()))
    made = [s.sql for s in plan.steps if "CREATE TRIGGER" in s.sql]
    assert len(made) == 1 and "on_auth_user_created" in made[0] and "ON auth.users" in made[0], plan.sql()


SPEC = Path(__file__).parent / "specs" / "valid" / "platform_tables.yaml"
ALL = Settings(allowed_hazards=frozenset(HAZARDS))


def _changed(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(SPEC.read_text())
    edit(data["platform_tables"])
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_plans_create_alter_and_drop_them_with_their_hazards_and_never_touch_the_platforms_table(
    tmp_path, database, converge
) -> None:
    _run(database, PLATFORM_OWN)
    converge(database, SPEC)

    def edit(tables: dict) -> None:
        policies = tables["storage.objects"]["policies"]
        del policies["Avatar images are publicly accessible."]  # permissive
        del policies["Users never delete another's avatar."]  # restrictive
        policies["Users upload their own avatar."]["with_check"] = "bucket_id = 'avatars'"
        del tables["auth.users"]["triggers"]["on_auth_user_email_changed"]
        tables["auth.users"]["triggers"]["on_auth_user_created"]["comment"] = "Profiles for all."

    plan = converge(database, _changed(tmp_path, edit))
    hazards = {s.title: s.hazards for s in plan.steps}
    assert hazards["drop policy Avatar images are publicly accessible. on storage.objects"] == {"breaks-clients"}
    assert hazards["drop policy Users never delete another's avatar. on storage.objects"] == {"widens-access"}
    assert hazards["drop trigger on_auth_user_email_changed on auth.users"] == {"breaks-clients"}
    assert any("ALTER POLICY" in s.sql and "storage.objects" in s.sql for s in plan.steps), plan.sql()
    assert any("COMMENT ON TRIGGER on_auth_user_created ON auth.users" in s.sql for s in plan.steps), plan.sql()
    # The platform's table is never altered or dropped, nor its own trigger on it.
    assert not [s.sql for s in plan.steps if "TABLE storage." in s.sql or "TABLE auth." in s.sql]
    assert "update_objects_updated_at" not in plan.sql()
    with psycopg.connect(database) as conn:
        triggers = conn.execute(
            "select tgname from pg_trigger where tgrelid = 'storage.objects'::regclass and not tgisinternal"
        )
        assert [name for (name,) in triggers] == ["update_objects_updated_at"]


REALTIME = """\
version: 1
target: {flavor: supabase}
platform_tables:
  realtime.messages:
    policies:
      "Members hear their room's broadcasts.":
        command: select
        roles: [authenticated]
        using: extension = 'broadcast' and (select realtime.topic()) = 'room:' || (select auth.uid())::text
"""


def test_a_policy_on_realtime_messages_is_built_on_the_standin_and_converges(tmp_path, database, pg_cluster) -> None:
    # Realtime's authorization reads the project's policies on realtime.messages; the stand-in has the table.
    spec = tmp_path / "schema.yaml"
    spec.write_text(REALTIME)
    goal = live.desired(str(spec), pg_cluster.url())
    assert [(p.table, p.name) for p in goal.catalog.policies] == [
        (QualifiedName("realtime", "messages"), "Members hear their room's broadcasts.")
    ]
    apply(database, live.plan(live.current(database), goal), "", ALL)
    assert live.plan(live.current(database), goal).empty
