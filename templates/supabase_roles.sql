-- schemac: the roles of the local Supabase stand-in (see supabase_standin.sql).
--
-- Apart from the rest of the stand-in because creating roles needs rights that
-- the role building a goal on the scratch server does not have: the server's
-- superuser runs this, and the goal's role the rest.

DO $standin$
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
END
$standin$;
