"""The operator classes the spec checks an index's method against (spec/opclasses.py) are the
server's: every operator class of PostgreSQL itself, and of the extensions listed there that the
server has, belongs to the methods the list says."""

from __future__ import annotations

from schemac.spec.opclasses import methods_of

LISTED_EXTENSIONS = (
    "btree_gin",
    "btree_gist",
    "citext",
    "cube",
    "hstore",
    "intarray",
    "isn",
    "ltree",
    "pg_trgm",
    "seg",
)


def test_every_operator_class_of_the_server_is_listed_with_its_method(pg_conn) -> None:
    available = {name for (name,) in pg_conn.execute("SELECT name FROM pg_available_extensions")}
    for name in LISTED_EXTENSIONS:
        if name in available:
            pg_conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')
    rows = pg_conn.execute(
        "SELECT opc.opcname, am.amname FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod"
        " WHERE am.amname IN ('btree', 'hash', 'gist', 'gin', 'brin', 'spgist')"
    ).fetchall()
    assert len(rows) > 200
    missing = sorted((name, method) for name, method in rows if method not in (methods_of(name) or ()))
    assert not missing, missing
