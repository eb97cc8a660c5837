-- schemac: local stand-in for the Supabase platform surface.
--
-- Installed only into databases that have no "auth" schema (the scratch and
-- test databases; a self-hosted server only when asked for, never as a side
-- effect of a plan), never into a Supabase project. It provides what a Supabase
-- database has before a project's first migration, as far as user schemas
-- refer to it: the roles (supabase_roles.sql), the schemas auth, extensions and
-- storage, auth.users, and auth.uid(), auth.jwt(), auth.role() and
-- auth.email(), which read the request.jwt.claims setting (and the older
-- request.jwt.claim.* settings) the way Supabase's own definitions do, so that
-- policies run for real; the extensions uuid-ossp and pgcrypto in the schema
-- extensions, which is on the search_path; storage's tables and helper
-- functions; realtime.messages and realtime.topic(), which Realtime's
-- authorization policies use; the platform's grants and default privileges.

-- The roles come first: supabase_roles.sql.

CREATE SCHEMA auth;
CREATE SCHEMA IF NOT EXISTS extensions;

-- Supabase installs uuid-ossp and pgcrypto in extensions, and a migration's
-- CREATE EXTENSION IF NOT EXISTS then finds them there. Only where the server
-- has them: the embedded PostgreSQL has schemac's stand-ins instead (only what
-- core does identically: no cryptographic function), and elsewhere a call to
-- one of their functions fails, naming it.
DO $standin$
DECLARE
    wanted text;
BEGIN
    FOREACH wanted IN ARRAY ARRAY['uuid-ossp', 'pgcrypto'] LOOP
        IF EXISTS (SELECT FROM pg_available_extensions WHERE name = wanted) THEN
            EXECUTE format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA extensions', wanted);
        END IF;
    END LOOP;
END
$standin$;

-- Supabase puts extensions on its roles' search_path, so that unqualified
-- uuid_generate_v4() resolves; here on the database's (for later sessions) and
-- this session's.
DO $standin$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET search_path TO "$user", public, extensions', current_database());
END
$standin$;
SELECT pg_catalog.set_config('search_path', '"$user", public, extensions', false);

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
-- The platform's services own their schemas on Supabase; here they are granted them.
GRANT ALL ON SCHEMA auth TO supabase_auth_admin;
GRANT ALL ON TABLE auth.users TO supabase_auth_admin;

-- Storage: the tables its API keeps files' metadata in (projects write
-- policies on storage.objects and insert their buckets into storage.buckets),
-- as a current Supabase project has them, and the helper functions policies
-- call on an object's name.
CREATE SCHEMA storage;
COMMENT ON SCHEMA storage IS 'schemac stand-in for Supabase Storage (local development and tests only)';

CREATE TABLE storage.migrations (
    id          integer      NOT NULL PRIMARY KEY,
    name        varchar(100) NOT NULL UNIQUE,
    hash        varchar(40)  NOT NULL,
    executed_at timestamp    DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE storage.buckets (
    id                 text        NOT NULL PRIMARY KEY,
    name               text        NOT NULL,
    owner              uuid,
    created_at         timestamptz DEFAULT now(),
    updated_at         timestamptz DEFAULT now(),
    public             boolean     DEFAULT false,
    avif_autodetection boolean     DEFAULT false,
    file_size_limit    bigint,
    allowed_mime_types text[],
    owner_id           text
);
CREATE UNIQUE INDEX bname ON storage.buckets USING btree (name);

CREATE TABLE storage.objects (
    id               uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    bucket_id        text        REFERENCES storage.buckets (id),
    name             text,
    owner            uuid,
    created_at       timestamptz DEFAULT now(),
    updated_at       timestamptz DEFAULT now(),
    last_accessed_at timestamptz DEFAULT now(),
    metadata         jsonb,
    path_tokens      text[]      GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
    version          text,
    owner_id         text,
    user_metadata    jsonb
);
CREATE UNIQUE INDEX bucketid_objname ON storage.objects USING btree (bucket_id, name);
CREATE INDEX name_prefix_search ON storage.objects USING btree (name text_pattern_ops);

CREATE TABLE storage.s3_multipart_uploads (
    id               text        NOT NULL PRIMARY KEY,
    in_progress_size bigint      NOT NULL DEFAULT 0,
    upload_signature text        NOT NULL,
    bucket_id        text        NOT NULL REFERENCES storage.buckets (id),
    key              text        COLLATE "C" NOT NULL,
    version          text        NOT NULL,
    owner_id         text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    user_metadata    jsonb
);

CREATE TABLE storage.s3_multipart_uploads_parts (
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    upload_id   text        NOT NULL REFERENCES storage.s3_multipart_uploads (id) ON DELETE CASCADE,
    size        bigint      NOT NULL DEFAULT 0,
    part_number integer     NOT NULL,
    bucket_id   text        NOT NULL REFERENCES storage.buckets (id),
    key         text        COLLATE "C" NOT NULL,
    etag        text        NOT NULL,
    owner_id    text,
    version     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE storage.migrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.s3_multipart_uploads ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.s3_multipart_uploads_parts ENABLE ROW LEVEL SECURITY;

-- An object's name is its path: 'avatars/2024/me.png'.
-- The folders above it: {avatars,2024}.
CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT parts[1 : array_length(parts, 1) - 1] FROM string_to_array(name, '/') AS parts
$$;

-- Its last part: me.png.
CREATE FUNCTION storage.filename(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT parts[array_length(parts, 1)] FROM string_to_array(name, '/') AS parts
$$;

-- What follows the last dot of that part: png (the whole part when it has no dot).
CREATE FUNCTION storage.extension(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT reverse(split_part(reverse(parts[array_length(parts, 1)]), '.', 1))
      FROM string_to_array(name, '/') AS parts
$$;

GRANT USAGE ON SCHEMA storage TO anon, authenticated, service_role;
GRANT ALL ON SCHEMA storage TO supabase_storage_admin;
GRANT ALL ON ALL TABLES IN SCHEMA storage TO supabase_storage_admin;
GRANT ALL ON TABLE storage.buckets, storage.objects TO anon, authenticated, service_role;
GRANT ALL ON TABLE storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts TO service_role;
GRANT SELECT ON TABLE storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts TO anon, authenticated;
GRANT EXECUTE ON FUNCTION storage.foldername(text), storage.filename(text), storage.extension(text)
    TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA storage GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA storage GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA storage GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;

-- Realtime streams the changes of the tables a project adds to this publication;
-- Supabase creates it empty.
CREATE PUBLICATION supabase_realtime;

-- Realtime's Broadcast and Presence authorization: a client may join a private
-- channel as far as the project's policies on realtime.messages let it read (and
-- write) the channel's messages; realtime.topic() is the channel a policy compares.
-- As a current Supabase project has them (the table partitioned by day there).
CREATE SCHEMA realtime;
COMMENT ON SCHEMA realtime IS 'schemac stand-in for Supabase Realtime (local development and tests only)';

CREATE TABLE realtime.messages (
    topic       text        NOT NULL,
    extension   text        NOT NULL,
    payload     jsonb,
    event       text,
    private     boolean     DEFAULT false,
    updated_at  timestamp   NOT NULL DEFAULT now(),
    inserted_at timestamp   NOT NULL DEFAULT now(),
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    PRIMARY KEY (id, inserted_at)
) PARTITION BY RANGE (inserted_at);
ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION realtime.topic() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('realtime.topic', true), '')::text
$$;

GRANT USAGE ON SCHEMA realtime TO anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE ON TABLE realtime.messages TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION realtime.topic() TO anon, authenticated, service_role;

-- Supabase grants the API roles every privilege on new objects in public and
-- relies on RLS to restrict rows; the stand-in does the same.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
