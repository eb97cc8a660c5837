-- schemac: the stand-in for uuid-ossp (see uuid-ossp.control).

\echo Use "CREATE EXTENSION ""uuid-ossp""" to load this file. \quit

CREATE FUNCTION uuid_nil() RETURNS uuid
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;

-- The name space identifiers of RFC 4122, appendix C.
CREATE FUNCTION uuid_ns_dns() RETURNS uuid
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::uuid $$;

CREATE FUNCTION uuid_ns_url() RETURNS uuid
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT '6ba7b811-9dad-11d1-80b4-00c04fd430c8'::uuid $$;

CREATE FUNCTION uuid_ns_oid() RETURNS uuid
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT '6ba7b812-9dad-11d1-80b4-00c04fd430c8'::uuid $$;

CREATE FUNCTION uuid_ns_x500() RETURNS uuid
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT '6ba7b814-9dad-11d1-80b4-00c04fd430c8'::uuid $$;

-- A version 4 (random) UUID, as core's gen_random_uuid() makes it.
CREATE FUNCTION uuid_generate_v4() RETURNS uuid
    VOLATILE STRICT PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT pg_catalog.gen_random_uuid() $$;
