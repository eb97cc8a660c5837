-- schemac: local stand-in for the Supabase platform surface.
--
-- Installed only into databases that have no "auth" schema (the embedded
-- development database, CI), never into a Supabase project and never as part
-- of a plan. It provides what user schemas refer to: the roles anon,
-- authenticated and service_role, the schemas auth and extensions, auth.users,
-- and auth.uid(), auth.jwt(), auth.role() and auth.email(), which read the
-- request.jwt.claims setting (and the older request.jwt.claim.* settings) the
-- way Supabase's own definitions do, so that policies run for real.

-- The roles anon, authenticated and service_role come first: supabase_roles.sql.

CREATE SCHEMA auth;
CREATE SCHEMA IF NOT EXISTS extensions;
COMMENT ON SCHEMA auth IS 'schemac stand-in for Supabase Auth (local development and tests only)';

CREATE TABLE auth.users (
    id                 uuid        NOT NULL PRIMARY KEY,
    email              text,
    phone              text,
    raw_user_meta_data jsonb,
    raw_app_meta_data  jsonb,
    created_at         timestamptz DEFAULT now(),
    updated_at         timestamptz DEFAULT now(),
    deleted_at         timestamptz
);

CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    )::uuid
$$;

CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
    )::text
$$;

CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
    )::text
$$;

CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION auth.uid(), auth.role(), auth.email(), auth.jwt()
    TO anon, authenticated, service_role;
GRANT ALL ON TABLE auth.users TO service_role;

-- Realtime streams the changes of the tables a project adds to this publication;
-- Supabase creates it empty.
CREATE PUBLICATION supabase_realtime;

-- Supabase grants the API roles every privilege on new objects in public and
-- relies on RLS to restrict rows; the stand-in does the same.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
