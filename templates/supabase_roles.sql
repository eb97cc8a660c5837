-- schemac: the roles of the local Supabase stand-in (see supabase_standin.sql).
--
-- Apart from the rest of the stand-in because creating roles needs rights that
-- the role building a goal on the scratch server does not have: the server's
-- superuser runs this, and the goal's role the rest.
--
-- The API roles as Supabase makes them, and its platform roles by name, so that
-- a project's GRANT ... TO supabase_auth_admin (an auth hook) or to
-- authenticator applies. None of them can log in and none is given a right the
-- platform's has beyond what a plain role has (supabase_admin is no superuser
-- here, supabase_replication_admin has no REPLICATION): the stand-in makes no
-- role that could be used to reach the server.

DO $standin$
DECLARE
    platform_role text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    END IF;
    FOREACH platform_role IN ARRAY ARRAY[
        'authenticator', 'dashboard_user', 'pgbouncer', 'supabase_admin', 'supabase_auth_admin',
        'supabase_functions_admin', 'supabase_read_only_user', 'supabase_realtime_admin',
        'supabase_replication_admin', 'supabase_storage_admin'
    ] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = platform_role) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', platform_role);
        END IF;
    END LOOP;
    -- PostgREST logs in as authenticator and switches to the API role of the request.
    GRANT anon, authenticated, service_role TO authenticator;
END
$standin$;
