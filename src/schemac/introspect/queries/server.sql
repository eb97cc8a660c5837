-- Facts about the server that the catalog records: its major version, and
-- whether it is Supabase (or the stand-in): an auth schema exists; whether it is a
-- Citus coordinator (distributions.sql reads Citus' own tables, which only it has); the role reading.
SELECT current_setting('server_version_num')::int / 10000 AS major_version,
       EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') AS has_auth_schema,
       EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') AS has_citus,
       current_user AS read_as
