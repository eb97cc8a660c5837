"""The operator classes PostgreSQL has, by index method, so that an index key's ``opclass`` can be
checked against its index's method offline (``gin_trgm_ops`` on a btree index is refused at its line).

Read from PostgreSQL 18's ``pg_opclass`` with these extensions installed: btree_gin, btree_gist,
citext, cube, hstore, intarray, isn, ltree, pg_trgm, seg, vector (pgvector). An operator class
of another extension, or one the database defines, is not listed and not checked here:
PostgreSQL checks it when the index is made.
"""

from __future__ import annotations

_BY_METHOD: dict[str, str] = {
    "brin": """
        bit_minmax_ops box_inclusion_ops bpchar_bloom_ops bpchar_minmax_ops bytea_bloom_ops bytea_minmax_ops
        char_bloom_ops char_minmax_ops date_bloom_ops date_minmax_multi_ops date_minmax_ops float4_bloom_ops
        float4_minmax_multi_ops float4_minmax_ops float8_bloom_ops float8_minmax_multi_ops float8_minmax_ops
        inet_bloom_ops inet_inclusion_ops inet_minmax_multi_ops inet_minmax_ops int2_bloom_ops
        int2_minmax_multi_ops int2_minmax_ops int4_bloom_ops int4_minmax_multi_ops int4_minmax_ops
        int8_bloom_ops int8_minmax_multi_ops int8_minmax_ops interval_bloom_ops interval_minmax_multi_ops
        interval_minmax_ops macaddr8_bloom_ops macaddr8_minmax_multi_ops macaddr8_minmax_ops
        macaddr_bloom_ops macaddr_minmax_multi_ops macaddr_minmax_ops name_bloom_ops name_minmax_ops
        numeric_bloom_ops numeric_minmax_multi_ops numeric_minmax_ops oid_bloom_ops oid_minmax_multi_ops
        oid_minmax_ops pg_lsn_bloom_ops pg_lsn_minmax_multi_ops pg_lsn_minmax_ops range_inclusion_ops
        text_bloom_ops text_minmax_ops tid_bloom_ops tid_minmax_multi_ops tid_minmax_ops time_bloom_ops
        time_minmax_multi_ops time_minmax_ops timestamp_bloom_ops timestamp_minmax_multi_ops
        timestamp_minmax_ops timestamptz_bloom_ops timestamptz_minmax_multi_ops timestamptz_minmax_ops
        timetz_bloom_ops timetz_minmax_multi_ops timetz_minmax_ops uuid_bloom_ops uuid_minmax_multi_ops
        uuid_minmax_ops varbit_minmax_ops
    """,
    "btree": """
        array_ops bit_ops bool_ops bpchar_ops bpchar_pattern_ops btree_hstore_ops bytea_ops char_ops
        cidr_ops citext_ops citext_pattern_ops cube_ops date_ops ean13_ops enum_ops float4_ops float8_ops
        halfvec_ops inet_ops int2_ops int4_ops int8_ops interval_ops isbn13_ops isbn_ops ismn13_ops ismn_ops
        issn13_ops issn_ops jsonb_ops ltree_ops macaddr8_ops macaddr_ops money_ops multirange_ops name_ops
        numeric_ops oid_ops oidvector_ops pg_lsn_ops range_ops record_image_ops record_ops seg_ops
        sparsevec_ops text_ops text_pattern_ops tid_ops time_ops timestamp_ops timestamptz_ops timetz_ops
        tsquery_ops tsvector_ops upc_ops uuid_ops varbit_ops varchar_ops varchar_pattern_ops vector_ops
        xid8_ops
    """,
    "gin": """
        array_ops bit_ops bool_ops bpchar_ops bytea_ops char_ops cidr_ops date_ops enum_ops float4_ops
        float8_ops gin__int_ops gin_hstore_ops gin_trgm_ops inet_ops int2_ops int4_ops int8_ops interval_ops
        jsonb_ops jsonb_path_ops macaddr8_ops macaddr_ops money_ops name_ops numeric_ops oid_ops text_ops
        time_ops timestamp_ops timestamptz_ops timetz_ops tsvector_ops uuid_ops varbit_ops varchar_ops
    """,
    "gist": """
        box_ops circle_ops gist__int_ops gist__intbig_ops gist__ltree_ops gist_bit_ops gist_bool_ops
        gist_bpchar_ops gist_bytea_ops gist_cash_ops gist_cidr_ops gist_cube_ops gist_date_ops gist_enum_ops
        gist_float4_ops gist_float8_ops gist_hstore_ops gist_inet_ops gist_int2_ops gist_int4_ops
        gist_int8_ops gist_interval_ops gist_ltree_ops gist_macaddr8_ops gist_macaddr_ops gist_numeric_ops
        gist_oid_ops gist_seg_ops gist_text_ops gist_time_ops gist_timestamp_ops gist_timestamptz_ops
        gist_timetz_ops gist_trgm_ops gist_uuid_ops gist_vbit_ops inet_ops multirange_ops point_ops poly_ops
        range_ops tsquery_ops tsvector_ops
    """,
    "hash": """
        aclitem_ops array_ops bool_ops bpchar_ops bpchar_pattern_ops bytea_ops char_ops cid_ops cidr_ops
        citext_ops date_ops ean13_ops enum_ops float4_ops float8_ops hash_hstore_ops hash_ltree_ops inet_ops
        int2_ops int4_ops int8_ops interval_ops isbn13_ops isbn_ops ismn13_ops ismn_ops issn13_ops issn_ops
        jsonb_ops macaddr8_ops macaddr_ops multirange_ops name_ops numeric_ops oid_ops oidvector_ops
        pg_lsn_ops range_ops record_ops text_ops text_pattern_ops tid_ops time_ops timestamp_ops
        timestamptz_ops timetz_ops upc_ops uuid_ops varchar_ops varchar_pattern_ops xid8_ops xid_ops
    """,
    "hnsw": """
        bit_hamming_ops bit_jaccard_ops halfvec_cosine_ops halfvec_ip_ops halfvec_l1_ops halfvec_l2_ops
        sparsevec_cosine_ops sparsevec_ip_ops sparsevec_l1_ops sparsevec_l2_ops vector_cosine_ops
        vector_ip_ops vector_l1_ops vector_l2_ops
    """,
    "ivfflat": """
        bit_hamming_ops halfvec_cosine_ops halfvec_ip_ops halfvec_l2_ops vector_cosine_ops vector_ip_ops
        vector_l2_ops
    """,
    "spgist": """
        box_ops inet_ops kd_point_ops poly_ops quad_point_ops range_ops text_ops
    """,
}

# Operator class name -> the index methods that have an operator class of that name.
METHODS: dict[str, frozenset[str]] = {}
for _method, _names in _BY_METHOD.items():
    for _name in _names.split():
        METHODS[_name] = METHODS.get(_name, frozenset()) | {_method}


# The index access methods PostgreSQL has, and those of extensions a spec may install (the extension
# that provides each). Another name is taken as some extension's method and checked where the spec is
# built, unless it looks like a misspelling of one of these.
CORE_METHODS = ("btree", "hash", "gist", "spgist", "gin", "brin")
EXTENSION_METHODS = {"hnsw": "vector", "ivfflat": "vector", "bloom": "bloom", "rum": "rum"}


def checks_opclasses(method: str) -> bool:
    """Whether this module lists every operator class of ``method``, so that one it does not list
    for it is known to be for other methods only."""
    return method in _BY_METHOD


def methods_of(opclass: str) -> frozenset[str] | None:
    """The index methods an operator class (``gin_trgm_ops``, ``extensions.gin_trgm_ops``, as SQL writes
    it) belongs to; None for one not listed here."""
    name = opclass.rsplit(".", 1)[-1].strip('"')
    return METHODS.get(name)
