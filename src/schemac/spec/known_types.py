"""The type names schemac knows without being told: PostgreSQL's built-ins and extensions' types."""

from __future__ import annotations

# Internal names, as pglast reports them after resolving SQL spellings
# ('integer' -> int4, 'timestamp with time zone' -> timestamptz).
BUILTIN = frozenset(
    """
    bool int2 int4 int8 float4 float8 numeric money
    text varchar bpchar char name citext_placeholder
    bytea uuid json jsonb jsonpath xml
    date time timetz timestamp timestamptz interval
    inet cidr macaddr macaddr8 bit varbit
    point line lseg box path polygon circle
    tsvector tsquery regconfig regdictionary
    int4range int8range numrange tsrange tstzrange daterange
    int4multirange int8multirange nummultirange tsmultirange tstzmultirange datemultirange
    oid regclass regproc regprocedure regtype regrole regnamespace regoper pg_lsn pg_snapshot txid_snapshot
    serial bigserial smallserial serial4 serial8 serial2
""".split()
) - {"citext_placeholder"}

# Types only a function may take or return.
PSEUDO = frozenset(
    """
    void trigger event_trigger record anyelement anyarray anynonarray anyenum anyrange
    anymultirange anycompatible anycompatiblearray cstring internal
""".split()
)

# Spellings people type, for suggestions; each maps to its internal name.
SPELLINGS = {
    "boolean": "bool",
    "smallint": "int2",
    "integer": "int4",
    "int": "int4",
    "bigint": "int8",
    "real": "float4",
    "double precision": "float8",
    "character varying": "varchar",
    "character": "bpchar",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "decimal": "numeric",
}

# Types an extension brings; a column of one needs the extension declared.
EXTENSION_TYPES = {
    "citext": "citext",
    "hstore": "hstore",
    "ltree": "ltree",
    "lquery": "ltree",
    "ltxtquery": "ltree",
    "cube": "cube",
    "earth": "earthdistance",
    "seg": "seg",
    "isbn": "isn",
    "isbn13": "isn",
    "issn": "isn",
    "ean13": "isn",
    "upc": "isn",
    "vector": "vector",
    "halfvec": "vector",
    "sparsevec": "vector",
    "geometry": "postgis",
    "geography": "postgis",
    "gbtreekey4": "btree_gist",
}

SUGGESTIBLE = sorted(
    (BUILTIN - {"serial4", "serial8", "serial2", "bpchar", "int2", "int4", "int8", "float4", "float8"})
    | set(SPELLINGS)
    | {"int", "integer", "bigint", "smallint", "boolean"}
)
