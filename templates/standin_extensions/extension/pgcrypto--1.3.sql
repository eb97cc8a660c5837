-- schemac: the stand-in for pgcrypto (see pgcrypto.control).

\echo Use "CREATE EXTENSION pgcrypto" to load this file. \quit

CREATE FUNCTION gen_random_uuid() RETURNS uuid
    VOLATILE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT pg_catalog.gen_random_uuid() $$;
