"""The project's policies and triggers on the platform's tables (a policy on storage.objects, a
sign-up trigger on auth.users): read, planned and imported as the project's, while the platform's
tables themselves, and the platform's own triggers on them, are never touched."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from schemac import live
from schemac.catalog.objects import Catalog, QualifiedName
from schemac.introspect import introspect
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
def database(pg_cluster):
    """A database with the Supabase stand-in, dropped afterwards."""
    name = f"platform_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.create_database(name)
    with psycopg.connect(url, autocommit=True) as conn:
        install_standin(conn)
    yield url
    pg_cluster.drop_database(name)


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
