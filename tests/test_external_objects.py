"""What a schema uses from PostgreSQL itself or from an extension rather than defines: an index of an
extension's access method (pgvector's hnsw) and a trigger calling PostgreSQL's own trigger function
(pagila's full-text trigger). Import used to leave both out, and a plan to the imported spec then dropped
them; they are modelled now, and round-trip exactly."""

from __future__ import annotations

import psycopg
import yaml
from click.testing import CliRunner

from schemac import live
from schemac.apply import Settings, apply
from schemac.cli import main
from schemac.plan import HAZARDS

ALL = Settings(allowed_hazards=frozenset(HAZARDS))

DOCUMENTS = """
create table docs (
    id bigint primary key,
    title text not null,
    body text,
    fulltext tsvector
);
create index docs_title_prefix on docs using spgist (title);
create trigger docs_fulltext before insert or update on docs
    for each row execute function tsvector_update_trigger('fulltext', 'pg_catalog.english', 'title', 'body');
"""

EMBEDDINGS = """
create extension vector;
create table chunks (id bigint primary key, embedding vector(3));
create index chunks_embedding on chunks using hnsw (embedding vector_cosine_ops) with (m = 8);
"""


def _has_vector(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'vector')").fetchone()[0]


def test_extension_index_methods_and_postgres_trigger_functions_import_back_exactly(
    tmp_path, databases, pg_cluster
) -> None:
    source = databases()
    vector = _has_vector(source)
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(DOCUMENTS + (EMBEDDINGS if vector else ""))
    spec = tmp_path / "schema.yaml"
    result = CliRunner().invoke(main, ["import", "--db", source, "--out", str(spec), "--dev-db", pg_cluster.url()])
    assert result.exit_code == 0, result.output
    assert "the round trip is exact" in result.output
    assert "left out" not in result.output
    tables = yaml.safe_load(spec.read_text())["tables"]
    assert tables["docs"]["indexes"] == [{"columns": ["title"], "name": "docs_title_prefix", "method": "spgist"}]
    trigger = tables["docs"]["triggers"]["docs_fulltext"]
    assert trigger["function"] == "pg_catalog.tsvector_update_trigger"
    assert trigger["args"] == ["fulltext", "pg_catalog.english", "title", "body"]
    if vector:
        (index,) = tables["chunks"]["indexes"]
        assert index["method"] == "hnsw" and index["storage_parameters"] == {"m": 8}

    # A plan from the database to its own import keeps both; built on an empty database, the spec
    # makes them again.
    migration = live.plan(live.current(source), live.desired(str(spec), pg_cluster.url()))
    assert migration.empty, migration.sql()
    target = databases()
    apply(target, live.plan(live.current(target), live.desired(str(spec), pg_cluster.url())), "", ALL)
    assert live.plan(live.current(target), live.desired(source)).empty
    with psycopg.connect(target) as conn:
        conn.execute("INSERT INTO docs (id, title, body) VALUES (1, 'Rust belt', 'steel towns')")
        assert conn.execute("SELECT fulltext @@ 'steel' FROM docs").fetchone()[0]
