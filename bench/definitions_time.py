#!/usr/bin/env python3
"""Time each catalog query (introspect/queries) on one database, and the share of the definitions query.

Usage: python bench/definitions_time.py URL [SCHEMA ...]   (default schemas: musicbrainz public)
"""

from __future__ import annotations

import sys
import time

import psycopg

from schemac.introspect.reader import QUERIES, query


def main(url: str, schemas: list[str]) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(query("session"))
        namespaces = [
            oid for (oid,) in conn.execute("SELECT oid FROM pg_namespace WHERE nspname = ANY(%s)", (schemas,))
        ]
        given = ("given_kinds", "given_objects", "given_roles", "given_privileges")
        args = {"namespaces": namespaces, "platform": [], **{key: [] for key in given}}
        best: dict[str, float] = {}
        for _ in range(3):
            for kind in QUERIES[1:]:
                if kind == "distributions":
                    continue
                start = time.perf_counter()
                conn.execute(query(kind), args).fetchall()
                best[kind] = min(best.get(kind, float("inf")), time.perf_counter() - start)
    total = sum(best.values())
    share = best["definitions"]
    print(f"catalog queries {total:.2f} s (best of 3 each); definitions {share:.2f} s ({100 * share / total:.0f}%)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or ["musicbrainz", "public"])
